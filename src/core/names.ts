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

/** Plain path segments of letters, digits, "_", "-" and "." (not starting with "-"), such as config/master.key or .env. */
export const SHARED_PATH_PATTERN = /^[A-Za-z0-9._][A-Za-z0-9._-]*(\/[A-Za-z0-9._][A-Za-z0-9._-]*)*$/;

/** A path inside an app's shared/ and its releases: relative, plain segments, no `..`. */
export const sharedPathSchema = z
  .string()
  .max(200)
  .regex(SHARED_PATH_PATTERN, 'must be a relative path such as config/master.key (no "..", no leading "/")')
  .refine((value) => value.split('/').every((segment) => segment !== '..' && segment !== '.'), 'must not contain ".." or "."');

export function isSharedPath(value: string): boolean {
  return sharedPathSchema.safeParse(value).success;
}

/** A DNS name (letters, digits and inner "-" in dot-separated labels) or an IP address: it becomes a file name and an nginx server_name. */
const DOMAIN_PATTERN = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6_PATTERN = /^[0-9A-Fa-f:.]{2,45}$/;

export const domainSchema = z
  .string()
  .refine(
    (value) => DOMAIN_PATTERN.test(value) || (value.includes(':') && IPV6_PATTERN.test(value)),
    'must be a domain name such as cigar.example.com (letters, digits and "-" between dots) or an IP address',
  );
