/**
 * What holds for every browser page at once: each POST needs the CSRF token, each
 * form that posts carries it, and no page has a script without the CSP nonce.
 * systemctl cannot run here (no systemd as PID 1): the recording hostExec answers
 * it and runs the real nginx (see nginx-fixture.ts); journalctl is not called.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../server/errors.js';
import { problemOf } from '../../../server/web/error-page.js';
import { testAgent, type TestAgent } from '../../support/agent.js';
import { BrowserSession } from '../../support/browser-session.js';
import { hostExec, nginxTree, serverBlock } from '../../support/nginx-fixture.js';

let agent: TestAgent;
let browser: BrowserSession;

beforeAll(async () => {
  const tree = await nginxTree(['cigar']);
  await tree.addSite('cigar', serverBlock(8081));
  const root = await mkdtemp(path.join(tmpdir(), 'hms-pages-'));
  agent = await testAgent({ config: { nginx: tree.nginx, apps: { cigar: { unit: 'cigar.service', root } } }, exec: hostExec().exec });
  browser = new BrowserSession(agent);
  await browser.login();
  // A saved change, so the history, diff and revert pages have a backup to show.
  const page = await browser.page('/configs/cigar');
  const etag = /name="etag" value="([^"]+)"/.exec(page.text)![1]!.replace(/&quot;/g, '"');
  expect((await browser.submit('/configs/cigar', { content: serverBlock(8082), etag })).status).toBe(303);
});

async function pagePaths(): Promise<string[]> {
  const { text } = await browser.page('/configs/cigar');
  const backup = /\/configs\/cigar\/history\/([^"]+)"/.exec(text)![1]!;
  return [
    '/configs',
    '/configs/cigar',
    `/configs/cigar/history/${backup}`,
    `/configs/cigar/diff?against=${backup}`,
    `/configs/cigar/revert?id=${backup}`,
    '/scripts',
    '/scripts/check_disk_space',
    '/logs',
    '/logs?source=cigar:production',
    '/logs?source=nginx:access&live=1',
    '/audit',
    '/backups',
    '/backups/cigar',
    '/maintenance/cigar',
    '/configs/nope',
  ];
}

describe('every page', () => {
  it("Given each page, When served, Then every script tag carries this response's CSP nonce and there are no inline handlers", async () => {
    for (const url of await pagePaths()) {
      const response = await browser.request(url);
      const nonce = /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')![1];
      const text = await response.text();
      expect(text, url).toMatch(/^<!doctype html>/);
      for (const [, attributes] of text.matchAll(/<script([^>]*)>/g)) expect(attributes, url).toBe(` nonce="${nonce}"`);
      expect(text, url).not.toMatch(/\son[a-z]+\s*=|javascript:/i);
      expect(text, url).not.toMatch(/(src|href|action)="(https?:)?\/\//);
    }
  });

  it("Given each page, When it has forms that post, Then each carries the session's CSRF token", async () => {
    const csrf = await browser.csrf();
    let forms = 0;
    for (const url of await pagePaths()) {
      const text = await (await browser.request(url)).text();
      for (const [form] of text.matchAll(/<form method="post"[\s\S]*?<\/form>/g)) {
        forms += 1;
        expect(form, url).toContain(`<input type="hidden" name="_csrf" value="${csrf}">`);
      }
    }
    expect(forms).toBeGreaterThan(12);
  });

  it('Given every POST route of the pages, When posted by a logged-in browser without the token, Then 403', async () => {
    const posts = agent.app.routes.filter((route) => route.method === 'POST' && !route.path.startsWith('/api/') && route.path !== '/login');
    expect(posts.map((route) => route.path)).toEqual(
      expect.arrayContaining(['/configs/:site', '/configs/:site/revert', '/scripts/:name', '/apps/:name/:action', '/logout']),
    );
    for (const route of posts) {
      const url = route.path.replace(':site', 'cigar').replace(':name', 'cigar').replace(':action', 'restart');
      const response = await browser.submit(url, { content: 'x', id: '2026-01-01T00:00:00.000Z', args: '' }, { csrf: false });
      expect(response.status, route.path).toBe(403);
    }
  });
});

describe('error pages', () => {
  it(
    'Given a dashboard action on an unknown app, When posted from the browser, ' + 'Then a readable 404 page lists the known apps',
    async () => {
      const response = await browser.submit('/apps/nope/restart', {});
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const text = await response.text();
      expect(text).toContain('<h1>Error 404</h1>');
      expect(text).toContain('Unknown app &quot;nope&quot;.');
      expect(text).toContain('Known apps: cigar');
    },
  );

  it('Given an unexpected error, When shown, Then the page says only that it is internal and where the details are', () => {
    expect(problemOf(new Error('EACCES /etc/shadow'))).toEqual({
      status: 500,
      message: 'Internal error.',
      hint: expect.stringContaining('journalctl -u hms-agent'),
    });
    expect(problemOf(new ApiError(422, 'rejected', { details: { stderr: 'nginx said' } }))).toMatchObject({
      status: 422,
      output: 'nginx said',
    });
  });
});
