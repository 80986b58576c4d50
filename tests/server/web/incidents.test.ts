/**
 * The Incidents page through app.request() with a logged-in browser session. deps.alerts
 * is MemoryAlerts (tests/support/memory-alerts.ts), a small in-memory implementation of
 * the AlertsService interface written for these tests, not the watcher: the real service
 * is tested in its own suite and end to end. What is checked here is the page's part:
 * login required, what it shows (escaped), its forms (CSRF, Origin, the allow-lists) and
 * that they call the service with the logged-in user as the actor.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.js';
import { testAgent, TEST_USER, type TestAgent } from '../../support/agent.js';
import { ALERTS_NOW, channel, delivery, incident } from '../../support/alerts.js';
import { BrowserSession } from '../../support/browser-session.js';
import { MemoryAlerts } from '../../support/memory-alerts.js';

let alerts: MemoryAlerts;
let agent: TestAgent;
let browser: BrowserSession;

const APPS = { cigar: { unit: 'cigar.service', root: '/var/www/cigar' }, tobacco: { unit: 'tobacco.service', root: '/var/www/tobacco' } };

async function start(withWatcher = true): Promise<void> {
  const clock = () => new Date(ALERTS_NOW);
  const base = await testAgent({ config: { apps: APPS }, clock });
  alerts = new MemoryAlerts(
    {
      incidents: [
        incident({ title: '<script>alert(1)</script> cigar.service failed' }),
        incident({ rule: 'disk', subject: '/var', app: null, severity: 'warning', title: '/var 91% full', detail: 'du -sh /var/*' }),
        incident({ subject: 'tobacco.service', app: 'tobacco', title: 'tobacco.service restarting', resolvedMinutesAgo: 3 }),
      ],
      channels: [
        channel(),
        channel({
          name: 'mail-ops',
          type: 'email',
          target: 'smtp.example.net → ops@example.net',
          queued: 2,
          lastError: { at: '2026-12-07T09:58:00.000Z', message: '<b>421</b> try later' },
        }),
      ],
      deliveries: [
        delivery(),
        delivery({ id: 'd-2', channel: 'mail-ops', state: 'queued', sentAt: null, lastError: 'connect ECONNREFUSED' }),
      ],
      mutes: [{ target: 'logins', until: '2026-12-08T09:00:00.000Z', by: 'bob' }],
    },
    ['cigar', 'tobacco'],
    clock,
  );
  const deps = { ...base.deps, ...(withWatcher ? { alerts } : {}) };
  agent = { ...base, deps, app: createApp(deps) };
  browser = new BrowserSession(agent);
  await browser.login();
}

beforeEach(() => start());

describe('the Incidents page', () => {
  it('Given no session, When /incidents is asked for, Then the browser goes to the login page and nothing is read', async () => {
    const anonymous = await agent.app.request('/incidents', { headers: { accept: 'text/html' } });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/login?next=%2Fincidents');
    const post = await agent.app.request('/incidents/mute', {
      method: 'POST',
      body: new URLSearchParams({ target: 'cigar', duration: '2h' }),
    });
    expect(post.status).toBe(401);
    expect(alerts.calls).toEqual([]);
  });

  it(
    'Given open, resolved, channels, deliveries and a mute, When shown, Then each section is there, ' +
      "a title's <script> and an error's <b> come out escaped, and every form carries the CSRF token",
    async () => {
      const { status, text } = await browser.page('/incidents');
      expect(status).toBe(200);
      expect(text).toContain('<a href="/incidents" class="bad">Incidents (2)</a>');
      expect(text).toContain('<h2>Open (2)</h2>');
      expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; cigar.service failed');
      expect(text).not.toContain('<script>alert(1)</script>');
      expect(text).toMatch(/<td class="bad">CRITICAL<\/td><td>unit<\/td><td>cigar.service<\/td>/);
      expect(text).toMatch(/<td class="warn">warning<\/td><td>disk<\/td><td>\/var<\/td>/);
      expect(text).toContain('<input type="hidden" name="target" value="cigar">');
      expect(text).toContain('<button>Mute disk</button>');
      expect(text).toMatch(/tobacco.service restarting<\/td><td>[^<]+<\/td><td class="ok">resolved 3m ago<\/td>/);
      expect(text).toContain('smtp.example.net → ops@example.net');
      expect(text).toContain('2026-12-07 09:58:00Z: &lt;b&gt;421&lt;/b&gt; try later');
      expect(text).toContain('<input type="hidden" name="channel" value="mail-ops"><button>Send a test</button>');
      expect(text).toContain('connect ECONNREFUSED');
      expect(text).toMatch(/<strong>logins<\/strong><\/td><td>until 2026-12-08 09:00 UTC<\/td><td>bob<\/td>/);
      expect(text).toContain('<button>Unmute logins</button>');
      const csrf = await browser.csrf();
      const forms = [...text.matchAll(/<form method="post"[\s\S]*?<\/form>/g)].map(([form]) => form);
      expect(forms.length).toBe(2 + 2 + 1 + 1 + 1 + 1); // mute per open incident, test per channel + all, unmute, mute any, logout
      for (const form of forms) expect(form).toContain(`<input type="hidden" name="_csrf" value="${csrf}">`);
      // Bare HTML like the other pages: no script, no inline handler, nothing from other hosts.
      expect(text).not.toMatch(/<script|\son[a-z]+\s*=|javascript:/i);
      expect(text).not.toMatch(/(src|href|action)="(https?:)?\/\//);
    },
  );

  it('Given the mute form for cigar, When posted, Then mute is called with the logged-in user, 2h, and the page says so', async () => {
    const response = await browser.submit('/incidents/mute', { target: 'cigar', duration: '2h' });
    expect(response.status).toBe(303);
    expect(alerts.calls).toEqual([{ op: 'mute', actor: TEST_USER, target: 'cigar', minutes: 120 }]);
    const page = await browser.page(response.headers.get('location')!);
    expect(page.text).toContain('<p class="notice">cigar muted for 2h: its incidents are listed but not sent.</p>');
    expect(page.text).toContain('<button>Unmute cigar</button>');
    expect(page.text).toMatch(/cigar.service failed<\/strong><\/td>[\s\S]*?<span class="muted">muted<\/span>/);
  });

  it('Given a mute form without the CSRF token or from another origin, When posted, Then 403 and the watcher is not asked', async () => {
    expect((await browser.submit('/incidents/mute', { target: 'cigar', duration: '2h' }, { csrf: false })).status).toBe(403);
    const csrf = await browser.csrf();
    const foreign = await browser.request('/incidents/mute', {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      body: new URLSearchParams({ _csrf: csrf, target: 'cigar', duration: '2h' }),
    });
    expect(foreign.status).toBe(403);
    expect(alerts.calls).toEqual([]);
  });

  it('Given an unknown target or a duration that is no duration, When posted, Then a readable 404 or 400 page, nothing muted', async () => {
    const unknown = await browser.submit('/incidents/mute', { target: '../etc', duration: '2h' });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Unknown rule or app &quot;../etc&quot;.');
    const long = await browser.submit('/incidents/mute', { target: 'disk', duration: '30d' });
    expect(long.status).toBe(400);
    expect(await long.text()).toContain('disk was not muted: a mute lasts from 1 minute to 7d (43200 minutes asked).');
    expect(alerts.calls).toEqual([]);
  });

  it('Given the unmute form, When posted, Then unmute is called with the user, and an unknown name is refused', async () => {
    const response = await browser.submit('/incidents/unmute', { target: 'logins' });
    expect(response.status).toBe(303);
    expect(decodeURIComponent(response.headers.get('location')!)).toBe('/incidents?done=logins unmuted: its alerts are sent again.');
    expect(alerts.calls).toEqual([{ op: 'unmute', actor: TEST_USER, target: 'logins' }]);
    expect((await browser.submit('/incidents/unmute', { target: 'nope' })).status).toBe(404);
    expect(alerts.calls).toHaveLength(1);
  });

  it(
    'Given a failing mail channel, When a test goes to every channel, ' + 'Then the page says which got it and why not the other',
    async () => {
      alerts.failing.set('mail-ops', 'connect ECONNREFUSED 10.0.0.5:587');
      const response = await browser.submit('/incidents/test', {});
      expect(response.status).toBe(303);
      expect(alerts.calls).toEqual([{ op: 'test', actor: TEST_USER, channel: undefined }]);
      const page = await browser.page(response.headers.get('location')!);
      expect(page.text).toContain(
        '<p class="notice">Test sent to ops-hook. mail-ops failed: connect ECONNREFUSED 10.0.0.5:587 (retried with backoff).</p>',
      );
      const one = await browser.submit('/incidents/test', { channel: 'ops-hook' });
      expect(decodeURIComponent(one.headers.get('location')!)).toBe('/incidents?done=Test sent to ops-hook.');
      expect((await browser.submit('/incidents/test', { channel: 'nope' })).status).toBe(404);
      expect(alerts.calls).toHaveLength(2);
    },
  );
});

describe('the navigation', () => {
  it('Given open incidents, When any page is shown, Then its Incidents link counts them, red with a critical, amber without', async () => {
    expect((await browser.page('/audit')).text).toContain('<a href="/incidents" class="bad">Incidents (2)</a>');
    alerts.state.incidents = alerts.state.incidents.filter((i) => i.severity === 'warning');
    expect((await browser.page('/audit')).text).toContain('<a href="/incidents" class="warn">Incidents (1)</a>');
    alerts.state.incidents = [];
    expect((await browser.page('/audit')).text).toContain('<a href="/incidents">Incidents</a>');
  });
});

describe('the Incidents page without the watcher', () => {
  beforeEach(() => start(false));

  it(
    'Given an agent without deps.alerts, When shown or posted to, ' + 'Then it says the watcher is not running, and a form gets 503',
    async () => {
      const { status, text } = await browser.page('/incidents');
      expect(status).toBe(200);
      expect(text).toContain('<p class="error">The incidents watcher is not running in this agent.</p>');
      expect(text).toContain('<a href="/incidents">Incidents</a>');
      const post = await browser.submit('/incidents/mute', { target: 'cigar', duration: '2h' });
      expect(post.status).toBe(503);
      expect(await post.text()).toContain('Back to Incidents');
    },
  );
});
