/**
 * The public payload corpora under tests/fixtures/payloads (see its README for
 * sources and licences), read once, with upstream's `{FILE}` placeholder aimed at
 * the canary, and deduplicated. The order is the files' order, so any sample taken
 * from it is the same on every run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const FIXTURES = path.resolve('tests/fixtures/payloads');

export interface Payload {
  /** `blns` or the file name under payloads-all-the-things/. */
  corpus: string;
  text: string;
}

/** Every payload of every corpus; `canary` (an absolute path) replaces `{FILE}`. */
export function loadPayloads(canary: string): Payload[] {
  const found: Payload[] = [];
  const blns = JSON.parse(readFileSync(path.join(FIXTURES, 'blns', 'blns.json'), 'utf8')) as string[];
  found.push(...blns.map((text) => ({ corpus: 'blns', text })));
  const patt = path.join(FIXTURES, 'payloads-all-the-things');
  for (const file of readdirSync(patt)
    .filter((name) => name.endsWith('.txt'))
    .sort()) {
    for (const line of readFileSync(path.join(patt, file), 'utf8').split('\n')) {
      if (line !== '') found.push({ corpus: file, text: line.replaceAll('{FILE}', canary.slice(1)) });
    }
  }
  const seen = new Set<string>();
  return found.filter((payload) => !seen.has(payload.text) && seen.add(payload.text));
}

/** Every `stride`-th payload, starting at `offset`: a deterministic sample. */
export function everyNth<T>(items: T[], stride: number, offset = 0): T[] {
  return items.filter((_, index) => index % stride === offset % stride);
}

const base64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * Session cookies an attacker can make without the secret: unsigned (`alg: none`),
 * signed with a guessable key, or with the claims in the wrong place, each carrying
 * the payload as the user.
 */
export function forgedSessions(payload: string): string[] {
  const claims = { user: payload, sid: payload, expires: 4_102_444_800, idle: 4_102_444_800, pw: payload };
  const signedWith = (header: unknown) => `${base64url(header)}.${base64url(claims)}`;
  return [
    `${signedWith({ alg: 'none', typ: 'JWT' })}.`,
    `${signedWith({ alg: 'HS256', typ: 'JWT' })}.${base64url('secret')}`,
    `${signedWith({ alg: 'HS256', typ: 'JWT', kid: payload })}.${base64url(payload)}`,
    payload,
  ];
}
