import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.js';
import { secretsFromJson } from '../../../server/auth/secrets.js';
import { AUTH, TEST_PASSWORD, TEST_TOKEN, TEST_USER, testAgent } from '../../support/agent.js';
import { BrowserSession } from '../../support/browser-session.js';

/** A browser whose logins land on /audit. */
class Browser extends BrowserSession {
  override login(user = TEST_USER, password = TEST_PASSWORD): Promise<Response> {
    return super.login(user, password, '/audit');
  }
}

const PUBLIC = new Set(['GET /api/health', 'GET /static/style.css', 'GET /login', 'POST /login']);

describe('agent auth', () => {
  it('Given every route in the route table, When called anonymously, Then all but login, health and static refuse', async () => {
    const { app } = await testAgent();
    const routes = app.routes.filter((r) => r.method !== 'ALL');
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const path = route.path.replace(/:(\w+)[^/]*/g, 'cigar').replace(/\*/g, 'x');
      const init: RequestInit = { method: route.method };
      const api = await app.request(path, init);
      const page = await app.request(path, { ...init, headers: { accept: 'text/html' } });
      if (PUBLIC.has(key)) continue;
      expect([401, 303], `${key} (api)`).toContain(api.status);
      expect([401, 303], `${key} (html)`).toContain(page.status);
      if (page.status === 303) expect(page.headers.get('location')).toMatch(/^\/login/);
    }
  });

  it('Given the API token, When sent as a bearer token, Then the request passes; a wrong one gets 401', async () => {
    const { app } = await testAgent();
    expect((await app.request('/api/whoami', { headers: AUTH })).status).toBe(200);
    const wrong = await app.request('/api/whoami', { headers: { authorization: `Bearer ${TEST_TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'Invalid API token.' });
  });

  it('Given the right password, When logging in, Then a Strict HttpOnly session cookie is set and pages open', async () => {
    const agent = await testAgent({ config: { publicUrl: 'https://hosting.example.org' } });
    const browser = new Browser(agent);
    const response = await browser.login();
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/audit');
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('hms_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Secure/);
    const page = await browser.request('/audit');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('login');
  });

  it('Given a wrong password, When logging in, Then 401, no session, and an audit entry', async () => {
    const agent = await testAgent();
    const browser = new Browser(agent);
    const response = await browser.login(TEST_USER, 'nope');
    expect(response.status).toBe(401);
    expect(response.headers.getSetCookie().some((c) => c.startsWith('hms_session='))).toBe(false);
    expect((await browser.request('/audit')).status).toBe(303);
    const entries = await agent.deps.audit.recent();
    expect(entries[0]).toMatchObject({ action: 'login.failed', result: 'refused', target: TEST_USER });
  });

  it('Given a login form without its CSRF token, When posted, Then it is refused', async () => {
    const agent = await testAgent();
    const response = await agent.app.request('/login', {
      method: 'POST',
      body: new URLSearchParams({ username: TEST_USER, password: TEST_PASSWORD }),
    });
    expect(response.status).toBe(403);
  });

  it('Given a session, When a state-changing request lacks the CSRF token, Then 403; with it, it passes', async () => {
    const agent = await testAgent();
    const browser = new Browser(agent);
    await browser.login();
    const without = await browser.request('/logout', { method: 'POST', body: new URLSearchParams({}) });
    expect(without.status).toBe(403);
    const csrf = await browser.csrf();
    const withToken = await browser.request('/logout', { method: 'POST', body: new URLSearchParams({ _csrf: csrf }) });
    expect(withToken.status).toBe(303);
    expect((await browser.request('/audit')).status).toBe(303);
  });

  it('Given a session cookie kept from before logout, When replayed, Then it is refused, also after the agent restarts', async () => {
    const agent = await testAgent();
    const browser = new Browser(agent);
    const login = await browser.login();
    const kept = login.headers
      .getSetCookie()
      .find((line) => line.startsWith('hms_session='))!
      .split(';')[0]!;
    const whoami = (app: ReturnType<typeof createApp>) => app.request('/api/whoami', { headers: { cookie: kept } });
    expect((await whoami(agent.app)).status).toBe(200);
    expect((await browser.submit('/logout', {})).status).toBe(303);
    expect((await whoami(agent.app)).status).toBe(401);
    // A new app on the same state folder: the agent after a restart.
    expect((await whoami(createApp(agent.deps))).status).toBe(401);
    // Another session of the same user is not ended by it.
    const other = new Browser(agent);
    await other.login();
    expect((await other.request('/audit')).status).toBe(200);
  });

  it(
    'Given a plain password in the secrets file, ' +
      'When the agent restarts (hashing it again with a new salt), Then the session still works',
    async () => {
      const agent = await testAgent();
      const file = {
        hosting_management: {
          admin_username: TEST_USER,
          admin_password: 'plain password',
          jwt_secret: agent.deps.secrets.jwtSecret,
          api_token: agent.deps.secrets.apiToken,
        },
      };
      const before = createApp({ ...agent.deps, secrets: secretsFromJson(file) });
      const after = createApp({ ...agent.deps, secrets: secretsFromJson(file) });
      const browser = new Browser({ ...agent, app: before });
      const kept = (await browser.login(TEST_USER, 'plain password')).headers
        .getSetCookie()
        .find((line) => line.startsWith('hms_session='))!
        .split(';')[0]!;
      expect((await after.request('/api/whoami', { headers: { cookie: kept } })).status).toBe(200);
    },
  );

  it('Given a plain password in the secrets file, When read, Then it is hashed when first needed (not at start), and once', async () => {
    const agent = await testAgent();
    const secrets = secretsFromJson({
      hosting_management: {
        admin_username: TEST_USER,
        admin_password: 'plain password',
        jwt_secret: agent.deps.secrets.jwtSecret,
        api_token: agent.deps.secrets.apiToken,
      },
    });
    expect(Object.getOwnPropertyDescriptor(secrets, 'adminPasswordHash')?.get).toBeTypeOf('function');
    const hash = secrets.adminPasswordHash;
    expect(hash).toMatch(/^\$2[aby]\$10\$/);
    expect(secrets.adminPasswordHash).toBe(hash);
    expect(await bcrypt.compare('plain password', hash)).toBe(true);
  });

  it(
    'Given a session, When the admin password changes (new hash in the secrets), ' +
      'Then the session is refused and the new password logs in',
    async () => {
      const agent = await testAgent();
      const browser = new Browser(agent);
      const kept = (await browser.login()).headers
        .getSetCookie()
        .find((line) => line.startsWith('hms_session='))!
        .split(';')[0]!;
      const hash = bcrypt.hashSync('a new password', 4);
      const changed = createApp({ ...agent.deps, secrets: { ...agent.deps.secrets, adminPasswordHash: hash, adminPasswordSource: hash } });
      expect((await agent.app.request('/api/whoami', { headers: { cookie: kept } })).status).toBe(200);
      expect((await changed.request('/api/whoami', { headers: { cookie: kept } })).status).toBe(401);
      const fresh = new Browser({ ...agent, app: changed });
      expect((await fresh.login(TEST_USER, 'a new password')).status).toBe(303);
      expect((await fresh.request('/audit')).status).toBe(200);
    },
  );

  it('Given repeated bad logins, When the limit is passed, Then 429 with Retry-After; after the window a valid login works', async () => {
    const agent = await testAgent({ config: { loginLimit: { attempts: 3, windowSeconds: 1 } } });
    const browser = new Browser(agent);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await browser.login(TEST_USER, `wrong-${i}`)).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    const limited = await browser.login(TEST_USER, TEST_PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await browser.login()).status).toBe(303);
  });

  it('Given an idle session, When the idle timeout has passed, Then the session is refused', async () => {
    let now = Date.parse('2026-11-25T10:00:00Z');
    const agent = await testAgent({ clock: () => new Date(now), config: { session: { ttlMinutes: 600, idleMinutes: 30 } } });
    const browser = new Browser(agent);
    await browser.login();
    now += 20 * 60_000;
    expect((await browser.request('/audit')).status).toBe(200);
    now += 20 * 60_000; // 20 min after the last request: still within the sliding window
    expect((await browser.request('/audit')).status).toBe(200);
    now += 31 * 60_000;
    expect((await browser.request('/audit')).status).toBe(303);
  });

  it('Given any page, When served, Then a strict CSP without inline script and other secure headers are sent', async () => {
    const { app } = await testAgent();
    const response = await app.request('/login');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'nonce-[^']+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('Given a body over the limit, When sent, Then 413 before anything else runs', async () => {
    const { app } = await testAgent();
    const response = await app.request('/api/whoami', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) },
      body: 'x'.repeat(2 * 1024 * 1024),
    });
    expect(response.status).toBe(413);
  });

  it('Given a login with an open redirect in next, When it succeeds, Then it goes to / instead', async () => {
    const agent = await testAgent();
    const browser = new Browser(agent);
    const page = await (await browser.request('/login?next=//evil.example/x')).text();
    expect(page).toContain('name="next" value="/"');
  });
});
