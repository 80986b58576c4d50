/**
 * The /deploys pages through app.request() with a logged-in browser session: a real
 * git repository and real files on this host; bundler, rake and systemd are played
 * by tests/support/host-target.ts (no Ruby and no systemd as PID 1 here: see
 * there). The e2e suite (tests/e2e/deploy-web.e2e.test.ts) runs the same pages in
 * Chromium against a Debian server with the real programs.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testAgent, type TestAgent } from '../../support/agent.js';
import { BrowserSession, decodeEntities, inputValue } from '../../support/browser-session.js';
import { hostTarget, type HostTarget } from '../../support/host-target.js';

let target: HostTarget;
let agent: TestAgent;
let browser: BrowserSession;

beforeEach(async () => {
  target = await hostTarget();
  agent = await testAgent({ config: target.config, exec: target.exec });
  browser = new BrowserSession(agent);
  await browser.login();
});
afterEach(async () => {
  await target.stop();
});

const lockFile = () => path.join(agent.deps.config.stateDir, 'locks', 'cigar.json');
/** The newest audit entries but the session's login. */
const audit = async (n = 1) =>
  (await agent.deps.audit.recent(50))
    .filter((e) => e.action !== 'login')
    .slice(0, n)
    .map((e) => ({ actor: e.actor, action: e.action, result: e.result, detail: e.detail }));
const releaseIds = async () => (await readdir(path.join(target.root, 'releases'))).sort();

/** A deploy from the page, read to its end. */
async function deployFromPage(fields: Record<string, string> = {}): Promise<string> {
  const response = await browser.submit('/deploys/cigar', { ref: 'main', reason: '', ...fields });
  expect(response.status).toBe(200);
  return response.text();
}
const releaseIn = (page: string) => /release (\d{14}) \([0-9a-f]{12}\) is live/.exec(page)?.[1];

/** A lock held by a running deploy of another process (pid 1 is always alive). */
async function runningDeployLock(): Promise<void> {
  await mkdir(path.dirname(lockFile()), { recursive: true });
  await writeFile(lockFile(), JSON.stringify({ app: 'cigar', by: 'alice', at: '2026-01-25T10:02:00.000Z', reason: 'deploy main', kind: 'deploy', pid: 1, token: 'x' }));
}

describe('GET /deploys', () => {
  it('Given an app never deployed, When the overview opens, Then it links to the app and says it has no release and no lock', async () => {
    const { status, text } = await browser.page('/deploys');
    expect(status).toBe(200);
    expect(text).toContain('<a href="/deploys/cigar"><strong>cigar</strong></a>');
    expect(text).toMatch(/<td><span class="muted">none<\/span><\/td>/);
    expect(text).toContain('not locked');
  });

  it('Given a deployed and then locked app, When the overview opens, Then it shows the current release, its SHA, who deployed it, its health and who holds the lock', async () => {
    const release = releaseIn(await deployFromPage())!;
    expect((await browser.submit('/deploys/cigar/lock', { reason: 'db <maintenance>' })).status).toBe(303);
    const { text } = await browser.page('/deploys');
    const row = /<tr>\s*<td><a href="\/deploys\/cigar">[\s\S]*?<\/tr>/.exec(text)![0];
    expect(row).toContain(`<td>${release}</td>`);
    expect(row).toMatch(/<td><code>[0-9a-f]{12}<\/code><\/td>/);
    expect(row).toContain('<td>admin</td>');
    expect(row).toMatch(/<td class="ok">ok 200 \d+ ms<\/td>/);
    expect(row).toMatch(/locked by hand: held by admin since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(reason: db &lt;maintenance&gt;\)/);
  });
});

describe('GET /deploys/:app', () => {
  it("Given an app, When its page opens, Then the deploy form defaults to its branch, the lock form asks why, and both carry the CSRF token", async () => {
    const { text } = await browser.page('/deploys/cigar');
    const csrf = await browser.csrf();
    expect(text).toContain('<form method="post" action="/deploys/cigar" class="fields" id="deploy-form">');
    expect(text).toContain('<form method="post" action="/deploys/cigar/lock" class="fields" id="lock-form">');
    expect(inputValue(text, 'ref')).toBe('main');
    expect([...text.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1])).toEqual([csrf, csrf, csrf]);
    expect(text).toContain('No releases yet');
  });

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

describe('POST /deploys/:app (the streamed deploy page)', () => {
  it('Given a configured app, When deployed from the form, Then the page streams each step as it starts and ends, in order, then the outcome, and nginx may pass it on at once', async () => {
    const response = await browser.submit('/deploys/cigar', { ref: 'main', reason: 'first <b>deploy</b>' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('cache-control')).toBe('no-store');

    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('id="step-fetch"')) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the page ended before fetch did:\n${text}`);
      text += value;
    }
    expect(text).toMatch(/^<!doctype html>[\s\S]*<nav>[\s\S]*<h1>Deploying cigar<\/h1>/);
    expect(text).not.toContain('id="outcome"');
    for (let next = await reader.read(); !next.done; next = await reader.read()) text += next.value;

    const ends = [...text.matchAll(/<p class="step (?:ok|bad|muted)" id="step-(\w+)">/g)].map((m) => m[1]);
    expect(ends).toEqual(['lock', 'check', 'fetch', 'link', 'bundle', 'assets', 'migrate', 'switch', 'restart', 'health', 'record', 'prune']);
    for (const step of ends) expect(text.indexOf(`▸ ${step}</p>`), step).toBeLessThan(text.indexOf(`id="step-${step}"`));
    expect(text).toMatch(/<p class="step ok" id="step-fetch">✓ <strong>fetch<\/strong> <span class="muted">\d+\.\d s<\/span>/);
    expect(text).toMatch(/<pre class="out" data-step="fetch">deploy\$ mkdir -p -- [\s\S]*deploy\$ git clone --depth 1 --branch main -- file:\/\//);
    const release = releaseIn(text);
    expect(text).toMatch(new RegExp(`<p class="notice" id="outcome">Deployed cigar: release ${release} \\([0-9a-f]{12}\\) is live in \\d+\\.\\d s\\.</p>`));
    expect(text).toContain('first &lt;b&gt;deploy&lt;/b&gt;');
    expect(text).not.toContain('<b>deploy');
    expect(text.trimEnd()).toMatch(/<\/main>\s*<\/body>\s*<\/html>$/);
    expect(target.serving()).toBe(release);
    expect(existsSync(lockFile())).toBe(false);
    expect((await audit())[0]).toMatchObject({ actor: 'admin', action: 'deploy', result: 'ok', detail: expect.stringContaining('reason: first <b>deploy</b>') });
    expect((await audit())[0]!.detail).toMatch(/; from the browser \(no local tests\);/);
  });

  it('Given a deploy that fails at a step, When it ends, Then the page says where and why, with the agent\'s hint, and the previous release keeps serving', async () => {
    const first = releaseIn(await deployFromPage())!;
    await target.commit({ 'app/assets/stylesheets/application.css': '/*\n *= require does_not_exist\n */\n' }, 'bad assets', 'bad-assets');
    const text = await deployFromPage({ ref: 'bad-assets' });
    expect(text).toMatch(/<p class="step bad" id="step-assets">✗ <strong>assets<\/strong>/);
    expect(text).toMatch(/<div class="error" id="outcome" role="alert"><p><strong>The deploy of cigar failed at assets in \d+\.\d s: .*couldn&#39;t find file &#39;does_not_exist&#39;.*; \d{14} keeps serving<\/strong><\/p>/);
    expect(text).toContain('<a href="/deploys/cigar">Back to cigar\'s deploys</a>');
    expect(target.serving()).toBe(first);
  });

  it('Given the browser goes away during the build, When the deploy notices, Then it stops before the switch, removes the release and releases the lock', async () => {
    const first = releaseIn(await deployFromPage())!;
    const response = await browser.submit('/deploys/cigar', { ref: 'main' });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('▸ bundle')) text += (await reader.read()).value ?? '';
    await reader.cancel();
    await expect.poll(async () => (await audit())[0]?.result, { timeout: 20_000 }).toBe('failed');
    expect((await audit())[0]!.detail).toMatch(/client went away/);
    expect(await releaseIds()).toEqual([first]);
    expect(target.serving()).toBe(first);
    expect(existsSync(lockFile())).toBe(false);
  });

  it('Given a locked app, When a deploy is posted, Then a 423 page (not a stream) says who holds the lock and why, shows the unlock button, and nothing runs', async () => {
    expect((await browser.submit('/deploys/cigar/lock', { reason: 'db maintenance' })).status).toBe(303);
    const response = await browser.submit('/deploys/cigar', { ref: 'main', reason: 'now' });
    expect(response.status).toBe(423);
    expect(response.headers.get('x-accel-buffering')).toBeNull();
    const text = await response.text();
    expect(text).toMatch(/<div class="error" role="alert">\s*<p><strong>cigar is locked: held by admin since \S+ \(reason: db maintenance\)\.<\/strong><\/p>/);
    expect(text).toContain('<p>Wait, or unlock it in the Lock section below once nothing is running.</p>');
    expect(text).toContain('id="unlock-form"');
    expect(text).not.toContain('Deploying');
    expect(inputValue(text, 'reason')).toBe('now');
    expect(target.calls).toEqual([]);
    expect((await audit())[0]).toMatchObject({ actor: 'admin', action: 'deploy', result: 'refused' });
  });

  it.each([
    ['a ref that is an option', { ref: '--upload-pack=touch /tmp/x' }, 'The ref must be a branch, tag or commit SHA'],
    ['a ref climbing up', { ref: 'main/../../x' }, 'The ref is not a valid git ref'],
    ['a reason over two lines', { ref: 'main', reason: 'a\nb' }, 'The reason must be one line of text'],
  ])('Given %s, When deployed, Then a 400 page names the field, keeps what was typed, and nothing runs', async (_, fields, message) => {
    const response = await browser.submit('/deploys/cigar', fields);
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(decodeEntities(text)).toContain(message);
    expect(inputValue(text, 'ref')).toBe(fields.ref);
    expect(target.calls).toEqual([]);
    expect(await audit()).toEqual([]);
  });

  it('Given an app without a repository, When its page opens and a deploy is posted, Then the page says which config key to add and the post is a 412 page', async () => {
    const bare = await testAgent({ config: { apps: { cigar: { unit: 'cigar.service', root: target.root } } }, exec: target.exec });
    const session = new BrowserSession(bare);
    await session.login();
    expect((await session.page('/deploys/cigar')).text).toContain('has no git repository configured on the server');
    const response = await session.submit('/deploys/cigar', { ref: 'main' });
    expect(response.status).toBe(412);
    expect(await response.text()).toContain('apps.cigar');
  });
});

describe('lock and unlock', () => {
  it('Given an unlocked app, When locked with a reason and unlocked from its page, Then each redirects with a notice, the page shows the state, and both are audited', async () => {
    const locked = await browser.submit('/deploys/cigar/lock', { reason: 'db maintenance' });
    expect(locked.status).toBe(303);
    expect(locked.headers.get('location')).toBe('/deploys/cigar?done=locked');
    const page = (await browser.page('/deploys/cigar?done=locked')).text;
    expect(page).toContain('<p class="notice">cigar is locked: no deploy or rollback starts until it is unlocked.</p>');
    expect(page).toMatch(/<p class="warn" id="lock-status">cigar is locked by hand: held by admin since .* \(reason: db maintenance\)\.<\/p>/);
    expect(page).toContain('<button>Unlock cigar</button>');
    expect(page).not.toContain('id="lock-form"');

    const unlocked = await browser.submit('/deploys/cigar/unlock', {});
    expect(unlocked.headers.get('location')).toBe('/deploys/cigar?done=unlocked');
    expect((await browser.page('/deploys/cigar?done=unlocked')).text).toContain('id="lock-form"');
    expect(existsSync(lockFile())).toBe(false);
    expect(await audit(2)).toEqual([
      expect.objectContaining({ actor: 'admin', action: 'deploy.unlock', result: 'ok' }),
      expect.objectContaining({ actor: 'admin', action: 'deploy.lock', result: 'ok', detail: 'reason: db maintenance' }),
    ]);
  });

  it('Given a notice key that is not one of the page\'s, When the page opens, Then no notice is shown (the URL cannot put words on the page)', async () => {
    expect((await browser.page('/deploys/cigar?done=Your%20password%20expired')).text).not.toContain('class="notice"');
  });

  it('Given an app that is not locked, When unlocked, Then a 404 page says so and the lock form is there', async () => {
    const response = await browser.submit('/deploys/cigar/unlock', {});
    expect(response.status).toBe(404);
    const text = await response.text();
    expect(text).toContain('cigar is not locked.');
    expect(text).toContain('id="lock-form"');
  });

  it('Given a locked app, When locked again, Then a 423 page says who holds it', async () => {
    await browser.submit('/deploys/cigar/lock', { reason: 'first' });
    const response = await browser.submit('/deploys/cigar/lock', { reason: 'second' });
    expect(response.status).toBe(423);
    expect(await response.text()).toContain('held by admin');
  });

  it('Given an empty reason, When locked, Then a 400 page asks why and nothing is locked', async () => {
    const response = await browser.submit('/deploys/cigar/lock', { reason: '   ' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Say why the app is locked.');
    expect(existsSync(lockFile())).toBe(false);
  });

  it('Given a deploy running in another process, When the page opens and unlock is posted, Then no unlock button is offered and the post is a 409 page saying to wait', async () => {
    await runningDeployLock();
    const { text } = await browser.page('/deploys/cigar');
    expect(text).toContain('cigar is locked by a running deploy: held by alice');
    expect(text).not.toContain('id="unlock-form"');
    const response = await browser.submit('/deploys/cigar/unlock', {});
    expect(response.status).toBe(409);
    const refused = await response.text();
    expect(refused).toContain('A deploy of cigar by alice is running');
    expect(refused).toContain('Wait for it to finish');
    expect(existsSync(lockFile())).toBe(true);
  });
});

describe('rollback', () => {
  it('Given two releases, When rolled back from the table after the confirmation, Then the first serves again and the result warns about the migration the database keeps', async () => {
    const first = releaseIn(await deployFromPage())!;
    await target.commit({ 'db/migrate/20260102000000_add_note_to_visits.rb': 'class AddNote; end\n' }, 'two');
    const second = releaseIn(await deployFromPage())!;

    const confirm = await browser.page(`/deploys/cigar/rollback?release=${first}`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain(`<h1>Roll cigar back to ${first}?</h1>`);
    expect(confirm.text).toMatch(new RegExp(`switches <strong>cigar</strong> from ${second} \\(<code>[0-9a-f]{12}</code>\\) to <strong>${first}</strong>`));
    expect(confirm.text).toContain('⚠ The database keeps 1 migration(s)');
    expect(inputValue(confirm.text, 'release')).toBe(first);
    expect(inputValue(confirm.text, '_csrf')).toBe(await browser.csrf());
    expect(target.serving()).toBe(second);

    const response = await browser.submit('/deploys/cigar/rollback', { release: first, reason: 'slow pages' });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/<p class="warn">⚠ The database keeps 1 migration\(s\) that \d{14} does not know: 20260102000000_add_note_to_visits\.rb\./);
    expect(text).toMatch(new RegExp(`<p class="notice" id="outcome">cigar: ${first} is live again \\(was ${second}\\), healthy, in \\d+\\.\\d s\\.</p>`));
    expect([...text.matchAll(/id="step-(\w+)"/g)].map((m) => m[1])).toEqual(['switch', 'restart', 'health']);
    expect(target.serving()).toBe(first);
    expect((await audit())[0]).toMatchObject({ actor: 'admin', action: 'rollback', result: 'ok', detail: expect.stringContaining('reason: slow pages') });
  });

  it.each([
    ['a release that is a path', '../../etc', 404, /cigar has no release &quot;..\/..\/etc&quot;/],
    ['a release id that does not exist', '20200101000000', 404, /cigar has no release &quot;20200101000000&quot;/],
    ['no release', '', 404, /cigar has no release &quot;&quot;/],
  ])('Given %s, When the confirmation opens, Then a %i page with the app page under it', async (_, release, status, message) => {
    await deployFromPage();
    const { status: got, text } = await browser.page(`/deploys/cigar/rollback?release=${encodeURIComponent(release)}`);
    expect(got).toBe(status);
    expect(text).toMatch(message);
    expect(text).toContain('id="deploy-form"');
  });

  it('Given a release that failed its health check, When the table shows it, Then it offers no rollback to it, and its confirmation (asked by URL) warns', async () => {
    await deployFromPage();
    await target.commit({ 'config/initializers/release.rb': "SAMPLE_RELEASE = 'sick'\nSAMPLE_HEALTHY = false\n" }, 'sick', 'sick');
    const text = await deployFromPage({ ref: 'sick' });
    expect(text).toMatch(/<p class="step ok" id="step-rollback">/);
    const sick = /<p class="step ok" id="step-record">.*releases\/(\d{14})\/release\.json: failed/.exec(text)![1]!;
    const page = (await browser.page('/deploys/cigar')).text;
    expect(new RegExp(`<tr id="release-${sick}">[\\s\\S]*?</tr>`).exec(page)![0]).not.toContain('Roll back');
    const confirm = await browser.page(`/deploys/cigar/rollback?release=${sick}`);
    expect(confirm.text).toContain(`⚠ ${sick} failed its health check when it was deployed.`);
  });

  it('Given the current release, When its rollback is asked for, Then a 409 page says it is already current', async () => {
    const current = releaseIn(await deployFromPage())!;
    const { status, text } = await browser.page(`/deploys/cigar/rollback?release=${current}`);
    expect(status).toBe(409);
    expect(text).toContain(`${current} is already the current release of cigar.`);
  });

  it.each([
    ['a release that is a path', { release: '../../etc' }, 400, 'The release must be a release id'],
    ['no release', {}, 400, 'The rollback form names no release.'],
    ['a release that does not exist', { release: '20200101000000' }, 404, 'There is no release 20200101000000.'],
  ])('Given %s, When a rollback is posted, Then a %i page and the current release keeps serving', async (_, fields, status, message) => {
    const current = releaseIn(await deployFromPage())!;
    const response = await browser.submit('/deploys/cigar/rollback', fields);
    expect(response.status).toBe(status);
    expect(await response.text()).toContain(message);
    expect(target.serving()).toBe(current);
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

  it('Given no session, When a deploys page is opened or a deploy posted, Then the browser is sent to the login page and nothing runs', async () => {
    const anonymous = new BrowserSession(agent);
    for (const [url, method] of [['/deploys', 'GET'], ['/deploys/cigar', 'GET'], ['/deploys/cigar', 'POST'], ['/deploys/cigar/lock', 'POST']] as const) {
      const response = await anonymous.request(url, { method, ...(method === 'POST' ? { body: new URLSearchParams({ ref: 'main', reason: 'x' }) } : {}) });
      expect(response.status, `${method} ${url}`).toBe(303);
      expect(response.headers.get('location'), url).toBe(`/login?next=${encodeURIComponent(url)}`);
    }
    expect(target.calls).toEqual([]);
    expect(existsSync(lockFile())).toBe(false);
  });

});
