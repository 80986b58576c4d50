import { createHmac, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { sign, verify } from 'hono/jwt';
import { tokensEqual } from './token.js';

export const SESSION_COOKIE = 'hms_session';

export interface SessionSettings {
  secret: string;
  ttlMinutes: number;
  idleMinutes: number;
  /** Secure cookies: behind TLS (the public URL is https, or nginx says so). */
  secure: (c: Context) => boolean;
  clock: () => Date;
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
  const token = await sign({ user: session.user, sid: session.sid, expires: session.exp, idle: session.idle }, settings.secret, 'HS256');
  setCookie(c, SESSION_COOKIE, token, cookieOptions(c, settings, session.exp - seconds(settings.clock())));
}

/** The valid session of this request, slid forward for the idle timeout; undefined when none. */
export async function readSession(c: Context, settings: SessionSettings): Promise<Session | undefined> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return undefined;
  let payload: Record<string, unknown>;
  try {
    payload = await verify(token, settings.secret, 'HS256');
  } catch {
    return undefined;
  }
  const now = seconds(settings.clock());
  const { user, sid, expires: exp, idle } = payload;
  if (typeof user !== 'string' || typeof sid !== 'string' || typeof exp !== 'number' || typeof idle !== 'number') return undefined;
  if (exp <= now || idle <= now) return undefined;
  const session: Session = { user, sid, exp, idle: Math.min(exp, now + settings.idleMinutes * 60) };
  await writeSession(c, session, settings);
  return session;
}

export function endSession(c: Context, settings: SessionSettings): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: settings.secure(c), httpOnly: true, sameSite: 'Strict' });
}

/** The CSRF token of a session: an HMAC of its id, so nothing needs storing. */
export function csrfTokenFor(session: Session, secret: string): string {
  return createHmac('sha256', secret).update(`csrf:${session.sid}`).digest('base64url');
}

export function csrfValid(session: Session, secret: string, given: string | undefined): boolean {
  return typeof given === 'string' && tokensEqual(given, csrfTokenFor(session, secret));
}
