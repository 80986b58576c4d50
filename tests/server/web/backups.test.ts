/**
 * The /backups pages through app.request() with a logged-in browser session, and
 * the backups cell of the dashboard. The exec door is a recorder here, as in
 * tests/server/services/backups/routes.test.ts: this machine has no PostgreSQL nor
 * restic repository, so `restic snapshots` is answered with restic's own JSON and
 * every other command is recorded; the status and record files are real files.
 * The real programs run behind these pages in tests/e2e/backups-views.e2e.test.ts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ExecResult } from '../../../src/platform/exec.js';
import { restoreRequestOf } from '../../../server/web/backups-restore-page.js';
import { testAgent, type TestAgent } from '../../support/agent.js';
import { BrowserSession } from '../../support/browser-session.js';

const NOW = new Date('2026-12-07T12:00:00.000Z');
const OLD = 'a'.repeat(64);
const NEW = 'b'.repeat(64);
const SNAPSHOTS = [
  { id: OLD, short_id: 'aaaaaaaa', time: '2026-12-06T12:00:00.000Z', tags: ['app:cigar', 'kind:scheduled'] },
  { id: NEW, short_id: 'bbbbbbbb', time: '2026-12-07T09:00:00.000Z', tags: ['app:cigar', 'kind:pre-migration'] },
];

let agent: TestAgent;
let browser: BrowserSession;
let calls: string[][];

function answer(argv: readonly string[]): Partial<ExecResult> {
  if (argv[0] === 'restic' && argv[1] === 'snapshots') return { stdout: JSON.stringify(SNAPSHOTS) };
  // The app's unit has no environment file: no DATABASE_URL, so nothing to back up.
  if (argv[0] === 'systemctl') return { stdout: 'Environment=\nEnvironmentFiles=\n' };
  return {};
}

beforeEach(async () => {
  calls = [];
  const exec = async (argv: readonly string[]): Promise<ExecResult> => {
    calls.push([...argv]);
    return { argv, code: 0, signal: null, stdout: '', stderr: '', truncated: false, timedOut: false, aborted: false, ...answer(argv) };
  };
  const apps = { cigar: { unit: 'cigar.service', root: '/var/www/cigar' }, tobacco: { unit: 'tobacco.service', root: '/var/www/tobacco' } };
  agent = await testAgent({ config: { apps }, exec, clock: () => NOW });
  browser = new BrowserSession(agent);
  await browser.login();
});

/** What a backup and a drill leave in <stateDir>/backups/cigar/. */
async function recorded(files: Record<string, unknown>): Promise<void> {
  const dir = path.join(agent.deps.config.stateDir, 'backups', 'cigar');
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), JSON.stringify(content));
}

const last = { id: NEW, shortId: 'bbbbbbbb', time: '2026-12-07T09:00:00.000Z', kind: 'pre-migration' };
const passed = { ok: true, at: '2026-12-07T09:05:00.000Z', seconds: 2, mismatches: [] };

describe('GET /backups/:app', () => {
  it(
    'Given two snapshots, one counted and drilled, When the page opens, ' +
      'Then newest first with time, kind, sizes, rows total and ✓, the two buttons and a restore link each carry what they need',
    async () => {
      await recorded({
        [`${NEW}.json`]: { ...last, sizeBytes: 3174, addedBytes: 2048, rows: { items: 1200, orders: 4 }, drill: passed },
        'status.json': { last, drill: passed },
      });
      const { status, text } = await browser.page('/backups/cigar');
      expect(status).toBe(200);
      const csrf = await browser.csrf();
      expect(text.indexOf('id="snapshot-bbbbbbbb"')).toBeLessThan(text.indexOf('id="snapshot-aaaaaaaa"'));
      const row = /<tr id="snapshot-bbbbbbbb">[\s\S]*?<\/tr>/.exec(text)![0];
      expect(row).toContain('<td>2026-12-07 09:00:00Z <span class="muted">3h0m ago</span></td>');
      expect(row).toContain('<td>pre-migration</td>');
      expect(row).toContain('<td>3.1 KiB</td>');
      expect(row).toContain('<td title="items 1200, orders 4">1,204</td>');
      expect(row).toContain('<td class="ok" title="passed (2 s)">✓</td>');
      expect(row).toContain(`<a href="/backups/cigar/restore?snapshot=${NEW}">Restore…</a>`);
      const old = /<tr id="snapshot-aaaaaaaa">[\s\S]*?<\/tr>/.exec(text)![0];
      expect(old).toContain('<td class="muted" title="-">–</td>');
      expect(text).toContain('<form method="post" action="/backups/cigar" class="inline" id="backup-form">');
      expect(text).toContain('<form method="post" action="/backups/cigar/drill" class="inline" id="drill-form">');
      expect([...text.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1])).toEqual([csrf, csrf, csrf]);
      expect(text).toContain('Last good backup: <span class="ok">3h0m ago, drill ✓</span>');
      expect(text).toContain('<a href="/backups">Backups</a>');
    },
  );

  it.each([
    ['an unknown app', '/backups/nosuch'],
    ['an encoded traversal', '/backups/..%2f..%2fetc'],
    ['a restore of an unknown app', `/backups/nosuch/restore?snapshot=${NEW}`],
  ])('Given %s, When opened, Then a 404 page and restic is not asked', async (_, url) => {
    const { status, text } = await browser.page(url);
    expect(status).toBe(404);
    expect(text).toMatch(/Unknown app &quot;/);
    expect(calls).toEqual([]);
  });
});

describe('GET /backups and the dashboard', () => {
  it(
    'Given cigar overdue and then failed, and tobacco with nothing recorded, When the pages open, ' +
      'Then the cell is red with the age or the failure, and tobacco says none recorded',
    async () => {
      await recorded({ 'status.json': { last: { ...last, time: '2026-12-05T12:00:00.000Z' }, drill: passed } });
      const overview = (await browser.page('/backups')).text;
      expect(overview).toContain('<td class="bad"><a href="/backups/cigar">overdue: 2d ago, drill ✓</a></td>');
      expect(overview).toContain('<td class="muted"><a href="/backups/tobacco">none recorded</a></td>');
      await recorded({ 'status.json': { last, failure: { at: '2026-12-07T11:00:00.000Z', error: 'pg_dump failed <exit 1>' } } });
      const dashboard = (await browser.page('/')).text;
      expect(dashboard).toContain('<th>Backups</th>');
      expect(dashboard).toContain('<td class="bad"><a href="/backups/cigar">failed 1h0m ago</a></td>');
      expect((await browser.page('/backups')).text).toContain('1h0m ago: pg_dump failed &lt;exit 1&gt;');
      expect(dashboard).toMatch(/<nav>[\s\S]*<a href="\/backups">Backups<\/a>[\s\S]*<\/nav>/);
    },
  );
});

describe('POST /backups/:app and /drill', () => {
  it('Given cigar without a DATABASE_URL, When "Back up now" is posted, Then its page says why with 409 and no dump runs', async () => {
    const response = await browser.submit('/backups/cigar', {});
    expect(response.status).toBe(409);
    const text = await response.text();
    expect(text).toContain('cigar has no database to back up');
    expect(text).toContain('<h1>Backups · cigar</h1>');
    expect(calls.flat()).not.toContain('pg_dump');
  });

  it(
    'Given a newest snapshot without row counts, When the drill is posted, ' +
      'Then the page shows a red ✗ with the reason, the scratch database is dropped, and the audit has it',
    async () => {
      const response = await browser.submit('/backups/cigar/drill', {});
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toContain(
        '<div class="error" id="outcome" role="alert"><p>✗ Restore drill of cigar, snapshot bbbbbbbb: ' +
          'FAILED: snapshot bbbbbbbb has no recorded row counts',
      );
      expect(calls.some((argv) => argv.includes('dropdb'))).toBe(true);
      const audit = await agent.deps.audit.recent();
      expect(audit.find((e) => e.action === 'backup.drill')).toMatchObject({ actor: 'admin', target: 'cigar', result: 'failed' });
      expect(text).toContain('<td class="bad" title="FAILED: snapshot bbbbbbbb has no recorded row counts to compare with">✗</td>');
    },
  );

  it('Given the restore form without the app name typed, When posted, Then 400 on the app page and nothing runs', async () => {
    const response = await browser.submit('/backups/cigar/restore', { snapshot: 'bbbbbbbb', confirm: 'tobacco' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Type cigar to confirm the restore: nothing was restored.');
    // Only the page's own listing ran.
    expect(calls.filter((argv) => !(argv[0] === 'restic' && argv[1] === 'snapshots'))).toEqual([]);
  });

  it(
    'Given the name typed and a snapshot, When the restore is posted, ' +
      'Then the restore service runs under the lock and the page tells what it did (here: refused, no database to restore)',
    async () => {
      const response = await browser.submit('/backups/cigar/restore', { snapshot: 'bbbbbbbb', confirm: 'cigar' });
      const text = await response.text();
      expect(text).toContain('<h1>Backups · cigar</h1>');
      expect(response.status).toBe(409);
      expect(text).toContain('<p><strong>cigar has no database to back up (no DATABASE_URL');
      expect(calls.flat()).not.toContain('pg_restore');
      const audit = await agent.deps.audit.recent();
      expect(audit.some((e) => e.action.startsWith('backup.restore') && e.target === 'cigar')).toBe(true);
    },
  );

  it.each(['/backups/cigar', '/backups/cigar/drill', '/backups/cigar/restore'])(
    'Given %s without the CSRF token, When posted, Then 403 and nothing runs',
    async (url) => {
      const response = await browser.submit(url, {}, { csrf: false });
      expect(response.status).toBe(403);
      expect(calls).toEqual([]);
    },
  );
});

describe('restore', () => {
  it(
    'Given a snapshot, When its restore page opens, ' +
      'Then it says what is replaced and kept, and the form asks for the name with the snapshot and CSRF token',
    async () => {
      const { status, text } = await browser.page('/backups/cigar/restore?snapshot=bbbbbbbb');
      expect(status).toBe(200);
      expect(text).toContain('<h1>Restore cigar from bbbbbbbb?</h1>');
      expect(text).toContain('This replaces the live database of <strong>cigar</strong> with snapshot <code>bbbbbbbb</code>');
      expect(text).toMatch(/a backup of what is live now is taken first, and the replaced database is kept/);
      expect(text).toContain('<form method="post" action="/backups/cigar/restore" id="restore-form">');
      expect(text).toContain(`<input type="hidden" name="snapshot" value="${NEW}">`);
      expect(text).toContain(`<input type="hidden" name="_csrf" value="${await browser.csrf()}">`);
      expect(text).toMatch(/<input name="confirm" required/);
    },
  );

  it.each([
    ['a snapshot of no app', 'cccccccc'],
    ['no snapshot', ''],
    ['a hostile id', '--help'],
  ])('Given %s, When the restore page opens, Then a 404 page naming the table', async (_, snapshot) => {
    const { status, text } = await browser.page(`/backups/cigar/restore?snapshot=${encodeURIComponent(snapshot)}`);
    expect(status).toBe(404);
    expect(text).toContain('Choose &quot;Restore…&quot; on a snapshot in the table.');
  });

  it('Given the restore form, When read back, Then only the app’s name typed exactly and a snapshot id make a request', () => {
    expect(restoreRequestOf({ confirm: ' cigar ', snapshot: NEW }, 'cigar')).toEqual({ snapshot: NEW });
    expect(() => restoreRequestOf({ confirm: 'Cigar', snapshot: NEW }, 'cigar')).toThrow(/Type cigar to confirm the restore/);
    expect(() => restoreRequestOf({ snapshot: NEW }, 'cigar')).toThrow(/nothing was restored/);
    expect(() => restoreRequestOf({ confirm: 'cigar', snapshot: '--help' }, 'cigar')).toThrow(/a restic snapshot id/);
  });
});
