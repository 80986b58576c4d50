/** parse_logs.sh edge cases: clean and empty servers, time windows, odd names and bytes, bad configuration. */
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OK, UNKNOWN, WARNING, makeTempDir, parseJson, removeDir, runTool, writeFile } from './helpers.js';
import { accessLine, ago, layout, nginxErrorLine, railsLine, type Report } from './log-lines.js';

let tmp: string;
beforeAll(() => {
  tmp = makeTempDir('parse-logs-edge');
});
afterAll(() => removeDir(tmp));

describe('parse_logs.sh edge cases', () => {
  it('Given clean logs, When run, Then it is OK (exit 0)', async () => {
    const l = layout(path.join(tmp, 'clean'));
    writeFile(l.appLog('cigar'), railsLine('I', ago(1), 'Completed 200 OK in 3ms'));
    writeFile(l.appLog('tobacco'), '');
    writeFile(path.join(l.nginxDir, 'error.log'), nginxErrorLine('notice', ago(1), 'signal process started'));
    writeFile(path.join(l.nginxDir, 'access.log'), accessLine(ago(1), 'GET / HTTP/1.1', 200));

    const run = await runTool('parse_logs.sh', [], { env: l.env });

    expect(run.code).toBe(OK);
    expect(run.stdout).toMatch(/^OK: no errors in 4 files/);
  });

  it('Given current/log is a symlink to shared/log (Capistrano layout), When run, Then the log is scanned once', async () => {
    const l = layout(path.join(tmp, 'capistrano'));
    writeFile(l.appLog('cigar'), railsLine('E', ago(1), 'Once only'));
    mkdirSync(path.join(l.appRoot, 'cigar', 'current'), { recursive: true });
    symlinkSync(path.join(l.appRoot, 'cigar', 'shared', 'log'), path.join(l.appRoot, 'cigar', 'current', 'log'));

    const run = await runTool('parse_logs.sh', ['--json'], { env: { ...l.env, HMS_APPS: 'cigar' } });
    const report = parseJson(run) as unknown as Report;

    expect(report.files.filter((f) => f.type === 'rails').map((f) => f.path)).toEqual([l.appLog('cigar')]);
    expect(report.total_errors).toBe(1);
  });

  it('Given no log file exists at all, When run, Then it is UNKNOWN (exit 3) and lists what it skipped', async () => {
    const l = layout(path.join(tmp, 'empty-server'));
    const run = await runTool('parse_logs.sh', [], { env: l.env });
    expect(run.code).toBe(UNKNOWN);
    expect(run.stdout).toMatch(/^UNKNOWN: no log file could be read/);
    expect(run.stdout).toContain('-- skipped');
    expect(run.stdout).toContain('nginx/error.log: not found');
  });

  it('Given --since 60, When old and recent errors are in the logs, Then only the recent ones count', async () => {
    const l = layout(path.join(tmp, 'since'));
    writeFile(
      l.appLog('cigar'),
      [
        railsLine('E', ago(180), 'Old failure 1'),
        railsLine('E', ago(120), 'Old failure 2'),
        "  old.rb:1:in `x' (RuntimeError)\n", // no timestamp: belongs to the old line above
        railsLine('E', ago(10), 'Recent failure'),
        "  app/models/user.rb:12:in `boom' (NoMethodError)\n", // no timestamp: belongs to the recent line
      ].join(''),
    );
    writeFile(
      path.join(l.nginxDir, 'error.log'),
      nginxErrorLine('error', ago(300), 'old upstream failure') + nginxErrorLine('error', ago(5), 'new upstream failure'),
    );
    writeFile(
      path.join(l.nginxDir, 'access.log'),
      accessLine(ago(90), 'GET /old HTTP/1.1', 503) + accessLine(ago(2), 'GET /new HTTP/1.1', 503),
    );

    const run = await runTool('parse_logs.sh', ['--since', '60', '--json'], { env: { ...l.env, HMS_APPS: 'cigar' } });
    const report = parseJson(run) as unknown as Report;

    expect(run.code).toBe(WARNING);
    expect(report.total_errors).toBe(4);
    expect(report.files.map((f) => [f.type, f.top.map((t) => t.message)])).toEqual([
      ['rails', ['Recent failure', "app/models/user.rb:N:in `boom' (NoMethodError)"]],
      ['nginx-error', ['[error] new upstream failure']],
      ['nginx-access', ['503 GET /new']],
    ]);
    const all = await runTool('parse_logs.sh', ['--json'], { env: { ...l.env, HMS_APPS: 'cigar' } });
    expect((parseJson(all) as unknown as Report).total_errors).toBe(9);
  });

  it('Given --since and a file larger than --window, When run, Then only the tail is read and the file is flagged truncated', async () => {
    const dir = path.join(tmp, 'window');
    const filler = railsLine('I', ago(5), `Started GET "/" ${'x'.repeat(200)}`).repeat(6000); // ~1.4 MB
    const file = writeFile(
      path.join(dir, 'production.log'),
      railsLine('E', ago(5), 'Early failure') + filler + railsLine('E', ago(5), 'Late failure'),
    );

    const run = await runTool('parse_logs.sh', ['--since', '60', '--window', '1', '--json', file]);
    const report = parseJson(run) as unknown as Report;

    expect(report.files[0]?.truncated).toBe(true);
    expect(report.files[0]?.top.map((t) => t.message)).toEqual(['Late failure']);
    const text = await runTool('parse_logs.sh', ['--since', '60', '--window', '1', file]);
    expect(text.stdout).toMatch(/\[truncated: only the last 1 MB of 1\.\d MB read\]/);
  });

  it('Given FILES with unhelpful names, When run, Then the log type is recognised from the content', async () => {
    const dir = path.join(tmp, 'sniff');
    const access = writeFile(path.join(dir, 'weird-name.txt'), accessLine(ago(1), 'GET /x HTTP/1.1', 504));
    const nginxErr = writeFile(path.join(dir, 'other.txt'), nginxErrorLine('alert', ago(1), 'worker process 12 exited on signal 9'));
    const missing = path.join(dir, 'missing.log');

    const run = await runTool('parse_logs.sh', ['--json', access, nginxErr, missing]);
    const report = parseJson(run) as unknown as Report;

    expect(report.files.map((f) => [f.type, f.top[0]?.message])).toEqual([
      ['nginx-access', '504 GET /x'],
      ['nginx-error', '[alert] worker process N exited on signal N'],
    ]);
    expect(report.skipped).toEqual([{ path: missing, reason: 'not found' }]);
  });

  it(
    'Given messages with quotes, backslashes, tabs, escape bytes and invalid UTF-8, ' + 'When run with --json, Then the JSON is valid',
    async () => {
      const dir = path.join(tmp, 'nasty');
      const file = writeFile(
        path.join(dir, 'production.log'),
        Buffer.concat([
          Buffer.from(railsLine('E', ago(1), 'Quote " backslash \\ tab \t bell \u0007 esc \u001b[31m red ü')),
          Buffer.from('E, [2024-01-01T00:00:00.1 #1] ERROR -- : bad bytes \xff\xfe here\n', 'latin1'),
        ]),
      );
      const run = await runTool('parse_logs.sh', ['--json', file]);
      const report = parseJson(run) as unknown as Report;
      const messages = report.files[0]?.top.map((t) => t.message) ?? [];
      expect(messages).toContain('Quote " backslash \\ tab   bell   esc  [Nm red ü');
      expect(messages.some((m) => m.startsWith('bad bytes'))).toBe(true);
    },
  );

  it.each([
    [['--since', 'abc'], "--since needs a non-negative integer, got 'abc'"],
    [['--since', '0'], '--since must be at least 1 minute'],
    [['--top', '-1'], "--top needs a non-negative integer, got '-1'"],
    [['--critical'], '--critical needs a value'],
    [['--bogus'], "unknown option '--bogus'"],
  ])('Given bad arguments %j, When run, Then it explains on stderr and exits 3', async (args, message) => {
    const run = await runTool('parse_logs.sh', args);
    expect(run.code).toBe(UNKNOWN);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });

  it.each(['Cigar', '../etc', 'cigar;id', 'a'.repeat(33), '9lives'])(
    'Given HMS_APPS contains the invalid app name %j, When run, Then it exits 3',
    async (bad) => {
      const run = await runTool('parse_logs.sh', [], { env: { HMS_APPS: `cigar ${bad}`, HMS_APP_ROOT: tmp, HMS_NGINX_LOG_DIR: tmp } });
      expect(run.code).toBe(UNKNOWN);
      expect(run.stderr).toContain('invalid app name');
    },
  );
});
