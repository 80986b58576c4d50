import type { Context, MiddlewareHandler } from 'hono';
import type { AgentDeps, AgentEnv } from '../env.js';
import { ACTOR_HEADER } from '../../src/api/core.js';
import { ApiError } from '../errors.js';
import { tokenActorName } from './actor-header.js';
import { csrfTokenFor, csrfValid, readSession, type SessionSettings } from './session.js';
import { bearerToken, tokensEqual } from './token.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A state-changing form must come from the agent's own pages: its Origin (or, without
 * one, its Referer) must be the public URL's origin or the host the request was sent
 * to. A request with neither (not a browser, or one that strips both) still needs the
 * CSRF token.
 */
export function foreignOrigin(c: Context, publicUrl: string | undefined): string | undefined {
  const origin = c.req.header('origin') ?? c.req.header('referer');
  if (origin === undefined) return undefined;
  let given: string;
  try {
    given = new URL(origin).origin;
  } catch {
    return origin.slice(0, 100);
  }
  const host = c.req.header('host');
  const proto = c.req.header('x-forwarded-proto') === 'https' ? 'https' : new URL(c.req.url).protocol.replace(':', '');
  const own = [publicUrl ? new URL(publicUrl).origin : undefined, host ? `${proto}://${host}` : undefined, new URL(c.req.url).origin];
  return own.includes(given) ? undefined : given.slice(0, 100);
}

export function refuseForeignOrigin(c: Context, publicUrl: string | undefined): void {
  const foreign = foreignOrigin(c, publicUrl);
  if (foreign !== undefined)
    throw new ApiError(403, `Refusing a form sent from ${JSON.stringify(foreign)}.`, {
      hint: "Submit the form from the agent's own pages.",
    });
}

export function wantsHtml(c: Context): boolean {
  return !c.req.path.startsWith('/api/') && (c.req.header('accept') ?? '').includes('text/html');
}

/**
 * Every route behind this refuses anonymous requests: a bearer token (the CLI and
 * TUI) or a session cookie (the browser, which must also send the CSRF token on
 * every state-changing request).
 */
export function requireAuth(deps: AgentDeps, sessions: SessionSettings): MiddlewareHandler<AgentEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    if (token !== undefined) {
      if (!tokensEqual(token, deps.secrets.apiToken))
        return c.json({ error: 'Invalid API token.', hint: 'Run `hms login` to store the current token.' }, 401);
      c.set('actor', { name: tokenActorName(c.req.header(ACTOR_HEADER)), via: 'token' });
      await next();
      noStore(c);
      return;
    }
    const session = await readSession(c, sessions);
    if (!session) {
      if (wantsHtml(c)) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
      return c.json({ error: 'Authentication required.', hint: 'Send `Authorization: Bearer <api_token>` or log in.' }, 401);
    }
    if (UNSAFE.has(c.req.method)) {
      refuseForeignOrigin(c, deps.config.publicUrl);
      const given = c.req.header('x-csrf-token') ?? (await formField(c, '_csrf'));
      if (!csrfValid(session, deps.secrets.jwtSecret, given)) {
        throw new ApiError(403, 'Missing or invalid CSRF token.', { hint: 'Reload the page and submit the form again.' });
      }
    }
    c.set('actor', { name: session.user, via: 'session', csrf: csrfTokenFor(session, deps.secrets.jwtSecret) });
    await next();
    noStore(c);
  };
}

/** What an authenticated answer holds (configs, logs) is never kept by a browser or a proxy. */
function noStore(c: Context): void {
  c.res.headers.set('cache-control', 'no-store');
}

async function formField(c: Context, name: string): Promise<string | undefined> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return undefined;
  const body = await c.req.parseBody();
  const value = body[name];
  return typeof value === 'string' ? value : undefined;
}
