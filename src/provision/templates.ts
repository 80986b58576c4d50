import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HmsError } from '../core/errors.js';

/** The installed hms package's root, found from this module (source or dist/ bundle). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i += 1) {
    if (existsSync(path.join(dir, 'templates')) && existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new HmsError('Cannot find the templates/ folder of hms.', { hint: 'Reinstall hms (npm ci) so templates/ sits next to dist/.' });
}

export function templatesDir(): string {
  return path.join(packageRoot(), 'templates');
}

export type TemplateValues = Record<string, string | number>;

/**
 * Fills `{{name}}` placeholders. Every placeholder needs a value and every value
 * must be one line, so a value can never add a directive of its own.
 */
export function fillTemplate(name: string, text: string, values: TemplateValues): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new HmsError(`Template ${name} needs a value for {{${key}}}.`);
    const s = String(value);
    if (/[\n\r\0]/.test(s)) throw new HmsError(`Template ${name}: the value of {{${key}}} must be a single line.`);
    return s;
  });
}

export async function renderTemplate(name: string, values: TemplateValues): Promise<string> {
  const text = await readFile(path.join(templatesDir(), name), 'utf8');
  return fillTemplate(name, text, values);
}
