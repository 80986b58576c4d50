/**
 * Maintenance from the dashboard through app.request() with a logged-in browser session:
 * the confirmation page, the form's POST (CSRF, Origin, the message checked), the flag
 * nginx tests written and removed, the audit line, and the dashboard's link. systemctl
 * cannot run here: the recording hostExec answers it (nginx-fixture.ts). nginx's 503
 * itself is seen in tests/e2e/console-tui.e2e.test.ts.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { testAgent, TEST_USER, type TestAgent } from '../../support/agent.js';
import { BrowserSession } from '../../support/browser-session.js';
import { hostExec } from '../../support/nginx-fixture.js';

let agent: TestAgent;
let browser: BrowserSession;

beforeEach(async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'hms-maintenance-page-'));
  agent = await testAgent({ config: { apps: { cigar: { unit: 'cigar.service', root } } }, exec: hostExec().exec });
  browser = new BrowserSession(agent);
  await browser.login();
});

const flag = () => readFile(path.join(agent.deps.config.maintenanceDir, 'cigar'), 'utf8').catch(() => undefined);
const page503 = () => readFile(path.join(agent.deps.config.maintenanceDir, 'cigar.html'), 'utf8').catch(() => undefined);

describe('maintenance from the dashboard', () => {
  it(
    'Given cigar serving, When its maintenance page opens, ' +
      'Then it says cigar answers 503 until it is off and its form asks for the message and carries the CSRF token',
    async () => {
      const { status, text } = await browser.page('/maintenance/cigar');
      expect(status).toBe(200);
      expect(text).toContain('<h1>Put cigar in maintenance?</h1>');
      expect(text).toContain('answers 503 (with Retry-After) to every request until maintenance is off');
      expect(text).toContain('<form method="post" action="/maintenance/cigar" id="maintenance-form">');
      expect(text).toContain(`<input type="hidden" name="_csrf" value="${await browser.csrf()}">`);
      expect(text).toContain('<input type="hidden" name="on" value="on">');
      expect(text).toMatch(/<input name="message" maxlength="500"/);
      expect(text).toContain('<button>Maintenance on for cigar</button>');
    },
  );

  it(
    'Given the form sent with a message, When posted, Then the flag and its page are written, the dashboard says so ' +
      'and links to turning it off, and the audit log names who did it',
    async () => {
      const response = await browser.submit('/maintenance/cigar', { on: 'on', message: 'Back at <b>14:00</b> UTC.' });
      expect(response.status).toBe(303);
      const location = response.headers.get('location')!;
      expect(decodeURIComponent(location)).toBe('/?done=cigar is in maintenance: nginx answers 503 with Retry-After until it is off.');
      expect(JSON.parse((await flag())!)).toMatchObject({ kind: 'manual', by: TEST_USER, message: 'Back at <b>14:00</b> UTC.' });
      expect(await page503()).toContain('Back at &lt;b&gt;14:00&lt;/b&gt; UTC.');
      const dashboard = await browser.page(location);
      expect(dashboard.text).toContain(
        '<p class="notice">cigar is in maintenance: nginx answers 503 with Retry-After until it is off.</p>',
      );
      expect(dashboard.text).toContain('<a href="/maintenance/cigar">maintenance off</a>');
      expect(dashboard.text).toMatch(/· maintenance \(503\)/);
      const off = await browser.page('/maintenance/cigar');
      expect(off.text).toContain('<h1>Take cigar out of maintenance?</h1>');
      expect(off.text).toContain('<input type="hidden" name="on" value="off">');
      expect(off.text).not.toContain('name="message"');
      const [entry] = await agent.deps.audit.recent(1);
      expect(entry).toMatchObject({
        actor: TEST_USER,
        action: 'app.maintenance',
        target: 'cigar',
        detail: 'on: Back at <b>14:00</b> UTC.',
      });
    },
  );

  it('Given maintenance on, When off is posted, Then the flag is gone, the dashboard offers it again, and it is audited', async () => {
    expect((await browser.submit('/maintenance/cigar', { on: 'on', message: '' })).status).toBe(303);
    expect(await page503()).toContain('down for maintenance');
    const response = await browser.submit('/maintenance/cigar', { on: 'off' });
    expect(response.status).toBe(303);
    expect(decodeURIComponent(response.headers.get('location')!)).toBe('/?done=cigar is out of maintenance: it serves its requests again.');
    expect(await flag()).toBeUndefined();
    expect(await page503()).toBeUndefined();
    expect((await browser.page('/')).text).toContain('<a href="/maintenance/cigar">maintenance on</a>');
    const [entry] = await agent.deps.audit.recent(1);
    expect(entry).toMatchObject({ actor: TEST_USER, action: 'app.maintenance', target: 'cigar' });
    expect(entry!.detail).toMatch(/^off \(on since \S+, by admin\)$/);
  });

  it.each<[string, Record<string, string>, { csrf?: boolean }, Record<string, string>, number]>([
    ['without the CSRF token', { on: 'on' }, { csrf: false }, {}, 403],
    ['from a foreign Origin', { on: 'on' }, {}, { origin: 'https://evil.example' }, 403],
    ['with a message on two lines', { on: 'on', message: 'one\ntwo' }, {}, {}, 400],
    ['with neither on nor off', { on: 'maybe' }, {}, {}, 400],
  ])(
    'Given the form %s, When posted, Then it is refused, no flag is written and nothing is audited',
    async (_what, fields, options, headers, code) => {
      const csrf: Record<string, string> = options.csrf === false ? {} : { _csrf: await browser.csrf() };
      const response = await browser.request('/maintenance/cigar', {
        method: 'POST',
        headers,
        body: new URLSearchParams({ ...csrf, ...fields }),
      });
      expect(response.status).toBe(code);
      expect(await flag()).toBeUndefined();
      expect((await agent.deps.audit.recent(10)).filter((e) => e.action === 'app.maintenance')).toEqual([]);
    },
  );

  it('Given an app that is not configured, When its maintenance page or form is asked for, Then 404 and nothing is written', async () => {
    expect((await browser.page('/maintenance/nope')).status).toBe(404);
    expect((await browser.submit('/maintenance/..%2fetc', { on: 'on' })).status).toBe(404);
    expect((await browser.submit('/maintenance/nope', { on: 'on' })).status).toBe(404);
  });
});
