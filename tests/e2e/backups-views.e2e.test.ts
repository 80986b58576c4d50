/**
 * Backups from the control center as a person takes them: `hms full-deploy` of a bare
 * server with cigar on PostgreSQL (tests/e2e/postgres-laptop.ts), then the built
 * `hms` in a real terminal (a private tmux server): B on cigar, b backs up now and t
 * runs a restore drill, each with its progress and then its result in colour; R asks
 * what a restore replaces. A failing backup shows red. Then the same server's pages in
 * headless Chromium through nginx's TLS vhost that `full-deploy` made: the dashboard's
 * Backups cell, the Backups page, Back up now, Run restore drill, a restore's confirmation.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exec } from '../../src/platform/exec.js';
import { chromiumSupport, launchBrowser, type TestBrowser } from '../support/browser.js';
import { HMS_BIN } from '../support/run-hms.js';
import { testServerSupport } from '../support/test-server.js';
import { SHELL_PROMPT, startTmux, tableRow, tmuxSupport, type Tmux } from '../support/tmux.js';
import { postgresLaptop } from './postgres-laptop.js';

const support = testServerSupport();
const terminal = tmuxSupport();
const chromium = chromiumSupport();
const ARTIFACTS = path.resolve('test-artifacts');
/** A backup or a drill of a small database on a busy machine. */
const TASK_MS = 120_000;

const lastLine = (screen: string): string => screen.trimEnd().split('\n').at(-1) ?? '';

describe.skipIf(!support.ok || !terminal.ok)('backups from the control center and the browser', { timeout: 900_000 }, () => {
  const laptop = postgresLaptop('hms-backup-views-', { deployable: true });
  const { hms } = laptop;
  let tmux: Tmux | undefined;
  let browser: TestBrowser | undefined;
  const term = () => tmux!;
  const asPostgres = (sql: string) => laptop.server.exec(['runuser', '-u', 'postgres', '--', 'psql', '-X', '-tA', '-c', sql]);
  const { asApp } = laptop;
  /** The screen with its colours (SGR escapes), to tell green from red. */
  const colouredLine = async (text: string): Promise<string | undefined> => {
    const result = await exec(['tmux', '-L', term().socket, 'capture-pane', '-e', '-p'], { timeoutMs: 10_000 });
    return result.stdout.split('\n').find((line) => line.includes(text));
  };

  afterAll(async () => {
    await tmux?.kill();
    await browser?.close();
  });

  const count = async (table: string) => (await asApp(`SELECT count(*) FROM ${table}`)).stdout.trim();

  it('Given a bare server, When `hms full-deploy test` and `hms deploy cigar` run and rows are written, Then cigar has them', async () => {
    const run = await hms(['full-deploy', 'test']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const deploy = await hms(['deploy', 'cigar']);
    expect(deploy.code, deploy.stderr + deploy.stdout.slice(-2000)).toBe(0);
    const write = await asApp(
      "CREATE TABLE items (id serial PRIMARY KEY, name text); INSERT INTO items (name) VALUES ('a'), ('b'), ('c'); " +
        'CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2);',
    );
    expect(write.code, write.stderr).toBe(0);
  });

  it(
    'Given `hms` on the overview with cigar selected, When B is pressed, ' +
      'Then cigar’s snapshots open (the one its deploy took before migrating), with the keys to back up, drill and restore',
    async () => {
      tmux = await startTmux({
        cwd: laptop.dir,
        env: { HOME: laptop.dir, XDG_CONFIG_HOME: `${laptop.dir}/.xdg`, HMS_NO_KEYCHAIN: '1' },
      });
      await term().run(`node ${HMS_BIN}`);
      await term().waitFor((s) => tableRow(s, 'cigar') !== undefined, 30_000);
      while (tableRow(await term().screen(), 'cigar')?.[0] !== '▶') await term().keys('j');
      await term().keys('B');
      const screen = await term().waitFor(/▶ [0-9a-f]{8}\s+\d+[sm] ago\s+pre-migration\s/);
      expect(screen).toContain('cigar on test database snapshots, newest first');
      expect(screen).toMatch(/<b> back up now\s+<t> drill\s+<R> restore/);
    },
  );

  it(
    'Given cigar’s snapshots, When b is pressed, ' +
      'Then a spinner counts the seconds, then a green ✓ line names the snapshot, and its row shows its 7 rows, not drilled',
    async () => {
      await term().keys('b');
      await term().waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] backing up cigar on test… \d+ s/, TASK_MS, 20);
      const done = await term().waitFor(/✓ Backup of cigar: snapshot [0-9a-f]{8} in [\d.]+ s/, TASK_MS);
      const id = /✓ Backup of cigar: snapshot ([0-9a-f]{8})/.exec(done)![1]!;
      expect(done).toMatch(/rows: .*items 3, orders 2/);
      expect(await colouredLine('✓ Backup of cigar')).toMatch(/\x1b\[32m/);
      // items 3, orders 2, and the app's own: schema_migrations 1, ar_internal_metadata 1, visits 0.
      const row = await term().waitFor(new RegExp(`▶ ${id}\\s+\\d+s ago\\s+manual\\s+\\S+\\s+\\S+\\s+7\\s+–`));
      expect(row).not.toContain('backing up');
    },
  );

  it(
    'Given a snapshot, When t is pressed, ' +
      'Then the drill runs with its seconds counted, ends green with equal row counts, and the row shows ✓',
    async () => {
      await term().keys('t');
      await term().waitFor(/running a restore drill of cigar on test… \d+ s/, TASK_MS, 20);
      await term().waitFor(/✓ Restore drill of cigar, snapshot [0-9a-f]{8}: restored into a scratch database, row counts equal/, TASK_MS);
      expect(await colouredLine('✓ Restore drill of cigar')).toMatch(/\x1b\[32m/);
      await term().waitFor(/▶ [0-9a-f]{8}\s+\S+ ago\s+manual\s+\S+\s+\S+\s+7\s+✓/);
      expect((await asPostgres("SELECT count(*) FROM pg_database WHERE datname LIKE 'hms_drill_%'")).stdout.trim()).toBe('0');
    },
  );

  it('Given the selected snapshot, When R is pressed, Then y/N says what is replaced and kept; n does nothing', async () => {
    await term().keys('R');
    const asked = await term().waitFor(/Restore cigar on test from snapshot [0-9a-f]{8}\? It replaces the live database of cigar/);
    expect(asked).toMatch(/what is live now is backed up first and kept\. y\/N/);
    expect(asked).toMatch(/y yes {3}n \/ Esc no/);
    await term().keys('n');
    await term().waitFor(/Nothing done\./);
    expect(await count('items')).toBe('3');
  });

  it(
    'Given rows written after the snapshot, When R then y is pressed, Then seconds are counted while it runs, ' +
      'then a green ✓ with its steps and what is kept, and the rows are those of the snapshot',
    async () => {
      expect((await asApp("INSERT INTO items (name) VALUES ('after')")).code).toBe(0);
      expect(await count('items')).toBe('4');
      await term().keys('R');
      await term().waitFor(/y\/N/);
      await term().keys('y');
      // Each step as the agent streams it, under the seconds.
      await term().waitFor(
        /restoring cigar on test from [0-9a-f]{8}… \d+ s · (backing up what is live|restoring backup|swapping)/,
        TASK_MS,
        20,
      );
      const done = await term().waitFor(/✓ cigar restored from snapshot [0-9a-f]{8} in [\d.]+ s \(503 for [\d.]+ s\)/, TASK_MS);
      expect(await colouredLine('✓ cigar restored')).toMatch(/\x1b\[32m/);
      expect(done).toMatch(/the replaced database is kept as cigar_before_restore_\d{14}/);
      expect(done).toMatch(/safety backup of what was live: snapshot [0-9a-f]{8}/);
      expect(await count('items')).toBe('3');
      expect(await count('orders')).toBe('2');
      const kept = (await asPostgres("SELECT datname FROM pg_database WHERE datname LIKE 'cigar_before_restore_%'")).stdout.trim();
      expect(kept).toMatch(/^cigar_before_restore_\d{14}$/);
      // The safety backup is listed with the others: what was live is not lost.
      await term().waitFor(/[0-9a-f]{8}\s+\S+ ago\s+pre-restore\s/);
    },
  );

  let snapshotsBefore = 0;
  const snapshotRows = (screen: string) => screen.split('\n').filter((line) => /^[▶ ] [0-9a-f]{8}\s/.test(line)).length;

  it('Given the database renamed away, When b is pressed, Then a red ✗ line says why and no snapshot is added', async () => {
    // The app holds connections to its database: stopped while it is renamed away.
    expect((await laptop.server.exec(['systemctl', 'stop', 'cigar.service'])).code).toBe(0);
    expect((await asPostgres('ALTER DATABASE cigar RENAME TO cigar_away')).code).toBe(0);
    try {
      snapshotsBefore = snapshotRows(await term().screen());
      await term().keys('b');
      await term().waitFor(/✗ Backup of cigar failed after [\d.]+ s: \S/, TASK_MS);
      expect(await colouredLine('✗ Backup of cigar failed')).toMatch(/\x1b\[31m/);
    } finally {
      expect((await asPostgres('ALTER DATABASE cigar_away RENAME TO cigar')).code).toBe(0);
      expect((await laptop.server.exec(['systemctl', 'start', 'cigar.service'])).code).toBe(0);
    }
    expect(snapshotRows(await term().screen())).toBe(snapshotsBefore);
  });

  it('Given Esc and q, When pressed, Then the apps with a database are listed, and hms exits restoring the terminal', async () => {
    await term().keys('Escape');
    await term().waitFor(/Backups on test[\s\S]*▶ cigar/);
    expect(await term().screen()).not.toMatch(/^\s+tobacco$/m);
    await term().keys('q');
    await term().waitFor((s) => lastLine(s) === SHELL_PROMPT.trim());
    expect(await term().display('#{alternate_on}')).toBe('0');
  });

  it(
    'Given the shell in the same terminal, When `hms console cigar` runs, Then the Rails console prompts, answers from the ' +
      "app's database, Ctrl-C goes to it and Ctrl-D ends it, and the terminal is as it was; the opening is audited",
    async () => {
      await term().run('clear; stty -g > stty.before');
      const started = Date.now();
      await term().run(`node ${HMS_BIN} console cigar`);
      const prompt = await term().waitFor(/irb\(main\):001:0>\s*$|^\S*\(prod\)>\s*$/m, 60_000, 20);
      const toPrompt = Date.now() - started;
      console.log(`[console] hms console to the first prompt: ${toPrompt} ms`);
      expect(prompt).not.toMatch(/^\d+$/m);
      await term().type('Item = Class.new(ApplicationRecord) { self.table_name = "items" }; Item.count * 1000');
      await term().keys('Enter');
      await term().waitFor(/=> 3000/, 30_000);
      // Ctrl-C reaches the console (irb drops the line), not hms: the session goes on.
      await term().type('sleep 30');
      await term().keys('C-c');
      await term().type('ENV.fetch("DATABASE_URL").start_with?("postgres://")');
      await term().keys('Enter');
      await term().waitFor(/=> true/, 30_000);
      await term().keys('C-d');
      await term().waitFor((s) => lastLine(s) === SHELL_PROMPT.trim(), 30_000);
      await term().run('stty -g > stty.after; cmp stty.before stty.after && echo TERMINAL-RESTORED');
      await term().waitFor(/^TERMINAL-RESTORED$/m);
      expect((await hms(['audit', '--json'])).stdout).toMatch(/"action":\s*"app\.console"/);
      expect((await laptop.server.exec(['find', '/run/hms-consoles', '-type', 'f'])).stdout.trim()).toBe('');
    },
  );

  describe.skipIf(!chromium.ok)('in the browser', () => {
    const page = () => browser!.page;
    const shot = (name: string) => page().screenshot({ path: path.join(ARTIFACTS, `backups-${name}.png`), fullPage: true });
    let base = '';

    it('Given the admin logged in over TLS, When the dashboard opens, Then cigar’s Backups cell is red: failed', async () => {
      await mkdir(ARTIFACTS, { recursive: true });
      const secrets = (await laptop.secrets()) as unknown as {
        hosting_management: { admin_password: string };
        ssl_config?: { hosting?: { domain?: string } };
      };
      const domain = secrets.ssl_config?.hosting?.domain ?? 'hosting.remoteds.us';
      base = `https://${domain}`;
      browser = await launchBrowser({ domain, address: laptop.server.host });
      await page().goto(`${base}/`);
      await page().fill('input[name=username]', 'admin');
      await page().fill('input[name=password]', secrets.hosting_management.admin_password);
      await Promise.all([page().waitForURL(`${base}/`), page().click('button:has-text("Log in")')]);
      const cell = page().locator('td:has(a[href="/backups/cigar"])');
      expect(await cell.getAttribute('class')).toBe('bad');
      expect(await cell.textContent()).toMatch(/^failed .+ ago$/);
      expect(await page().locator('nav a[href="/backups"]').count()).toBe(1);
      await shot('01-dashboard');
    }, 60_000);

    it('Given cigar’s Backups page, When "Back up now" is pressed, Then a green notice names the new snapshot, listed first', async () => {
      await page().click('nav a[href="/backups"]');
      await Promise.all([page().waitForURL(`${base}/backups/cigar`), page().click('a[href="/backups/cigar"] >> nth=0')]);
      const before = await page().locator('#snapshots tr[id^="snapshot-"]').count();
      await page().click('button:has-text("Back up now")');
      const notice = await page().locator('.notice#outcome', { hasText: 'Backup of cigar' }).textContent({ timeout: 120_000 });
      const id = /✓ Backup of cigar: snapshot ([0-9a-f]{8}) in/.exec(notice ?? '')?.[1];
      expect(id, notice ?? '').toBeDefined();
      expect(await page().locator(`#snapshot-${id} td`).nth(2).textContent()).toBe('manual');
      expect(await page().locator(`#snapshot-${id} td`).nth(5).textContent()).toBe('7');
      expect(await page().locator('#snapshots tr[id^="snapshot-"]').count()).toBe(before + 1);
      expect(await page().locator('#snapshots tr[id^="snapshot-"]').first().getAttribute('id')).toBe(`snapshot-${id}`);
      await shot('02-backed-up');
    }, 180_000);

    it('Given the new snapshot, When "Run restore drill" is pressed, Then a green notice says it passed and its row shows ✓', async () => {
      await page().click('button:has-text("Run restore drill")');
      const notice = await page().locator('.notice#outcome', { hasText: 'Restore drill' }).textContent({ timeout: 120_000 });
      expect(notice).toMatch(/✓ Restore drill of cigar, snapshot [0-9a-f]{8}: passed/);
      const drill = page().locator('#snapshots tr[id^="snapshot-"]').first().locator('td').nth(6);
      expect(await drill.textContent()).toBe('✓');
      expect(await drill.getAttribute('class')).toBe('ok');
      expect(await page().textContent('#backup-status')).toMatch(/Last good backup: \d+s ago, drill ✓/);
      await shot('03-drilled');
    }, 180_000);

    it('Given a snapshot, When "Restore…" is followed, Then the confirmation says what is replaced and asks for the name', async () => {
      await Promise.all([page().waitForURL(/\/backups\/cigar\/restore\?snapshot=/), page().click('a:has-text("Restore…") >> nth=0')]);
      expect(await page().textContent('h1')).toMatch(/^Restore cigar from [0-9a-f]{8}\?$/);
      expect(await page().textContent('#restore-form')).toMatch(/This replaces the live database of cigar/);
      expect(await page().getAttribute('input[name=confirm]', 'required')).not.toBeNull();
      await shot('04-restore-confirm');
      await page().goto(`${base}/`);
      expect(await page().locator('td:has(a[href="/backups/cigar"])').getAttribute('class')).toBe('ok');
      await page().goto(`${base}/audit`);
      expect(await page().locator('tr', { hasText: 'backup.drill' }).first().textContent()).toMatch(/admin/);
      expect(browser!.blocked).toEqual([]);
    }, 60_000);

    it('Given rows written since the newest snapshot, When its restore is confirmed by typing the name, ' +
      'Then the page says it is live, with its steps and what is kept, the rows are the snapshot’s, and the audit has it', async () => {
      expect((await asApp("INSERT INTO items (name) VALUES ('web')")).code).toBe(0);
      const before = Number(await count('items'));
      await page().goto(`${base}/backups/cigar`);
      await Promise.all([page().waitForURL(/\/backups\/cigar\/restore\?snapshot=/), page().click('a:has-text("Restore…") >> nth=0')]);
      const wrong = page().locator('input[name=confirm]');
      await wrong.fill('tobacco');
      await page().click('button:has-text("Restore cigar from")');
      expect(await page().locator('.error[role=alert]', { hasText: 'Type cigar to confirm' }).count()).toBe(1);
      expect(Number(await count('items'))).toBe(before);

      await page().goBack();
      await page().fill('input[name=confirm]', 'cigar');
      await page().click('button:has-text("Restore cigar from")');
      const notice = await page().locator('.notice#outcome', { hasText: 'is live' }).textContent({ timeout: 240_000 });
      expect(notice).toMatch(/✓ cigar: backup [0-9a-f]{8} is live \([\d.]+ s; 503 for [\d.]+ s\)/);
      expect(notice).toMatch(/the replaced database is kept as cigar_before_restore_\d{14}/);
      expect(Number(await count('items'))).toBe(before - 1);
      await shot('05-restored');
      await page().goto(`${base}/audit`);
      expect(await page().locator('tr', { hasText: 'backup.restore' }).first().textContent()).toMatch(/admin/);
      expect(browser!.blocked).toEqual([]);
    }, 300_000);
  });
});
