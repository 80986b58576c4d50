/**
 * parse_logs.sh against real generated Rails and nginx logs in temp dirs,
 * including a ~200 MB log to check that memory stays bounded (streaming).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, symlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CRITICAL,
  OK,
  UNKNOWN,
  WARNING,
  accessTime,
  makeTempDir,
  nginxErrorTime,
  parseJson,
  railsTime,
  removeDir,
  runTool,
  which,
  writeFile,
  writeStub,
} from './helpers.js';

interface FileReport {
  path: string;
  type: string;
  errors: number;
  severe: number;
  truncated: boolean;
  top: { count: number; message: string }[];
}
interface Report {
  status: string;
  exit_code: number;
  total_errors: number;
  total_severe: number;
  files: FileReport[];
  skipped: { path: string; reason: string }[];
}

const ago = (minutes: number): Date => new Date(Date.now() - minutes * 60_000);

function railsLine(sev: 'I' | 'W' | 'E' | 'F', when: Date, message: string, reqId = 'a1b2c3d4-0000-4000-8000-123456789abc'): string {
  const level = { I: 'INFO', W: 'WARN', E: 'ERROR', F: 'FATAL' }[sev];
  return `${sev}, [${railsTime(when)}.123456 #4242] ${level.padStart(5)} -- : [${reqId}] ${message}\n`;
}
function nginxErrorLine(level: string, when: Date, message: string): string {
  return `${nginxErrorTime(when)} [${level}] 811#811: *${Math.floor(Math.random() * 1e6)} ${message}, client: 203.0.113.7, server: cigar.example, request: "GET /orders/12 HTTP/1.1", host: "cigar.example"\n`;
}
function accessLine(when: Date, request: string, status: number, bytes = 512): string {
  return `203.0.113.7 - - [${accessTime(when)}] "${request}" ${status} ${bytes} "-" "Mozilla/5.0 (X11; Linux x86_64)"\n`;
}

/** A server layout: $root/www/<app>/shared/log/production.log and $root/nginx/*.log */
function layout(root: string) {
  return {
    appRoot: path.join(root, 'www'),
    nginxDir: path.join(root, 'nginx'),
    appLog: (app: string, dir = 'shared') => path.join(root, 'www', app, dir, 'log', 'production.log'),
    env: { HMS_APP_ROOT: path.join(root, 'www'), HMS_NGINX_LOG_DIR: path.join(root, 'nginx'), HMS_APPS: 'cigar tobacco' },
  };
}

let tmp: string;
beforeAll(() => {
  tmp = makeTempDir('parse-logs');
});
afterAll(() => removeDir(tmp));

describe('parse_logs.sh on a server with errors in its logs', () => {
  let env: Record<string, string>;
  let cigarLog: string;
  beforeAll(() => {
    const l = layout(path.join(tmp, 'server1'));
    env = l.env;
    const now = ago(1);
    cigarLog = writeFile(
      l.appLog('cigar'),
      [
        railsLine('I', now, 'Started GET "/users/12" for 203.0.113.7 at 2024-01-02 10:00:00 +0000'),
        railsLine('E', now, "Couldn't find User with 'id'=12"),
        railsLine('E', now, "Couldn't find User with 'id'=4711", 'ffffffff-1111-4111-8111-000000000001'),
        railsLine('E', now, "Couldn't find User with 'id'=99"),
        railsLine('F', now, "NoMethodError (undefined method `name' for nil:NilClass):"),
        railsLine('I', now, 'Completed 500 Internal Server Error in 12ms (Views: 1.0ms | ActiveRecord: 1.2ms | Allocations: 344)'),
        railsLine('I', now, 'Completed 200 OK in 3ms (Views: 1.0ms | ActiveRecord: 0.2ms)'),
        railsLine('I', now, 'ActionController::RoutingError (No route matches [GET] "/wp-login.php"):'),
        railsLine('I', now, 'Processing by ErrorsController#show as HTML'),
        railsLine('W', now, 'ERRORS_TOTAL is not a word match'),
      ].join(''),
    );
    // tobacco only has current/log (no shared/): still found
    writeFile(l.appLog('tobacco', 'current'), railsLine('E', now, 'Redis::CannotConnectError: Error connecting to Redis on 10.0.0.5:6379'));
    writeFile(
      path.join(l.nginxDir, 'error.log'),
      [
        nginxErrorLine('error', now, 'connect() failed (111: Connection refused) while connecting to upstream'),
        nginxErrorLine('error', now, 'connect() failed (111: Connection refused) while connecting to upstream'),
        nginxErrorLine('crit', now, 'SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking'),
        nginxErrorLine('emerg', now, 'bind() to 0.0.0.0:443 failed (98: Address already in use)'),
        nginxErrorLine('notice', now, 'signal process started'),
        nginxErrorLine('warn', now, 'an upstream response is buffered to a temporary file'),
      ].join(''),
    );
    writeFile(
      path.join(l.nginxDir, 'access.log'),
      [
        accessLine(now, 'GET /orders/12?page=2 HTTP/1.1', 502),
        accessLine(now, 'GET /orders/13 HTTP/1.1', 502),
        accessLine(now, 'POST /checkout HTTP/2.0', 500),
        accessLine(now, 'GET /orders/14 HTTP/1.1', 200, 500), // 500 is the body size here, not the status
        accessLine(now, 'GET /missing HTTP/1.1', 404),
      ].join(''),
    );
  });

  it('Given errors in Rails and nginx logs, When run, Then it warns (exit 1) and counts them per file', async () => {
    const run = await runTool('parse_logs.sh', [], { env });

    expect(run.code).toBe(WARNING);
    expect(run.stdout).toMatch(/^WARNING: 14 error lines \(6 severe\) in 4 files/);
    expect(run.stdout).toContain(`== ${cigarLog} (rails): 6 error lines, 2 severe`);
    expect(run.stdout).toMatch(/nginx\/error\.log \(nginx-error\): 4 error lines, 1 severe/);
    expect(run.stdout).toMatch(/nginx\/access\.log \(nginx-access\): 3 error lines, 3 severe/);
    expect(run.stdout).toMatch(/tobacco\/current\/log\/production\.log \(rails\): 1 error lines/);
  });

  it('Given similar messages that differ in ids and numbers, When run, Then they are grouped with N', async () => {
    const run = await runTool('parse_logs.sh', ['--json'], { env });
    const report = parseJson(run) as unknown as Report;

    const rails = report.files.find((f) => f.path === cigarLog);
    expect(rails?.top[0]).toEqual({ count: 3, message: "Couldn't find User with 'id'=N" });
    expect(rails?.top.map((t) => t.message)).toEqual(
      expect.arrayContaining([
        'Completed 500 Internal Server Error',
        "NoMethodError (undefined method `name' for nil:NilClass):",
        'ActionController::RoutingError (No route matches [GET] "/wp-login.php"):',
      ]),
    );
    const nginx = report.files.find((f) => f.type === 'nginx-error');
    expect(nginx?.top[0]).toEqual({ count: 2, message: '[error] connect() failed (N: Connection refused) while connecting to upstream' });
    expect(nginx?.top.map((t) => t.message)).toContain('[emerg] bind() to N failed (N: Address already in use)');
    const access = report.files.find((f) => f.type === 'nginx-access');
    expect(access?.top).toEqual([
      { count: 2, message: '502 GET /orders/N' },
      { count: 1, message: '500 POST /checkout' },
    ]);
  });

  it('Given --top 1, When run, Then only the most frequent message per file is listed', async () => {
    const run = await runTool('parse_logs.sh', ['--top', '1', '--json'], { env });
    const report = parseJson(run) as unknown as Report;
    for (const file of report.files) expect(file.top.length).toBeLessThanOrEqual(1);
    expect(report.files.find((f) => f.path === cigarLog)?.top).toEqual([{ count: 3, message: "Couldn't find User with 'id'=N" }]);
  });

  it('Given more severe lines than --critical, When run, Then it is CRITICAL (exit 2); at the threshold it only warns', async () => {
    const above = await runTool('parse_logs.sh', ['--critical', '5'], { env });
    expect(above.code).toBe(CRITICAL);
    expect(above.stdout).toMatch(/^CRITICAL: 14 error lines, 6 severe \(5xx\/FATAL\/emerg\) > --critical 5/);

    const atThreshold = await runTool('parse_logs.sh', ['--critical', '6'], { env });
    expect(atThreshold.code).toBe(WARNING);
  });

  it('Given a missing app log, When run, Then it is reported as skipped, not a crash', async () => {
    const run = await runTool('parse_logs.sh', ['--json'], { env: { ...env, HMS_APPS: 'cigar ghost' } });
    const report = parseJson(run) as unknown as Report;
    expect(run.code).toBe(WARNING);
    expect(report.skipped).toEqual([
      expect.objectContaining({ path: expect.stringContaining('/ghost/shared/log/production.log'), reason: expect.stringContaining('not found') }),
    ]);
    const text = await runTool('parse_logs.sh', [], { env: { ...env, HMS_APPS: 'cigar ghost' } });
    expect(text.stdout).toMatch(/^-- skipped .*ghost\/shared\/log\/production\.log: not found/m);
  });
});

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
    writeFile(path.join(l.nginxDir, 'access.log'), accessLine(ago(90), 'GET /old HTTP/1.1', 503) + accessLine(ago(2), 'GET /new HTTP/1.1', 503));

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
    const file = writeFile(path.join(dir, 'production.log'), railsLine('E', ago(5), 'Early failure') + filler + railsLine('E', ago(5), 'Late failure'));

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

  it('Given messages with quotes, backslashes, tabs, escape bytes and invalid UTF-8, When run with --json, Then the JSON is valid', async () => {
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
  });

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

describe('parse_logs.sh on a large (~200 MB) log', () => {
  const LINES_PER_CHUNK = 4000;
  const ERRORS_PER_CHUNK = 40;
  let file: string;
  let chunks = 0;

  beforeAll(() => {
    // One chunk of realistic request logging (~0.9 MB) with 40 errors and 4 FATALs, written ~220 times.
    const t = ago(30);
    let chunk = '';
    for (let i = 0; i < LINES_PER_CHUNK; i++) {
      const id = `req-${i}`;
      chunk += railsLine('I', t, `Started GET "/users/${i}" for 203.0.113.${i % 255} at 2024-01-02 10:00:00 +0000`, id);
      chunk += railsLine('I', t, `  Parameters: {"id"=>"${i}", "page"=>"${i % 7}"}`, id);
      if (i % 100 === 0) chunk += railsLine('E', t, `Couldn't find Order with 'id'=${i}`, id);
      if (i % 1000 === 0) chunk += railsLine('F', t, `PG::ConnectionBad (connection to server on socket failed: No such file ${i})`, id);
    }
    const buf = Buffer.from(chunk);
    file = path.join(tmp, 'large', 'production.log');
    writeFile(file, '');
    const fd = openSync(file, 'w');
    try {
      while (chunks * buf.length < 200 * 1024 * 1024) {
        writeSync(fd, buf);
        chunks++;
      }
    } finally {
      closeSync(fd);
    }
  }, 120_000);

  afterAll(() => removeDir(path.dirname(file)));

  it('Given a ~200 MB production.log, When scanned, Then every error is counted and max RSS stays small', async (ctx) => {
    const expectedErrors = chunks * (ERRORS_PER_CHUNK + 4);
    const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
    const rssFile = path.join(tmp, 'large-rss.txt');

    const run = await runTool('parse_logs.sh', ['--json', file], { prefix: timeBin ? [timeBin, '-v', '-o', rssFile] : undefined, timeoutMs: 300_000 });
    const report = parseJson(run) as unknown as Report;

    // (4 FATALs per chunk: far above the default --critical 100)
    expect(run.code).toBe(CRITICAL);
    expect(report.total_errors).toBe(expectedErrors);
    expect(report.total_severe).toBe(chunks * 4);
    expect(report.files[0]?.top[0]).toEqual({ count: chunks * ERRORS_PER_CHUNK, message: "Couldn't find Order with 'id'=N" });

    if (!timeBin) ctx.skip('/usr/bin/time is not installed: max RSS not measured');
    const timeReport = readFileSync(rssFile, 'utf8');
    if (!/Maximum resident set size/.test(timeReport)) ctx.skip(`/usr/bin/time -v does not report max RSS here: ${timeReport.slice(0, 200)}`);
    const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(timeReport)?.[1]);
    console.log(`[parse_logs] max RSS ${rssKb} KB while scanning ${(statSync(file).size / 1048576).toFixed(0)} MB`);
    expect(rssKb).toBeGreaterThan(0);
    expect(rssKb).toBeLessThan(64 * 1024);
  }, 300_000);

  it('Given the large log and --since with a small window, When scanned, Then only the window is read', async () => {
    const run = await runTool('parse_logs.sh', ['--json', '--since', '120', '--window', '10', file], { timeoutMs: 120_000 });
    const report = parseJson(run) as unknown as Report;
    expect(report.files[0]?.truncated).toBe(true);
    expect(report.total_errors).toBeGreaterThan(0);
    expect(report.total_errors).toBeLessThan(chunks * (ERRORS_PER_CHUNK + 4));
  }, 120_000);
});

describe('parse_logs.sh uses only POSIX awk', () => {
  it('Given gawk in --posix mode as awk, When run, Then the result equals the default awk (mawk on Debian)', async (ctx) => {
    const gawk = which('gawk');
    if (!gawk) ctx.skip('gawk is not installed: cannot compare with gawk --posix');
    const defaultAwk = execFileSync('bash', ['-c', 'readlink -f "$(command -v awk)"'], { encoding: 'utf8' }).trim();
    const l = layout(path.join(tmp, 'posix'));
    writeFile(l.appLog('cigar'), railsLine('E', ago(1), "Couldn't find User with 'id'=12") + railsLine('F', ago(1), 'RuntimeError (boom 0xdeadbeef)'));
    writeFile(path.join(l.nginxDir, 'error.log'), nginxErrorLine('emerg', ago(1), 'bind() to 0.0.0.0:80 failed'));
    writeFile(path.join(l.nginxDir, 'access.log'), accessLine(ago(1), 'GET /a/1 HTTP/1.1', 500));
    const bin = path.join(tmp, 'posix-bin');
    writeStub(bin, 'awk', `exec ${gawk} --posix "$@"`);

    const withDefault = await runTool('parse_logs.sh', ['--json', '--since', '30'], { env: l.env });
    const withGawk = await runTool('parse_logs.sh', ['--json', '--since', '30'], { env: { ...l.env, PATH: `${bin}:${process.env.PATH}` } });

    expect(withGawk.stderr).toBe('');
    expect(withGawk.stdout).toBe(withDefault.stdout);
    expect(defaultAwk).not.toBe('');
  });
});
