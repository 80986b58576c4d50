/**
 * The agent's HTTP app: JSON API under /api, HTML pages elsewhere. Built from its
 * dependencies so tests drive it with `app.request()` and no port.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import { isHmsError } from '../src/core/errors.js';
import { requireAuth, wantsHtml } from './auth/middleware.js';
import { loginRoutes, logoutRoute } from './auth/login.js';
import { RevokedSessions } from './auth/revoked-sessions.js';
import type { SessionSettings } from './auth/session.js';
import type { AgentDeps, AgentEnv } from './env.js';
import { ApiError } from './errors.js';
import { STYLESHEET } from './web/style.js';
import { apiRoutes } from './api/index.js';
import { pageRoutes } from './web/index.js';
import { pageError } from './web/error-page.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;
export const UPLOAD_LIMIT_BYTES = 32 * 1024 * 1024;

export function createApp(deps: AgentDeps): Hono<AgentEnv> {
  const sessions: SessionSettings = {
    secret: deps.secrets.jwtSecret,
    ttlMinutes: deps.config.session.ttlMinutes,
    idleMinutes: deps.config.session.idleMinutes,
    secure: (c) => deps.config.publicUrl?.startsWith('https:') === true || c.req.header('x-forwarded-proto') === 'https',
    clock: deps.clock,
    revoked: new RevokedSessions(deps.config.stateDir, deps.clock),
    passwordHash: deps.secrets.adminPasswordSource,
  };
  const app = new Hono<AgentEnv>();

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: [NONCE],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      referrerPolicy: 'same-origin',
    }),
  );
  // A browser gets a page saying so (a form's upload), anything else the API's JSON.
  const tooLarge = (maxSize: number) => new ApiError(413, `Request body larger than ${maxSize} bytes.`);
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: (c) => (wantsHtml(c) ? pageError(tooLarge(maxSize), c) : c.json({ error: tooLarge(maxSize).message }, 413)),
    });
  const normal = limit(BODY_LIMIT_BYTES);
  const upload = limit(UPLOAD_LIMIT_BYTES);
  // Only the agent's own new release (from the API or the browser's form) may be larger than a config file.
  app.use((c, next) =>
    c.req.method === 'POST' && (c.req.path === '/api/agent/releases' || c.req.path === '/agent/releases')
      ? upload(c, next)
      : normal(c, next),
  );

  // The only routes open to anonymous requests.
  app.get('/api/health', (c) =>
    c.json({
      status: 'ok',
      version: deps.version,
      ...(deps.release ? { release: deps.release } : {}),
      uptimeSeconds: Math.round((deps.clock().getTime() - deps.startedAt.getTime()) / 1000),
    }),
  );
  app.get('/static/style.css', (c) =>
    c.body(STYLESHEET, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=3600' }),
  );
  app.route('/', loginRoutes(deps, sessions));

  app.use('*', requireAuth(deps, sessions));
  app.route('/', logoutRoute(deps, sessions));
  app.route('/api', apiRoutes(deps));
  app.route('/', pageRoutes(deps));

  app.notFound((c) =>
    wantsHtml(c)
      ? pageError(new ApiError(404, `There is no page at ${c.req.path}.`), c)
      : c.json({ error: `No route for ${c.req.method} ${c.req.path}.` }, 404),
  );
  app.onError((error, c) => {
    // The client went away while its body was read: no one to answer, nothing to log (anyone can do it to /login).
    if (c.req.raw.signal.aborted || (error as NodeJS.ErrnoException).code === 'ECONNRESET')
      return c.json({ error: 'The request body was cut off.' }, 400);
    if (wantsHtml(c)) return pageError(error, c);
    if (error instanceof ApiError)
      return c.json({ error: error.message, hint: error.hint, details: error.details }, error.status, error.headers);
    if (error instanceof HTTPException) return error.getResponse();
    if (isHmsError(error)) return c.json({ error: error.message, hint: error.hint }, 500);
    console.error(`[hms-agent] ${c.req.method} ${c.req.path}:`, error);
    return c.json({ error: 'Internal error; the agent log has the details (journalctl -u hms-agent).' }, 500);
  });
  return app;
}
