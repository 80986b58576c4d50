import { homedir } from 'node:os';
import path from 'node:path';
import { openKeychain, type Keychain } from './keychain.js';
import { TokenFile } from './token-file.js';

export interface CredentialStore {
  /** Where tokens live: 'keychain' or the fallback file's path. */
  where: string;
  /** Set when the fallback file is used: the one-line warning to show. */
  warning?: string;
  /** Set when the fallback file is used: why the keychain is not. */
  unavailable?: string;
  get(account: string): Promise<string | null>;
  set(account: string, token: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

export function tokenFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || homedir(), '.config');
  return path.join(base, 'hms', 'tokens.json');
}

/** The account name of a server's API token: name and address, so a moved server asks again. */
export function tokenAccount(server: string, host: string): string {
  return `${server}@${host}`;
}

/** The OS keychain when reachable, else a 0600 file (with a warning to print once). */
export async function openCredentialStore(env: NodeJS.ProcessEnv = process.env): Promise<CredentialStore> {
  const opened = env.HMS_NO_KEYCHAIN === '1' ? { unavailable: 'HMS_NO_KEYCHAIN=1' } : await openKeychain();
  if ('keychain' in opened) return fromKeychain(opened.keychain);
  const file = new TokenFile(tokenFilePath(env));
  return {
    where: file.file,
    unavailable: opened.unavailable,
    warning: `warning: ${opened.unavailable}; the API token is kept in ${file.file} (mode 600) instead.`,
    get: (account) => file.get(account),
    set: (account, token) => file.set(account, token),
    delete: (account) => file.delete(account),
  };
}

function fromKeychain(keychain: Keychain): CredentialStore {
  return { where: 'keychain', ...keychain };
}

/** Keeps a server's API token, keyed like `hms login` does; returns one line saying where (never the token). */
export async function keepToken(
  env: NodeJS.ProcessEnv,
  server: string,
  host: string,
  token: string,
): Promise<{ where: string; line: string }> {
  const store = await openCredentialStore(env);
  await store.set(tokenAccount(server, host), token);
  const place = store.where === 'keychain' ? 'the keychain' : `${store.where} (0600; no keychain: ${store.unavailable})`;
  return { where: store.where, line: `API token for ${server} stored in ${place}.` };
}
