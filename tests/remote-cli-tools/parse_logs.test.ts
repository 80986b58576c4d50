/**
 * parse_logs.sh against real generated Rails and nginx logs in temp dirs: a server
 * with errors in its logs, and the same result under POSIX awk. Edge cases and a
 * ~200 MB log have files of their own.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRITICAL, WARNING, makeTempDir, parseJson, removeDir, runTool, which, writeFile, writeStub } from './helpers.js';
import { accessLine, ago, layout, nginxErrorLine, railsLine, type Report } from './log-lines.js';

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
      expect.objectContaining({
        path: expect.stringContaining('/ghost/shared/log/production.log'),
        reason: expect.stringContaining('not found'),
      }),
    ]);
    const text = await runTool('parse_logs.sh', [], { env: { ...env, HMS_APPS: 'cigar ghost' } });
    expect(text.stdout).toMatch(/^-- skipped .*ghost\/shared\/log\/production\.log: not found/m);
  });
});

describe('parse_logs.sh uses only POSIX awk', () => {
  it('Given gawk in --posix mode as awk, When run, Then the result equals the default awk (mawk on Debian)', async (ctx) => {
    const gawk = which('gawk');
    if (!gawk) ctx.skip('gawk is not installed: cannot compare with gawk --posix');
    const defaultAwk = execFileSync('bash', ['-c', 'readlink -f "$(command -v awk)"'], { encoding: 'utf8' }).trim();
    const l = layout(path.join(tmp, 'posix'));
    writeFile(
      l.appLog('cigar'),
      railsLine('E', ago(1), "Couldn't find User with 'id'=12") + railsLine('F', ago(1), 'RuntimeError (boom 0xdeadbeef)'),
    );
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
