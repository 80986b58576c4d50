/**
 * What provisioning may show of a file it writes: secrets become `***` before a
 * diff is computed, so a changed secret shows as a changed line with no value.
 */
import { unifiedDiff } from '../core/diff.js';

/** How a file's secrets are hidden: env values by key, every JSON string value, or the whole file. */
export type Redaction = 'env' | 'json' | 'whole';

const SECRET_KEY = /SECRET|PASSWORD|PASSWD|TOKEN|KEY|CREDENTIAL|PRIVATE/i;

export const MASK = '***';

/** The comment lines that open an app env file's plain and secret settings (app-env.ts writes them). */
export const PLAIN_SETTINGS = '# Plain settings';
export const SECRET_SETTINGS = '# Secret settings';

/**
 * KEY=value lines: the value of any secret-sounding key (and of URLs, which carry
 * passwords) is masked; below the secret settings' comment line every value is, and
 * below the plain settings' one none is (they are hms.config.json's, shown as written).
 */
export function redactEnv(text: string): string {
  let part: 'hms' | 'plain' | 'secret' = 'hms';
  return text
    .split('\n')
    .map((line) => {
      if (line.startsWith('#')) {
        part = line.startsWith(PLAIN_SETTINGS) ? 'plain' : line.startsWith(SECRET_SETTINGS) ? 'secret' : part;
        return line;
      }
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(line);
      if (!match || part === 'plain') return line;
      const key = match[1]!;
      return part === 'secret' || SECRET_KEY.test(key) || /_URL$/.test(key) ? `${key}=${MASK}` : line;
    })
    .join('\n');
}

/** Every JSON string value masked, keys kept: shows which entry changed, never to what. */
export function redactJson(text: string): string {
  return text.replace(/("(?:[^"\\]|\\.)*"\s*:\s*)"(?:[^"\\]|\\.)*"/g, `$1"${MASK}"`);
}

export function redact(text: string, how: Redaction | undefined): string {
  if (how === 'env') return redactEnv(text);
  if (how === 'json') return redactJson(text);
  if (how === 'whole')
    return text
      .split('\n')
      .map((line) => (line === '' ? line : MASK))
      .join('\n');
  return text;
}

/** Lines shown for one file; beyond this the diff is cut with a count. */
export const MAX_DIFF_LINES = 60;

/**
 * The unified diff from what a server file holds to what provisioning would write,
 * secrets masked first. Says so when only secret values differ.
 */
export function fileDiff(path: string, current: string, next: string, how?: Redaction): string[] {
  const diff = unifiedDiff(redact(current, how), redact(next, how), { old: `${path} (server)`, new: `${path} (hms)` });
  if (diff === '') return ['(only secret values differ; not shown)'];
  const lines = diff.trimEnd().split('\n');
  if (lines.length <= MAX_DIFF_LINES) return lines;
  return [...lines.slice(0, MAX_DIFF_LINES), `… ${lines.length - MAX_DIFF_LINES} more diff lines`];
}
