import { z } from 'zod';

/**
 * Names that come from users (apps, servers) are checked against this pattern
 * before they are ever used to look something up. They are never turned into paths
 * without it.
 */
export const NAME_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

export const nameSchema = z
  .string()
  .regex(NAME_PATTERN, 'must be lowercase letters, digits, "-" or "_", starting with a letter (at most 32)');

export function isName(value: string): boolean {
  return NAME_PATTERN.test(value);
}
