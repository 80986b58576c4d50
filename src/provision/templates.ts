import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HmsError } from '../core/errors.js';
import { packageRoot } from '../platform/package-root.js';

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
