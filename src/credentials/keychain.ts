/**
 * The OS keychain through keytar, loaded lazily: keytar is an optional native
 * dependency, and a machine without it (or without a reachable keychain) still works.
 */
export interface Keychain {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

export const KEYCHAIN_SERVICE = 'hms';

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** The keychain, or the reason there is none (keytar missing, no Secret Service on D-Bus, ...). */
export async function openKeychain(): Promise<{ keychain: Keychain } | { unavailable: string }> {
  let keytar: Keytar;
  try {
    const module = (await import('keytar')) as unknown as { default?: Keytar } & Keytar;
    keytar = module.default ?? module;
  } catch (error) {
    return { unavailable: `keytar is not installed (${(error as Error).message.split('\n')[0]})` };
  }
  try {
    // A read proves the keychain is reachable before anything relies on it.
    await keytar.getPassword(KEYCHAIN_SERVICE, '__probe__');
  } catch (error) {
    return { unavailable: `no keychain reachable (${(error as Error).message.split('\n')[0]})` };
  }
  return {
    keychain: {
      get: (account) => keytar.getPassword(KEYCHAIN_SERVICE, account),
      set: (account, secret) => keytar.setPassword(KEYCHAIN_SERVICE, account, secret),
      delete: (account) => keytar.deletePassword(KEYCHAIN_SERVICE, account),
    },
  };
}
