/**
 * known_hosts in OpenSSH's format: plain and hashed (|1|salt|hash) host patterns,
 * `[host]:port` for other ports, `*`/`?` wildcards, `!` negation and @revoked.
 */
import { createHash, createHmac } from 'node:crypto';
import { readFile, appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

export interface HostKey {
  type: string;
  /** The key blob as known_hosts stores it (base64). */
  base64: string;
}

export interface KnownHostEntry extends HostKey {
  revoked: boolean;
  line: number;
}

/** The host name as known_hosts writes it: `[host]:port` unless the port is 22. */
export function hostPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** SHA256 fingerprint as `ssh-keygen -lf` prints it. */
export function fingerprint(key: Buffer | string): string {
  const blob = typeof key === 'string' ? Buffer.from(key, 'base64') : key;
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written inside an SSH public key blob (its first string). */
export function keyTypeOf(blob: Buffer): string {
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('ascii');
}

function globMatches(pattern: string, name: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(name);
}

function hashedMatches(pattern: string, name: string): boolean {
  const [, magic, salt, hash] = pattern.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

function hostsMatch(patterns: string, name: string): boolean {
  let matched = false;
  for (const pattern of patterns.split(',')) {
    if (pattern.startsWith('|')) {
      if (hashedMatches(pattern, name)) matched = true;
    } else if (pattern.startsWith('!')) {
      if (globMatches(pattern.slice(1), name)) return false;
    } else if (globMatches(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** Entries for one host in a known_hosts text (cert-authority lines are not supported). */
export function findHostKeys(text: string, host: string, port: number): KnownHostEntry[] {
  const name = hostPattern(host, port);
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '' || fields[0]?.startsWith('#')) return;
    const marker = fields[0]?.startsWith('@') ? fields.shift() : undefined;
    if (marker === '@cert-authority') return;
    const [patterns, type, base64] = fields;
    if (!patterns || !type || !base64) return;
    if (hostsMatch(patterns, name)) entries.push({ type, base64, revoked: marker === '@revoked', line: index + 1 });
  });
  return entries;
}

export async function readKnownHosts(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

export async function appendKnownHost(file: string, host: string, port: number, key: HostKey): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const existing = await readKnownHosts(file);
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  await appendFile(file, `${separator}${hostPattern(host, port)} ${key.type} ${key.base64}\n`, { mode: 0o600 });
}

/** The ssh2 host key algorithms that can present a key of this known_hosts type. */
export function algorithmsFor(type: string): string[] {
  if (type === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [type];
}
