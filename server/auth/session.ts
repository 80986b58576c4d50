import { createHmac, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { sign, verify } from 'hono/jwt';
import type { RevokedSessions } from './revoked-sessions.js';
import { tokensEqual } from './token.js';

export const SESSION_COOKIE = 'hms_session';

export interface SessionSettings {
  secret: string;
  ttlMinutes: number;
  idleMinutes: number;
  /** Secure cookies: behind TLS (the public URL is https, or nginx says so). */
  secure: (c: Context) => boolean;
  clock: () => Date;
  /** Sessions ended by logout, kept in the state folder. */
  revoked: RevokedSessions;
  /**
   * The admin password's bcrypt hash: a session carries a keyed fingerprint of it, so
   * a new password (a new hash in the secrets) ends every session made with the old one.
   */
  passwordHash: string;
}

export interface Session {
  user: string;
  /** Session id: the CSRF token is derived from it. */
  sid: string;
  exp: number;
  idle: number;
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

function cookieOptions(c: Context, settings: SessionSettings, maxAge: number) {
  return { httpOnly: true, secure: settings.secure(c), sameSite: 'Strict' as const, path: '/', maxAge };
}

export async function startSession(c: Context, user: string, settings: SessionSettings): Promise<Session> {
  const now = seconds(settings.clock());
  const session: Session = {
    user,
    sid: randomBytes(16).toString('base64url'),
    exp: now + settings.ttlMinutes * 60,
    idle: now + settings.idleMinutes * 60,
  };
  await writeSession(c, session, settings);
  return session;
}

async function writeSession(c: Context, session: Session, settings: SessionSettings): Promise<void> {
  // The expiry is checked here against the agent's clock, so it is not JWT's `exp`
  // claim (hono/jwt would check that against the wall clock on its own).
  const token = await sign(
    { user: session.user, sid: session.sid, expires: session.exp, idle: session.idle, pw: passwordFingerprint(settings) },
    settings.secret,
    'HS256',
  );
  setCookie(c, SESSION_COOKIE, token, cookieOptions(c, settings, session.exp - seconds(settings.clock())));
}

function passwordFingerprint(settings: SessionSettings): string {
  return createHmac('sha256', settings.secret).update(`password:${settings.passwordHash}`).digest('base64url').slice(0, 22);
}

/** The valid session of this request, slid forward for the idle timeout; undefined when none. */
export async function readSession(c: Context, settings: SessionSettings): Promise<Session | undefined> {
  const valid = await validSession(c, settings);
  if (!valid) return undefined;
  const now = seconds(settings.clock());
  const session: Session = { ...valid, idle: Math.min(valid.exp, now + settings.idleMinutes * 60) };
  await writeSession(c, session, settings);
  return session;
}

/** The session of this request if its cookie is signed, unexpired, not ended and made with the current password. */
async function validSession(c: Context, settings: SessionSettings): Promise<Session | undefined> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return undefined;
  let payload: Record<string, unknown>;
  try {
    payload = await verify(token, settings.secret, 'HS256');
  } catch {
    return undefined;
  }
  const now = seconds(settings.clock());
  const { user, sid, expires: exp, idle, pw } = payload;
  if (typeof user !== 'string' || typeof sid !== 'string' || typeof exp !== 'number' || typeof idle !== 'number' || typeof pw !== 'string')
    return undefined;
  if (exp <= now || idle <= now) return undefined;
  if (!tokensEqual(pw, passwordFingerprint(settings)) || (await settings.revoked.has(sid))) return undefined;
  return { user, sid, exp, idle };
}

/** Ends this request's session on the agent (it stays ended across restarts) and drops the cookie. */
export async function endSession(c: Context, settings: SessionSettings): Promise<void> {
  const session = await validSession(c, settings);
  if (session) await settings.revoked.add(session.sid, session.exp);
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: settings.secure(c), httpOnly: true, sameSite: 'Strict' });
}

/** The CSRF token of a session: an HMAC of its id, so nothing needs storing. */
export function csrfTokenFor(session: Session, secret: string): string {
  return createHmac('sha256', secret).update(`csrf:${session.sid}`).digest('base64url');
}

export function csrfValid(session: Session, secret: string, given: string | undefined): boolean {
  return typeof given === 'string' && tokensEqual(given, csrfTokenFor(session, secret));
}
