// Node 18 (Debian 12's nodejs) has no global WebCrypto; hono/jwt needs `crypto`
// and `CryptoKey`. This module is imported first by the entry point.
import { webcrypto } from 'node:crypto';

const g = globalThis as Record<string, unknown>;
if (!g.crypto) g.crypto = webcrypto;
if (!g.CryptoKey) g.CryptoKey = (webcrypto as unknown as { CryptoKey: unknown }).CryptoKey;
