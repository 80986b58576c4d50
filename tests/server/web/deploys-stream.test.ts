/**
 * POST /deploys/:app: the deploy streamed as a growing HTML page, its failures, and
 * the refusals that come back as a page instead of a stream.
 */
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testAgent, type TestAgent } from '../../support/agent.js';
import { BrowserSession, decodeEntities, inputValue } from '../../support/browser-session.js';
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

const { lockFile, audit, releaseIds, deployFromPage } = pageHelpers(() => ({ target, agent, browser }));

describe('POST /deploys/:app (the streamed deploy page)', () => {
  it(
    'Given a configured app, When deployed from the form, ' +
      'Then the page streams each step as it starts and ends, in order, then the outcome, and nginx may pass it on at once',
    async () => {
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
      expect(ends).toEqual([
        'lock',
        'check',
        'fetch',
        'link',
        'bundle',
        'assets',
        'backup',
        'migrate',
        'tasks',
        'switch',
        'restart',
        'health',
        'workers',
        'record',
        'prune',
      ]);
      for (const step of ends) expect(text.indexOf(`▸ ${step}</p>`), step).toBeLessThan(text.indexOf(`id="step-${step}"`));
      expect(text).toMatch(/<p class="step ok" id="step-fetch">✓ <strong>fetch<\/strong> <span class="muted">\d+\.\d s<\/span>/);
      expect(text).toMatch(
        /<pre class="out" data-step="fetch">deploy\$ mkdir -p -- [\s\S]*deploy\$ git clone --depth 1 --branch main -- file:\/\//,
      );
      const release = releaseIn(text);
      expect(text).toMatch(
        new RegExp(`<p class="notice" id="outcome">Deployed cigar: release ${release} \\([0-9a-f]{12}\\) is live in \\d+\\.\\d s\\.</p>`),
      );
      expect(text).toContain('first &lt;b&gt;deploy&lt;/b&gt;');
      expect(text).not.toContain('<b>deploy');
      expect(text.trimEnd()).toMatch(/<\/main>\s*<\/body>\s*<\/html>$/);
      expect(target.serving()).toBe(release);
      expect(existsSync(lockFile())).toBe(false);
      expect((await audit())[0]).toMatchObject({
        actor: 'admin',
        action: 'deploy',
        result: 'ok',
        detail: expect.stringContaining('reason: first <b>deploy</b>'),
      });
      expect((await audit())[0]!.detail).toMatch(/; from the browser \(no local tests\);/);
    },
  );

  it(
    'Given a deploy that fails at a step, When it ends, ' +
      "Then the page says where and why, with the agent's hint, and the previous release keeps serving",
    async () => {
      const first = releaseIn(await deployFromPage())!;
      await target.commit(
        { 'app/assets/stylesheets/application.css': '/*\n *= require does_not_exist\n */\n' },
        'bad assets',
        'bad-assets',
      );
      const text = await deployFromPage({ ref: 'bad-assets' });
      expect(text).toMatch(/<p class="step bad" id="step-assets">✗ <strong>assets<\/strong>/);
      expect(text).toMatch(
        new RegExp(
          [
            String.raw`<div class="error" id="outcome" role="alert"><p><strong>The deploy of cigar failed at assets in \d+\.\d s: `,
            String.raw`.*couldn&#39;t find file &#39;does_not_exist&#39;.*; \d{14} keeps serving<\/strong><\/p>`,
          ].join(''),
        ),
      );
      expect(text).toContain('<a href="/deploys/cigar">Back to cigar\'s deploys</a>');
      expect(target.serving()).toBe(first);
    },
  );

  it(
    'Given the browser goes away during the build, When the deploy notices, ' +
      'Then it stops before the switch, removes the release and releases the lock',
    async () => {
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
    },
  );

  it(
    'Given a locked app, When a deploy is posted, ' +
      'Then a 423 page (not a stream) says who holds the lock and why, shows the unlock button, and nothing runs',
    async () => {
      expect((await browser.submit('/deploys/cigar/lock', { reason: 'db maintenance' })).status).toBe(303);
      const response = await browser.submit('/deploys/cigar', { ref: 'main', reason: 'now' });
      expect(response.status).toBe(423);
      expect(response.headers.get('x-accel-buffering')).toBeNull();
      const text = await response.text();
      expect(text).toMatch(
        new RegExp(
          [
            String.raw`<div class="error" role="alert">\s*`,
            String.raw`<p><strong>cigar is locked: held by admin since \S+ \(reason: db maintenance\)\.<\/strong><\/p>`,
          ].join(''),
        ),
      );
      expect(text).toContain('<p>Wait, or unlock it in the Lock section below once nothing is running.</p>');
      expect(text).toContain('id="unlock-form"');
      expect(text).not.toContain('Deploying');
      expect(inputValue(text, 'reason')).toBe('now');
      expect(target.calls).toEqual([]);
      expect((await audit())[0]).toMatchObject({ actor: 'admin', action: 'deploy', result: 'refused' });
    },
  );

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

  it(
    'Given an app without a repository, When its page opens and a deploy is posted, ' +
      'Then the page says which config key to add and the post is a 412 page',
    async () => {
      const bare = await testAgent({ config: { apps: { cigar: { unit: 'cigar.service', root: target.root } } }, exec: target.exec });
      const session = new BrowserSession(bare);
      await session.login();
      expect((await session.page('/deploys/cigar')).text).toContain('has no git repository configured on the server');
      const response = await session.submit('/deploys/cigar', { ref: 'main' });
      expect(response.status).toBe(412);
      expect(await response.text()).toContain('apps.cigar');
    },
  );
});
