/**
 * PostgreSQL's SCRAM-SHA-256 password verifier (RFC 7677, as `pg_authid.rolpassword`
 * stores it), computed on the laptop. The role gets the verifier, never the password:
 * the password reaches the server only in the app's env file, and no SQL statement, log
 * line or argv on the server carries it. The same computation tells whether a stored
 * verifier belongs to a password, so a second provisioning run changes nothing.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** PostgreSQL's own default (scram_iterations) and salt length. */
export const SCRAM_ITERATIONS = 4096;
const SALT_BYTES = 16;

const VERIFIER = /^SCRAM-SHA-256\$(\d{1,7}):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;

/**
 * Printable ASCII only: for it SASLprep (which libpq applies before SCRAM) is the
 * identity, so the verifier computed here is the one a client's login proves.
 */
export const SCRAM_SAFE_PASSWORD = /^[\x20-\x7e]{1,1024}$/;

function keys(password: string, salt: Buffer, iterations: number): { stored: Buffer; server: Buffer } {
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  return {
    stored: createHash('sha256').update(clientKey).digest(),
    server: createHmac('sha256', salted).update('Server Key').digest(),
  };
}

/** `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, with a fresh salt unless one is given. */
export function scramVerifier(password: string, salt: Buffer = randomBytes(SALT_BYTES), iterations = SCRAM_ITERATIONS): string {
  if (!SCRAM_SAFE_PASSWORD.test(password)) throw new Error('a database password must be printable ASCII (1 to 1024 characters)');
  const { stored, server } = keys(password, salt, iterations);
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${stored.toString('base64')}:${server.toString('base64')}`;
}

/** Whether `verifier` (as read from pg_authid) was made from `password`; false for anything else (md5, empty). */
export function verifierMatches(password: string, verifier: string): boolean {
  const parts = VERIFIER.exec(verifier);
  if (!parts || !SCRAM_SAFE_PASSWORD.test(password)) return false;
  const expected = keys(password, Buffer.from(parts[2]!, 'base64'), Number(parts[1]));
  const stored = Buffer.from(parts[3]!, 'base64');
  const server = Buffer.from(parts[4]!, 'base64');
  return (
    stored.length === 32 && server.length === 32 && timingSafeEqual(stored, expected.stored) && timingSafeEqual(server, expected.server)
  );
}
