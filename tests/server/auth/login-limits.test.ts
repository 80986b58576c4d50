/**
 * Login limits that cannot be dodged or turned against the admin, forms that must
 * come from the agent's own pages, answers no cache keeps, and login messages from a
 * fixed set. The client's socket is given to `app.request()` as the Node adapter
 * gives it (`env.incoming.socket`).
 */
import { describe, expect, it } from 'vitest';
import { AUTH, TEST_PASSWORD, TEST_USER, testAgent, type TestAgent } from '../../support/agent.js';
import { BrowserSession, csrfIn } from '../../support/browser-session.js';

/** One login through the real form, from `address` (the socket) with extra headers. */
async function loginFrom(agent: TestAgent, address: string, password: string, headers: Record<string, string> = {}): Promise<Response> {
  const env = { incoming: { socket: { remoteAddress: address } } };
  const form = await agent.app.request('/login', { headers: { accept: 'text/html' } }, env);
  const cookie = form.headers.getSetCookie()[0]!.split(';')[0]!;
  const body = new URLSearchParams({ username: TEST_USER, password, _csrf: csrfIn(await form.text()), next: '/' });
  return agent.app.request('/login', { method: 'POST', body, headers: { cookie, accept: 'text/html', ...headers } }, env);
}

describe('login limits', () => {
  it('Given five wrong passwords for the admin from one address, ' +
    'When the admin logs in from another, Then it works; the first address is limited', async () => {
    const agent = await testAgent({ config: { loginLimit: { attempts: 5, windowSeconds: 60 } } });
    for (let i = 0; i < 5; i += 1) expect((await loginFrom(agent, '198.51.100.7', `wrong-${i}`)).status).toBe(401);
    expect((await loginFrom(agent, '198.51.100.7', TEST_PASSWORD)).status).toBe(429);
    expect((await loginFrom(agent, '203.0.113.20', TEST_PASSWORD)).status).toBe(303);
  }, 30_000);

  it('Given X-Real-IP from a client that is not the local proxy, ' +
    'When it rotates the header, Then it is still one address and is limited', async () => {
    const agent = await testAgent({ config: { loginLimit: { attempts: 3, windowSeconds: 60 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await loginFrom(agent, '198.51.100.7', 'wrong', { 'x-real-ip': `10.0.0.${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const entries = await agent.deps.audit.recent();
    expect(entries.filter((entry) => entry.action === 'login.failed').map((entry) => entry.actor)).toEqual([
      '198.51.100.7',
      '198.51.100.7',
      '198.51.100.7',
    ]);
  }, 30_000);

  it('Given the local nginx (loopback) passing X-Real-IP, When logins fail, Then the address it names is the one counted', async () => {
    const agent = await testAgent({ config: { loginLimit: { attempts: 2, windowSeconds: 60 } } });
    for (let i = 0; i < 2; i += 1) expect((await loginFrom(agent, '127.0.0.1', 'wrong', { 'x-real-ip': '198.51.100.7' })).status).toBe(401);
    expect((await loginFrom(agent, '127.0.0.1', TEST_PASSWORD, { 'x-real-ip': '198.51.100.7' })).status).toBe(429);
    expect((await loginFrom(agent, '127.0.0.1', TEST_PASSWORD, { 'x-real-ip': '203.0.113.20' })).status).toBe(303);
  }, 30_000);
});

describe('forms from elsewhere', () => {
  it(
    'Given a logged-in browser, When a form comes with a foreign Origin or Referer, ' +
      'Then 403 even with the CSRF token; its own origin passes',
    async () => {
      const agent = await testAgent({ config: { publicUrl: 'https://hosting.example.org' } });
      const browser = new BrowserSession(agent);
      await browser.login();
      const csrf = await browser.csrf();
      const post = (headers: Record<string, string>) =>
        browser.request('/logout', { method: 'POST', body: new URLSearchParams({ _csrf: csrf }), headers });
      expect((await post({ origin: 'https://evil.example' })).status).toBe(403);
      expect((await post({ referer: 'https://evil.example/form.html' })).status).toBe(403);
      expect((await post({ origin: 'null' })).status).toBe(403);
      expect((await post({ origin: 'https://hosting.example.org' })).status).toBe(303);
    },
  );

  it('Given a login form posted from another site, When sent, Then 403', async () => {
    const agent = await testAgent();
    expect((await loginFrom(agent, '198.51.100.7', TEST_PASSWORD, { origin: 'https://evil.example' })).status).toBe(403);
  });
});

describe('answers and messages', () => {
  it('Given authenticated answers (API and pages), When served, Then no cache may keep them', async () => {
    const agent = await testAgent();
    expect((await agent.app.request('/api/whoami', { headers: AUTH })).headers.get('cache-control')).toBe('no-store');
    expect((await agent.app.request('/api/logs/nope', { headers: AUTH })).headers.get('cache-control')).toBe('no-store');
    const browser = new BrowserSession(agent);
    await browser.login();
    expect((await browser.request('/audit')).headers.get('cache-control')).toBe('no-store');
  });

  it(
    "Given /login?error= with text of the caller's choosing, When shown, " + 'Then only known codes show a message, never the given text',
    async () => {
      const agent = await testAgent();
      const page = async (error: string) =>
        (await agent.app.request(`/login?error=${encodeURIComponent(error)}`, { headers: { accept: 'text/html' } })).text();
      expect(await page('Your account is locked, call 555-0100')).not.toContain('555-0100');
      expect(await page('expired')).toContain('The form expired. Please try again.');
      expect(await page('__proto__')).not.toContain('class="error"');
    },
  );
});
