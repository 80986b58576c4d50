import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import type { AgentDeps, AgentEnv } from '../env.js';
import { layout } from '../web/layout.js';
import { clientIp, loginLimits } from './login-limits.js';
import { refuseForeignOrigin } from './middleware.js';
import { endSession, startSession, type SessionSettings } from './session.js';
import { tokensEqual } from './token.js';

const LOGIN_CSRF_COOKIE = 'hms_login_csrf';

/** The only messages the login page shows, by code: never text from the URL. */
const LOGIN_MESSAGES: Record<string, string> = {
  expired: 'The form expired. Please try again.',
  wrong: 'Wrong user name or password.',
  ended: 'Your session ended. Please log in again.',
};

function safeNext(next: string | undefined): string {
  return next && /^\/(?!\/)[A-Za-z0-9/_.?=&%-]*$/.test(next) ? next : '/';
}

export function loginRoutes(deps: AgentDeps, sessions: SessionSettings): Hono<AgentEnv> {
  const app = new Hono<AgentEnv>();
  const { windowSeconds } = deps.config.loginLimit;
  const tooMany = (c: Context) => {
    void deps.audit.record({ actor: clientIp(c), action: 'login.limited', target: 'login', result: 'refused' });
    return c.text(`Too many failed logins. Try again in ${windowSeconds} seconds.`, 429);
  };
  const username = async (c: Context): Promise<string> => String((await c.req.parseBody()).username ?? '').slice(0, 64);
  // Only failed attempts count: per client address, per (user, address), and a slowing per user.
  const [perIp, perUserAddress, backoff] = loginLimits(deps, username, tooMany);

  app.get('/login', (c) => {
    const csrf = randomBytes(16).toString('base64url');
    setCookie(c, LOGIN_CSRF_COOKIE, csrf, { httpOnly: true, sameSite: 'Strict', secure: sessions.secure(c), path: '/login', maxAge: 3600 });
    const code = c.req.query('error');
    return c.html(
      loginPage(
        csrf,
        safeNext(c.req.query('next')),
        code !== undefined && Object.hasOwn(LOGIN_MESSAGES, code) ? LOGIN_MESSAGES[code] : undefined,
      ),
    );
  });

  app.post('/login', perIp, perUserAddress, backoff, async (c) => {
    refuseForeignOrigin(c, deps.config.publicUrl);
    const body = await c.req.parseBody();
    const user = String(body.username ?? '').slice(0, 64);
    const password = String(body.password ?? '').slice(0, 256);
    const next = safeNext(typeof body.next === 'string' ? body.next : undefined);
    const csrfCookie = getCookie(c, LOGIN_CSRF_COOKIE);
    if (!csrfCookie || typeof body._csrf !== 'string' || !tokensEqual(body._csrf, csrfCookie)) {
      return c.html(loginPage('', next, LOGIN_MESSAGES.expired), 403);
    }
    const userOk = tokensEqual(user, deps.secrets.adminUsername);
    // Always run bcrypt so a wrong user name takes as long as a wrong password.
    const passwordOk = await bcrypt.compare(password, deps.secrets.adminPasswordHash);
    if (!userOk || !passwordOk) {
      await deps.audit.record({ actor: clientIp(c), action: 'login.failed', target: user, result: 'refused' });
      return c.html(loginPage(csrfCookie, next, LOGIN_MESSAGES.wrong), 401);
    }
    await startSession(c, user, sessions);
    await deps.audit.record({ actor: user, action: 'login', target: clientIp(c), result: 'ok' });
    return c.redirect(next, 303);
  });

  return app;
}

/** Logout is behind the auth middleware (it checks the CSRF token). */
export function logoutRoute(deps: AgentDeps, sessions: SessionSettings): Hono<AgentEnv> {
  return new Hono<AgentEnv>().post('/logout', async (c) => {
    await endSession(c, sessions);
    await deps.audit.record({ actor: c.get('actor').name, action: 'logout', target: clientIp(c), result: 'ok' });
    return c.redirect('/login', 303);
  });
}

function loginPage(csrf: string, next: string, error?: string) {
  return layout(
    'Log in',
    html`${error ? html`<p class="error">${error}</p>` : ''}
<form method="post" action="/login">
  <input type="hidden" name="_csrf" value="${csrf}">
  <input type="hidden" name="next" value="${next}">
  <label>User name <input name="username" autocomplete="username" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button>Log in</button>
</form>`,
  );
}
