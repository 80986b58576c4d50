/**
 * The /deploys forms as the API's requests, checked by the API's own schemas. A
 * field the API would refuse is a 400 naming it; the page shows it beside the form.
 */
import type { z } from 'zod';
import { deployRequestSchema, lockRequestSchema, rollbackRequestSchema } from '../../src/api/deploys.js';
import { ApiError } from '../errors.js';

type Body = Record<string, unknown>;

/** A form field as typed, trimmed; absent or a file upload is empty. */
const field = (body: Body, name: string): string => (typeof body[name] === 'string' ? body[name].trim() : '');

/** Empty fields are left out: the API's defaults apply (the app's branch, no reason). */
const filled = (fields: Record<string, string>) => Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== ''));

function parsed<T extends z.ZodType>(schema: T, fields: Record<string, string>, hint: string): z.output<T> {
  const result = schema.safeParse(filled(fields));
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const name = typeof issue.path[0] === 'string' ? issue.path[0] : 'form';
  throw new ApiError(400, `The ${name} ${issue.message}.`, { hint });
}

export function deployRequestOf(body: Body): { ref?: string | undefined; reason?: string | undefined } {
  const { ref, reason } = parsed(
    deployRequestSchema,
    { ref: field(body, 'ref'), reason: field(body, 'reason') },
    'Fix the field and deploy again.',
  );
  return { ref, reason };
}

export function lockReasonOf(body: Body): string {
  const reason = field(body, 'reason');
  if (!reason) throw new ApiError(400, 'Say why the app is locked.', { hint: 'The reason is shown to whoever tries to deploy it.' });
  return parsed(lockRequestSchema, { reason }, 'One line of text, at most 300 characters.').reason;
}

/** The release comes from the releases table's link: required here. */
export function rollbackRequestOf(body: Body): { release: string; reason?: string | undefined } {
  const release = field(body, 'release');
  const hint = 'Choose "Roll back to this" on a release in the table.';
  if (!release) throw new ApiError(400, 'The rollback form names no release.', { hint });
  const request = parsed(rollbackRequestSchema, { release, reason: field(body, 'reason') }, hint);
  return { release, reason: request.reason };
}
