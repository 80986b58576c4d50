import type { z } from 'zod';

/**
 * "hms.config.json: servers.prod.port: expected a number". Zod messages name the
 * expected and received types, never the received value, so secrets stay out.
 */
export function formatIssues(file: string, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.map(String).join('.') || '(top level)';
      const message = issue.message.replace(/^Invalid input: /, '');
      return `${file}: ${path}: ${message}`;
    })
    .join('\n');
}
