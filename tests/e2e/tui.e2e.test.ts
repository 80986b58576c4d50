/**
 * The control center as a person uses it: the built `hms` in a real terminal (a
 * private tmux server), against the agent in the disposable test server through
 * the SSH tunnel. Keys in, the screen read back.
 */
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthSchema } from '../../src/api/core.js';
import { HMS_BIN } from '../support/run-hms.js';
import { testServerSupport } from '../support/test-server.js';
import { SHELL_PROMPT, startTmux, tableRow, tmuxSupport, type Tmux } from '../support/tmux.js';
import { laptopFolder, startAgentContext, type AgentContext } from './agent-context.js';

const support = testServerSupport();
const terminal = tmuxSupport();

/** The cells of the overview row of `app`: marker, APP, STATE, SINCE, PID, MEMORY, RESTARTS, HEALTH, RELEASE. */
const unitRow = tableRow;

/** The log lines on screen (those tagged with a log's name). */
const logLines = (screen: string): string[] =>
  screen.split('\n').filter((line) => /^\d\d:\d\d:\d\d\.\d{3} (cigar:production|cigar:nginx)/.test(line));

const lastLine = (screen: string): string => screen.trimEnd().split('\n').at(-1) ?? '';

describe.skipIf(!support.ok || !terminal.ok)('hms (the control center) in a terminal, against a real server', () => {
  let ctx: AgentContext;
  let dir: string;
  let tmux: Tmux;
  const request = (page: string) => ctx.server.exec(['curl', '-s', '-o', '/dev/null', '-H', 'Host: cigar.test', `http://127.0.0.1${page}`]);
  /** After a restart puma takes a moment to boot: nginx answers 502 until it serves /up. */
  const appServes = () =>
    ctx.server.exec([
      'sh',
      '-c',
      'for i in $(seq 150); do curl -fs -o /dev/null -H "Host: cigar.test" http://127.0.0.1/up && exit 0; sleep 0.2; done; exit 1',
    ]);
  const nextEdit = (text: string) => writeFile(path.join(dir, 'next-edit.txt'), text);

  beforeAll(async () => {
    ctx = await startAgentContext();
    dir = await laptopFolder(ctx, 'hms-tui-e2e-', { apps: true });
    // The "editor" of these tests appends what next-edit.txt holds, as a person would type it.
    await writeFile(path.join(dir, 'editor.sh'), '#!/bin/sh\ncat "$(dirname "$0")/next-edit.txt" >> "$1"\n');
    await chmod(path.join(dir, 'editor.sh'), 0o755);
    tmux = await startTmux({
      cwd: dir,
      env: { HOME: dir, XDG_CONFIG_HOME: path.join(dir, '.xdg'), HMS_TOKEN: ctx.hosting.apiToken, EDITOR: path.join(dir, 'editor.sh') },
    });
  });
  afterAll(async () => {
    await tmux?.kill();
    await ctx?.close();
  });

  it('Given `hms` in a terminal, When it starts, Then the alternate screen shows both sample apps, nginx and the agent, live', async () => {
    await tmux.run(`node ${HMS_BIN}`);
    // tmux may be read while Ink is still writing a frame, so the wait asks for the whole table, not its first rows.
    const screen = await tmux.waitFor(
      (s) =>
        unitRow(s, 'cigar')?.[2] === '● active/running' &&
        unitRow(s, 'tobacco')?.[2] === '● active/running' &&
        unitRow(s, 'nginx') !== undefined &&
        /<r> restart\s+<s> stop\s+<S> start/.test(s),
    );
    expect(await tmux.display('#{alternate_on}')).toBe('1');
    expect(screen).toMatch(/● test connected · agent \S+ · updated \ds ago/);
    expect(unitRow(screen, 'nginx')).toBeDefined();
    expect(unitRow(screen, 'hms-agent') ?? unitRow(screen, 'agent')).toBeDefined();
    expect(unitRow(screen, 'cigar')![8]).toBe('20260101000000');
    expect(screen).toMatch(/<r> restart\s+<s> stop\s+<S> start/);
  });

  it('Given cigar selected, When r is confirmed with y, Then it restarts: a new pid, since starting again', async () => {
    const before = unitRow(await tmux.screen(), 'cigar')!;
    expect(before[0]).toBe('▶');
    await tmux.keys('r');
    await tmux.waitFor(/Restart cigar on test\?/);
    await tmux.keys('y');
    const screen = await tmux.waitFor(/restart cigar on test: active\/running \(pid \d+\)/, 60_000);
    const pid = /restart cigar on test: active\/running \(pid (\d+)\)/.exec(screen)![1]!;
    expect(pid).not.toBe(before[4]);
    const after = await tmux.waitFor((s) => unitRow(s, 'cigar')?.[4] === pid);
    expect(unitRow(after, 'cigar')![3]).toMatch(/^\d{1,2}s$/);
  });

  it(
    'Given l on cigar, When a page is requested, ' +
      "Then its puma line and its own nginx line appear, each tagged, and tobacco's requests do not",
    async () => {
      await tmux.keys('l');
      await tmux.waitFor(/Logs cigar on test .*following/);
      expect((await appServes()).code).toBe(0);
      const page = `/tui-e2e-${Date.now()}`;
      await ctx.server.exec(['curl', '-s', '-o', '/dev/null', '-H', 'Host: tobacco.test', `http://127.0.0.1${page}-tobacco`]);
      await request(page);
      const screen = await tmux.waitFor(
        (s) =>
          logLines(s).some((l) => l.includes(`cigar:production`) && l.includes(`GET "${page}"`)) &&
          logLines(s).some((l) => l.includes('cigar:nginx') && l.includes(`GET ${page}`)),
      );
      expect(screen).toMatch(/● cigar:production\s+● cigar:nginx/);
      expect(screen).not.toContain(`${page}-tobacco`);
    },
  );

  it('Given / and then /!, When filtering, Then only the matching lines show, then only the others', async () => {
    await request('/tui-e2e-filter');
    await tmux.waitFor((s) => s.includes('/tui-e2e-filter'));
    await tmux.keys('/');
    await tmux.type('tui-e2e-filter');
    await tmux.keys('Enter');
    let screen = await tmux.waitFor((s) => logLines(s).length > 0 && logLines(s).every((l) => l.includes('tui-e2e-filter')));
    expect(screen).toContain('/tui-e2e-filter');
    await tmux.keys('Escape');
    await tmux.keys('/');
    await tmux.type('!tui-e2e-filter');
    await tmux.keys('Enter');
    screen = await tmux.waitFor(
      (s) => s.includes('/!tui-e2e-filter') && logLines(s).length > 0 && logLines(s).every((l) => !l.includes('tui-e2e-filter')),
    );
    await tmux.keys('Escape');
  });

  it('Given space, When lines come while paused, Then they wait (+N new) and show on resume', async () => {
    await tmux.keys('Space');
    await tmux.waitFor(/PAUSED/);
    await request('/tui-e2e-paused');
    await tmux.waitFor(/PAUSED \+\d+ new/);
    expect(await tmux.screen()).not.toContain('/tui-e2e-paused');
    await tmux.keys('Space');
    await tmux.waitFor((s) => s.includes('following') && s.includes('/tui-e2e-paused'));
  });

  it('Given the agent stops, When it comes back, Then hms says reconnecting meanwhile and then follows again by itself', async () => {
    await ctx.server.exec(['systemctl', 'stop', 'hms-agent']);
    try {
      // The overview's poll and the log follower each notice on their own schedule.
      const reconnecting = /✗ test reconnecting in \d+s \(attempt \d+\)/;
      const lost = /hms\s+cigar:production: .*(reach|refused|lost the connection)/;
      await tmux.waitFor((s) => reconnecting.test(s) && lost.test(s));
    } finally {
      await ctx.server.exec(['systemctl', 'start', 'hms-agent']);
    }
    await tmux.waitFor(/● test connected/, 30_000);
    await request('/tui-e2e-after-restart');
    await tmux.waitFor((s) => logLines(s).some((l) => l.includes('GET "/tui-e2e-after-restart"')), 30_000);
  });

  it('Given a site edited in $EDITOR, When applied with y, Then the diff showed first and the server has it', async () => {
    await nextEdit('# edited in the tui e2e test\n');
    await tmux.keys('Escape');
    await tmux.keys(':');
    await tmux.type('configs');
    await tmux.keys('Enter');
    await tmux.waitFor(/nginx sites on test[\s\S]*▶ cigar/);
    await tmux.keys('e');
    await tmux.waitFor(/\+# edited in the tui e2e test/);
    expect(await tmux.display('#{alternate_on}')).toBe('1');
    await tmux.keys('a');
    await tmux.waitFor(/Apply the edited cigar on test/);
    await tmux.keys('y');
    await tmux.waitFor(/Applied cigar on test: nginx -t passed, nginx reloaded/, 30_000);
    const live = await ctx.server.exec(['cat', '/etc/nginx/sites-available/cigar']);
    expect(live.stdout).toContain('# edited in the tui e2e test');
  });

  it('Given an edit nginx refuses, When applied, Then nginx own words show in place and the live file is unchanged', async () => {
    await nextEdit('proxy_not_a_directive on;\n');
    await tmux.keys('e');
    await tmux.waitFor(/\+proxy_not_a_directive on;/);
    await tmux.keys('a');
    await tmux.waitFor(/Apply the edited cigar/);
    await tmux.keys('y');
    const screen = await tmux.waitFor(/nginx -t refused it \(422\)/, 30_000);
    expect(screen).toMatch(/unknown directive "proxy_not_a_directive"/);
    expect(screen).toMatch(/copy: \/.*hms-edit-.*cigar/);
    expect((await ctx.server.exec(['cat', '/etc/nginx/sites-available/cigar'])).stdout).not.toContain('proxy_not_a_directive');
  });

  it('Given ?, When pressed, Then the help lists the keys; Esc closes it', async () => {
    await tmux.keys('?');
    const screen = await tmux.waitFor(/Keys \(Esc or \? closes\)/);
    expect(screen).toMatch(/r\s+restart the selected app \(asks first\)/);
    expect(screen).toMatch(/Space\s+pause \/ resume/);
    await tmux.keys('Escape');
    await tmux.waitFor((s) => !s.includes('Keys (Esc'));
  });

  it('Given q, When pressed, Then hms exits and the terminal is restored: the prompt, no alternate screen', async () => {
    await tmux.keys('Escape', 'Escape', 'q');
    const screen = await tmux.waitFor((s) => lastLine(s) === SHELL_PROMPT.trim());
    expect(screen).not.toMatch(/Overview|<\?> help|nginx sites on/);
    expect(await tmux.display('#{alternate_on}')).toBe('0');
    expect(screen).toContain('Your edit that was not applied is kept in');
  });

  it('Given --readonly, When r is pressed, Then nothing is asked or done and the message says why', async () => {
    await tmux.run('clear');
    await tmux.run(`node ${HMS_BIN} --readonly`);
    const screen = await tmux.waitFor((s) => unitRow(s, 'cigar') !== undefined);
    expect(screen).toContain('READ-ONLY');
    expect(screen).not.toContain('<r> restart');
    const pid = unitRow(screen, 'cigar')![4];
    await tmux.keys('r');
    await tmux.waitFor(/read-only session \(--readonly\): cannot restart cigar on test/);
    expect(await tmux.screen()).not.toContain('y yes');
    expect(unitRow(await tmux.screen(), 'cigar')![4]).toBe(pid);
    await tmux.keys('q');
    await tmux.waitFor((s) => lastLine(s) === SHELL_PROMPT.trim());
  });

  it('Given vim as $EDITOR, When a line is typed in it, Then every key reached vim and the diff shows the line', async () => {
    await tmux.run('clear');
    await tmux.run(`EDITOR='vim -u NONE -N -n' node ${HMS_BIN}`);
    await tmux.waitFor((s) => unitRow(s, 'cigar') !== undefined);
    await tmux.keys(':');
    await tmux.type('configs');
    await tmux.keys('Enter', 'j');
    await tmux.waitFor(/▶ tobacco/);
    await tmux.keys('e');
    await tmux.waitFor((s) => s.includes('tobacco') && s.includes('upstream'), 20_000);
    expect(await tmux.display('#{alternate_on}')).toBe('1');
    // G first: had hms kept the first key, the line would land after line 1.
    await tmux.keys('G', 'o');
    await tmux.type('# typed in vim');
    await tmux.keys('Escape');
    await tmux.type(':wq');
    await tmux.keys('Enter');
    const screen = await tmux.waitFor(/\+# typed in vim/);
    const lines = screen.split('\n');
    const added = lines.findIndex((l) => l.startsWith('+# typed in vim'));
    expect(lines[added - 1]).toMatch(/^ \}/);
    expect(screen).toContain('tobacco on test: your edit');
  });

  it(
    'Given the agent screen, When u is confirmed, ' +
      'Then the agent restarts into this hms build, the screen shows it active, and the overview stays live',
    async () => {
      await tmux.keys('A');
      await tmux.waitFor(/Agent on test running 20260101000000 · current 20260101000000/);
      const release = /This hms carries agent (\S+)\./.exec(await tmux.waitFor(/This hms carries agent \S+\./))![1]!;
      await tmux.keys('u');
      await tmux.waitFor(/Send this hms's agent to test and switch to it \(health-checked, rolled back on failure\)\?/);
      await tmux.keys('y');
      const done = await tmux.waitFor((s) => s.includes(`test now runs agent ${release} (was 20260101000000).`), 120_000);
      expect(done).toContain(`Uploading agent release ${release} to test…`);
      expect(done).toContain(`Switching test to ${release} (health-checked, rolled back on failure)…`);
      await tmux.waitFor(
        (s) => s.includes(`running ${release} · current ${release}`) && s.includes(`Last update: ${release} active (from 20260101000000)`),
        30_000,
      );
      expect(healthSchema.parse((await ctx.api('GET', '/api/health')).json).release).toBe(release);

      await tmux.keys(':');
      await tmux.type('overview');
      await tmux.keys('Enter');
      await tmux.waitFor((s) => /● test connected/.test(s) && unitRow(s, 'cigar')?.[2] === '● active/running', 30_000);
      await ctx.server.exec(['systemctl', 'stop', 'cigar']);
      await tmux.waitFor((s) => unitRow(s, 'cigar')?.[2] === '✗ inactive/dead', 30_000);
      await ctx.server.exec(['systemctl', 'start', 'cigar']);
      await tmux.waitFor((s) => unitRow(s, 'cigar')?.[2] === '● active/running', 30_000);
    },
  );

  it('Given hms running, When it gets SIGTERM, Then the terminal is restored and it exits 143', async () => {
    const pid = await tmux.foregroundPid();
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGTERM');
    const screen = await tmux.waitFor((s) => lastLine(s) === SHELL_PROMPT.trim());
    expect(screen).not.toMatch(/Overview|<\?> help|your edit/);
    expect(await tmux.display('#{alternate_on}')).toBe('0');
    await tmux.run('echo "exit=$?"');
    await tmux.waitFor(/exit=143/);
  });
});
