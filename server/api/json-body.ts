import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from '../errors.js';

/**
 * A JSON request body checked against its contract: invalid JSON or a wrong field is
 * a 400 that names the field ("body.args: ..."). `example` goes into the hint;
 * `emptyAsObject` lets an empty body stand for `{}` (all fields optional).
 */
export async function jsonBody<T extends z.ZodType>(
  c: Context,
  schema: T,
  options: { example?: string; emptyAsObject?: boolean } = {},
): Promise<z.infer<T>> {
  const text = await c.req.text();
  let raw: unknown = {};
  if (!(options.emptyAsObject && text.trim() === '')) {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ApiError(400, 'The request body is not valid JSON.', {
        hint: `Send Content-Type: application/json with a JSON object${options.example ? ` such as ${options.example}` : ''}.`,
      });
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiError(400, `body.${issue.path.join('.') || '(root)'}: ${issue.message}`, { details: { issues: parsed.error.issues } });
  }
  return parsed.data;
}

/** Long actions stream Server-Sent Events unless the client asks for one JSON answer. */
export function wantsJson(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  return accept.includes('application/json') && !accept.includes('text/event-stream');
}
