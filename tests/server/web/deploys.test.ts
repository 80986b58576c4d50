/**
 * The /deploys pages through app.request() with a logged-in browser session: a real
 * git repository and real files on this host; bundler, rake and systemd are played
 * by tests/support/host-target.ts (no Ruby and no systemd as PID 1 here: see
 * there). The e2e suite (tests/e2e/deploy-web.e2e.test.ts) runs the same pages in
 * Chromium against a Debian server with the real programs. Here: the overview, an
 * app's page, and what a form without its session or CSRF token gets.
 */
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestAgent } from '../../support/agent.js';
import { BrowserSession, inputValue } from '../../support/browser-session.js';
import { deployPages, pageHelpers, releaseIn } from '../../support/deploy-pages.js';
import type { HostTarget } from '../../support/host-target.js';

let target: HostTarget;
let agent: TestAgent;
let browser: BrowserSession;

beforeEach(async () => {
  ({ target, agent, browser } = await deployPages());
});
afterEach(async () => {
  await target.stop();
});

const { lockFile, audit, deployFromPage } = pageHelpers(() => ({ target, agent, browser }));

describe('GET /deploys', () => {
  it('Given an app never deployed, When the overview opens, Then it links to the app and says it has no release and no lock', async () => {
    const { status, text } = await browser.page('/deploys');
    expect(status).toBe(200);
    expect(text).toContain('<a href="/deploys/cigar"><strong>cigar</strong></a>');
    expect(text).toMatch(/<td><span class="muted">none<\/span><\/td>/);
    expect(text).toContain('not locked');
  });

  it(
    'Given a deployed and then locked app, When the overview opens, ' +
      'Then it shows the current release, its SHA, who deployed it, its health and who holds the lock',
    async () => {
      const release = releaseIn(await deployFromPage())!;
      expect((await browser.submit('/deploys/cigar/lock', { reason: 'db <maintenance>' })).status).toBe(303);
      const { text } = await browser.page('/deploys');
      const row = /<tr>\s*<td><a href="\/deploys\/cigar">[\s\S]*?<\/tr>/.exec(text)![0];
      expect(row).toContain(`<td>${release}</td>`);
      expect(row).toMatch(/<td><code>[0-9a-f]{12}<\/code><\/td>/);
      expect(row).toContain('<td>admin</td>');
      expect(row).toMatch(/<td class="ok">ok 200 \d+ ms<\/td>/);
      expect(row).toMatch(/locked by hand: held by admin since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(reason: db &lt;maintenance&gt;\)/);
    },
  );
});

describe('GET /deploys/:app', () => {
  it(
    'Given an app, When its page opens, ' +
      'Then the deploy form defaults to its branch, the lock form asks why, and both carry the CSRF token',
    async () => {
      const { text } = await browser.page('/deploys/cigar');
      const csrf = await browser.csrf();
      expect(text).toContain('<form method="post" action="/deploys/cigar" class="fields" id="deploy-form">');
      expect(text).toContain('<form method="post" action="/deploys/cigar/lock" class="fields" id="lock-form">');
      expect(inputValue(text, 'ref')).toBe('main');
      expect([...text.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1])).toEqual([csrf, csrf, csrf]);
      expect(text).toContain('No releases yet');
    },
  );

  it('Given two releases, When the page opens, Then the table marks the current one and offers a rollback only to the other', async () => {
    const first = releaseIn(await deployFromPage())!;
    await target.commit({ 'db/migrate/20260102000000_add_note.rb': 'class AddNote; end\n' }, 'two');
    const second = releaseIn(await deployFromPage())!;
    const { text } = await browser.page('/deploys/cigar');
    const row = (id: string) => new RegExp(`<tr[^>]*id="release-${id}">[\\s\\S]*?</tr>`).exec(text)![0];
    expect(row(second)).toContain('class="current"');
    expect(row(second)).toContain(`<strong>→ ${second}</strong> <span class="ok">current</span>`);
    expect(row(second)).not.toContain('Roll back');
    expect(row(second)).toContain('<td>2</td>');
    expect(row(first)).toContain(`<a href="/deploys/cigar/rollback?release=${first}">Roll back to this</a>`);
    expect(row(first)).toMatch(/<td>main<\/td>\s*<td>\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ<\/td>\s*<td>admin<\/td>/);
  });

  it.each([
    ['an unknown app', '/deploys/nosuch'],
    ['an encoded traversal', '/deploys/..%2fx'],
    ['an encoded dot-dot with a slash', '/deploys/%2e%2e%2fcigar'],
    ['an unknown app under rollback', '/deploys/nosuch/rollback?release=20260101000000'],
  ])('Given %s, When opened, Then a 404 page', async (_, url) => {
    const { status, text, response } = await browser.page(url);
    expect(status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(text).toMatch(/Unknown app &quot;/);
  });

  it.each([
    ['an unknown app', '/deploys/nosuch', /Unknown app &quot;nosuch&quot;/],
    ['an encoded traversal', '/deploys/..%2f..%2fetc', /Unknown app &quot;..\/..\/etc&quot;/],
    ['an encoded dot-dot (the URL resolves it: POST /)', '/deploys/%2e%2e', /There is no page at \/\./],
    ['a traversal (the URL resolves it: POST /x)', '/deploys/../x', /There is no page at \/x\./],
    ['an encoded dot-dot before lock', '/deploys/%2e%2e%2fcigar/lock', /Unknown app &quot;..\/cigar&quot;/],
  ])('Given %s, When a deploy or lock is posted, Then a 404 page and nothing runs', async (_, url, message) => {
    const response = await browser.submit(url, { ref: 'main', reason: 'x' });
    expect(response.status).toBe(404);
    expect(await response.text()).toMatch(message);
    expect(target.calls).toEqual([]);
    expect(existsSync(lockFile())).toBe(false);
  });
});

describe('auth and CSRF', () => {
  it.each([
    ['/deploys/cigar', { ref: 'main' }],
    ['/deploys/cigar/lock', { reason: 'x' }],
    ['/deploys/cigar/unlock', {}],
    ['/deploys/cigar/rollback', { release: '20260101000000' }],
  ])('Given a form to %s without the CSRF token, When posted, Then 403 and nothing changes', async (url, fields) => {
    const response = await browser.submit(url, fields, { csrf: false });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Missing or invalid CSRF token.');
    const wrong = await browser.request(url, { method: 'POST', body: new URLSearchParams({ ...fields, _csrf: 'forged' }) });
    expect(wrong.status).toBe(403);
    expect(target.calls).toEqual([]);
    expect(existsSync(lockFile())).toBe(false);
    expect(await audit()).toEqual([]);
  });

  it(
    'Given no session, When a deploys page is opened or a deploy posted, ' + 'Then the browser is sent to the login page and nothing runs',
    async () => {
      const anonymous = new BrowserSession(agent);
      for (const [url, method] of [
        ['/deploys', 'GET'],
        ['/deploys/cigar', 'GET'],
        ['/deploys/cigar', 'POST'],
        ['/deploys/cigar/lock', 'POST'],
      ] as const) {
        const response = await anonymous.request(url, {
          method,
          ...(method === 'POST' ? { body: new URLSearchParams({ ref: 'main', reason: 'x' }) } : {}),
        });
        expect(response.status, `${method} ${url}`).toBe(303);
        expect(response.headers.get('location'), url).toBe(`/login?next=${encodeURIComponent(url)}`);
      }
      expect(target.calls).toEqual([]);
      expect(existsSync(lockFile())).toBe(false);
    },
  );
});
