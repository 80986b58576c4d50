/**
 * check_status.sh and restart_service.sh: ONLY what can run on a machine where
 * systemd is not PID 1 (this development/CI machine).
 *
 * NOTE - NOT COVERED HERE, to be tested on a real systemd server (Debian 12,
 * systemd 252) by whoever owns that environment:
 *   - check_status.sh against real units: the single `systemctl show` call,
 *     the real ActiveEnterTimestamp/NRestarts/MainPID values, a really failed
 *     unit, a unit that does not exist (LoadState=not-found).
 *   - restart_service.sh really restarting a unit and waiting for
 *     ActiveState=active, a unit that fails to start (exit 2), the real
 *     `nginx -t` refusing a broken config, and hms-agent.service (queued with
 *     --no-block, because the restart ends the agent running the script).
 *
 * What runs here:
 *   - the allow-list refusals with hostile input (exit 3, allowed units listed,
 *     and systemctl is never invoked),
 *   - the "no systemd" UNKNOWN paths (systemctl present but systemd not
 *     running, and systemctl missing altogether),
 *   - the scripts' own logic against a STAND-IN systemctl/nginx (bash stubs
 *     that record their argv and print what systemd 252 prints). These check
 *     our parsing and decisions, not systemd itself.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRITICAL, OK, UNKNOWN, WARNING, makeTempDir, parseJson, removeDir, runTool, writeFile, writeStub } from './helpers.js';

const systemdIsPid1 = existsSync('/run/systemd/system');

let tmp: string;
beforeAll(() => {
  tmp = makeTempDir('systemd');
});
afterAll(() => removeDir(tmp));

/** A bin folder whose systemctl records each call (one line of argv) into `calls`. */
function recordingSystemctl(name: string, body: string): { env: Record<string, string>; calls: () => string[] } {
  const dir = path.join(tmp, name);
  const callsFile = path.join(dir, 'calls');
  writeStub(dir, 'systemctl', `printf '%s\\n' "$*" >>'${callsFile}'\n${body}`);
  return {
    env: { PATH: `${dir}:${process.env.PATH}` },
    calls: () => (existsSync(callsFile) ? readFileSync(callsFile, 'utf8').trim().split('\n').filter(Boolean) : []),
  };
}

/** A PATH holding every program of this machine except systemctl. */
let noSystemctlDir: string | undefined;
function pathWithoutSystemctl(): string {
  if (noSystemctlDir) return noSystemctlDir;
  const dir = path.join(tmp, 'no-systemctl');
  mkdirSync(dir, { recursive: true });
  const seen = new Set<string>();
  for (const source of ['/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    if (!existsSync(source)) continue;
    for (const entry of readdirSync(source)) {
      if (entry === 'systemctl' || seen.has(entry)) continue;
      seen.add(entry);
      symlinkSync(path.join(source, entry), path.join(dir, entry));
    }
  }
  noSystemctlDir = dir;
  return dir;
}

const SHOW_252 = `cat <<'EOF'
Id=cigar.service
MainPID=1201
NRestarts=0
ActiveState=active
SubState=running
ActiveEnterTimestamp=Tue 2024-01-02 10:00:00 UTC
LoadState=loaded

Id=tobacco.service
MainPID=1202
NRestarts=0
ActiveState=active
SubState=running
ActiveEnterTimestamp=Tue 2024-01-02 10:00:01 UTC
LoadState=loaded

Id=nginx.service
MainPID=811
NRestarts=__NGINX_RESTARTS__
ActiveState=__NGINX_STATE__
SubState=running
ActiveEnterTimestamp=Tue 2024-01-02 09:59:00 UTC
LoadState=loaded

Id=hms-agent.service
MainPID=0
NRestarts=0
ActiveState=__AGENT_STATE__
SubState=dead
ActiveEnterTimestamp=
LoadState=__AGENT_LOAD__
EOF`;

function showOutput(o: { nginxState?: string; nginxRestarts?: number; agentState?: string; agentLoad?: string }): string {
  return SHOW_252.replace('__NGINX_STATE__', o.nginxState ?? 'active')
    .replace('__NGINX_RESTARTS__', String(o.nginxRestarts ?? 0))
    .replace('__AGENT_STATE__', o.agentState ?? 'active')
    .replace('__AGENT_LOAD__', o.agentLoad ?? 'loaded');
}

describe('check_status.sh where systemd cannot be used', () => {
  it.skipIf(systemdIsPid1)('Given systemctl exists but systemd is not PID 1, When run, Then it is UNKNOWN (exit 3) with a clear message', async () => {
    const run = await runTool('check_status.sh', []);
    expect(run.code).toBe(UNKNOWN);
    expect(run.stdout).toMatch(/^UNKNOWN: systemd is not running here \(not a systemd machine\)/);
    expect(run.stderr).toContain('not a systemd machine');

    const json = await runTool('check_status.sh', ['--json']);
    expect(parseJson(json)).toMatchObject({ status: 'UNKNOWN', exit_code: 3, units: [] });
  });

  it('Given no systemctl at all, When run, Then it is UNKNOWN (exit 3) and says it is not a systemd machine', async () => {
    const run = await runTool('check_status.sh', [], { env: { PATH: pathWithoutSystemctl() } });
    expect(run.code).toBe(UNKNOWN);
    expect(run.stdout).toContain('UNKNOWN: systemctl not found: this does not look like a systemd machine');
  });

  it.each([
    [{ HMS_APPS: 'cigar Tobacco' }, "invalid app name 'Tobacco'"],
    [{ HMS_UNITS: 'nginx.service ../../etc/passwd' }, "invalid unit name '../../etc/passwd'"],
    [{ HMS_UNITS: 'nginx.service -H' }, "invalid unit name '-H'"],
  ])('Given a bad configuration %j, When run, Then it exits 3 before calling systemctl', async (config, message) => {
    const stub = recordingSystemctl(`bad-config-${Object.values(config).join('').replace(/\W/g, '')}`, 'exit 0');
    const run = await runTool('check_status.sh', [], { env: { ...stub.env, ...config } });
    expect(run.code).toBe(UNKNOWN);
    expect(run.stderr).toContain(message);
    expect(stub.calls()).toEqual([]);
  });
});

describe('check_status.sh decisions (stand-in systemctl printing systemd 252 output)', () => {
  it('Given all units active, When run, Then it is OK (exit 0) and makes ONE systemctl show call for all units', async () => {
    const stub = recordingSystemctl('status-ok', showOutput({}));
    const run = await runTool('check_status.sh', [], { env: stub.env });
    expect(run.code).toBe(OK);
    expect(run.stdout).toMatch(/^OK: 4 units: 4 ok, 0 warning, 0 critical/);
    expect(run.stdout).toMatch(/^OK +cigar\.service +active\/running since Tue 2024-01-02 10:00:00 UTC, restarts=0, pid=1201$/m);
    expect(stub.calls()).toEqual([
      'show --no-pager -p Id,LoadState,ActiveState,SubState,ActiveEnterTimestamp,NRestarts,MainPID -- cigar.service tobacco.service nginx.service hms-agent.service',
    ]);
  });

  it('Given a unit restarted by systemd (NRestarts > 0), When run, Then it is WARNING (exit 1)', async () => {
    const stub = recordingSystemctl('status-restarts', showOutput({ nginxRestarts: 3 }));
    const run = await runTool('check_status.sh', [], { env: stub.env });
    expect(run.code).toBe(WARNING);
    expect(run.stdout).toMatch(/^WARNING +nginx\.service .*\(restarted 3 time\(s\) by systemd\)$/m);
  });

  it('Given a unit reloading, When run, Then it is WARNING (exit 1)', async () => {
    const stub = recordingSystemctl('status-reloading', showOutput({ nginxState: 'reloading' }));
    const run = await runTool('check_status.sh', [], { env: stub.env });
    expect(run.code).toBe(WARNING);
  });

  it('Given a failed unit and a unit that does not exist, When run with --json, Then it is CRITICAL (exit 2) with per-unit detail', async () => {
    const stub = recordingSystemctl('status-failed', showOutput({ nginxState: 'failed', agentState: 'inactive', agentLoad: 'not-found' }));
    const run = await runTool('check_status.sh', ['--json'], { env: stub.env });
    const report = parseJson(run);
    expect(run.code).toBe(CRITICAL);
    expect(report).toMatchObject({ status: 'CRITICAL', exit_code: 2, summary: '4 units: 2 ok, 0 warning, 2 critical' });
    expect(report.units).toEqual([
      expect.objectContaining({ unit: 'cigar.service', active_state: 'active', sub_state: 'running', n_restarts: 0, main_pid: 1201, status: 'OK' }),
      expect.objectContaining({ unit: 'tobacco.service', status: 'OK', since: 'Tue 2024-01-02 10:00:01 UTC' }),
      expect.objectContaining({ unit: 'nginx.service', active_state: 'failed', status: 'CRITICAL', note: 'failed' }),
      expect.objectContaining({ unit: 'hms-agent.service', load_state: 'not-found', since: null, status: 'CRITICAL', note: 'unit not found' }),
    ]);
  });

  it('Given HMS_UNITS, When run, Then exactly those units are asked for', async () => {
    const stub = recordingSystemctl('status-units', "printf 'Id=redis-server.service\\nActiveState=active\\nSubState=running\\nNRestarts=0\\nMainPID=9\\nActiveEnterTimestamp=\\nLoadState=loaded\\n'");
    const run = await runTool('check_status.sh', [], { env: { ...stub.env, HMS_UNITS: 'redis-server.service' } });
    expect(run.code).toBe(OK);
    expect(stub.calls()[0]).toMatch(/ -- redis-server\.service$/);
  });
});

describe('restart_service.sh allow-list', () => {
  const hostile: [string, string[]][] = [
    ['a path', ['../etc/passwd']],
    ['a command separator', ['nginx;id']],
    ['a command substitution', ['$(id)']],
    ['backticks', ['`id`']],
    ['an option', ['-H']],
    ['an option after --', ['--', '-H']],
    ['an empty name', ['']],
    ['a 200-character name', ['a'.repeat(200)]],
    ['a 200-character unit', [`${'a'.repeat(192)}.service`]],
    ['a valid but unmanaged unit', ['ssh.service']],
    ['a valid but unmanaged app', ['postgres']],
    ['an upper-case app', ['Cigar']],
    ['a newline', ['cigar\nnginx']],
    ['a trailing newline', ['cigar\n']],
    ['two units', ['cigar', 'nginx']],
    ['nothing', []],
    // (a NUL byte cannot be passed in argv, so it is not tested)
  ];

  it.each(hostile)('Given %s, When asked to restart it, Then it refuses (exit 3), lists the allowed units and never calls systemctl', async (_what, args) => {
    const stub = recordingSystemctl(`refuse-${_what.replace(/\W/g, '-')}`, 'echo active');
    const run = await runTool('restart_service.sh', args, { env: stub.env });
    expect(run.code).toBe(UNKNOWN);
    expect(run.stderr).toContain('refusing');
    expect(run.stderr).toContain('Allowed units: cigar.service tobacco.service nginx.service hms-agent.service');
    expect(run.stderr).toContain('App names (mapped to <app>.service): cigar tobacco');
    expect(stub.calls()).toEqual([]);
  });

  it('Given a hostile name with control characters, When refused, Then the message shows it quoted, not raw', async () => {
    const run = await runTool('restart_service.sh', ['x\u001b[31my']);
    expect(run.code).toBe(UNKNOWN);
    expect(run.stderr).not.toContain('\u001b');
    expect(run.stderr).toContain("$'x\\E[31my'");
  });

  it('Given HMS_UNITS, When a unit outside it is asked for, Then it is refused with the configured list', async () => {
    const run = await runTool('restart_service.sh', ['cigar'], { env: { HMS_UNITS: 'puma-cigar.service nginx.service' } });
    expect(run.code).toBe(UNKNOWN);
    expect(run.stderr).toContain('Allowed units: puma-cigar.service nginx.service');
  });

  it('Given an invalid HMS_APPS entry, When run, Then it exits 3', async () => {
    const run = await runTool('restart_service.sh', ['cigar'], { env: { HMS_APPS: 'cigar rm;-rf' } });
    expect(run.code).toBe(UNKNOWN);
    expect(run.stderr).toContain("invalid app name 'rm;-rf'");
  });
});

describe('restart_service.sh where systemd cannot be used', () => {
  it.skipIf(systemdIsPid1)('Given systemd is not PID 1, When an allowed unit is restarted, Then it is UNKNOWN (exit 3) with a clear message', async () => {
    const run = await runTool('restart_service.sh', ['cigar']);
    expect(run.code).toBe(UNKNOWN);
    expect(run.stdout).toMatch(/^UNKNOWN: systemd is not running here \(not a systemd machine\)/);
  });

  it('Given no systemctl at all, When an allowed unit is restarted, Then it is UNKNOWN (exit 3)', async () => {
    const run = await runTool('restart_service.sh', ['--json', 'tobacco'], { env: { PATH: pathWithoutSystemctl() } });
    expect(run.code).toBe(UNKNOWN);
    expect(parseJson(run)).toMatchObject({ status: 'UNKNOWN', unit: 'tobacco.service', message: expect.stringContaining('systemctl not found') });
  });
});

describe('restart_service.sh decisions (stand-in systemctl and nginx)', () => {
  /** A systemctl whose `show` prints the current state and whose `restart` moves it to `after`. */
  function statefulSystemctl(name: string, before: string, after: string, restartExit = 0) {
    const dir = path.join(tmp, name);
    writeFile(path.join(dir, 'state'), `${before}\n`);
    return recordingSystemctl(
      name,
      `state='${dir}/state'
for a in "$@"; do
  case $a in
    restart) echo '${after}' >"$state"; exit ${restartExit} ;;
    show) cat "$state"; exit 0 ;;
  esac
done
exit 1`,
    );
  }

  it('Given an app name, When restarted and the unit comes back, Then it is OK (exit 0)', async () => {
    const stub = statefulSystemctl('restart-ok', 'active', 'active');
    const run = await runTool('restart_service.sh', ['cigar'], { env: stub.env });
    expect(run.code).toBe(OK);
    expect(run.stdout).toBe('OK: cigar.service restarted and active (was active)\n');
    expect(stub.calls()).toContain('--no-ask-password restart -- cigar.service');
  });

  it('Given the unit fails after the restart, When restarted, Then it is CRITICAL (exit 2)', async () => {
    const stub = statefulSystemctl('restart-failed', 'active', 'failed', 1);
    const run = await runTool('restart_service.sh', ['--json', 'tobacco.service'], { env: stub.env });
    expect(run.code).toBe(CRITICAL);
    expect(parseJson(run)).toMatchObject({ status: 'CRITICAL', unit: 'tobacco.service', active_state: 'failed' });
  });

  it('Given the unit stays activating, When restarted with --timeout 1, Then it gives up after about a second with CRITICAL', async () => {
    const stub = statefulSystemctl('restart-slow', 'active', 'activating');
    const started = Date.now();
    const run = await runTool('restart_service.sh', ['--timeout', '1', 'cigar'], { env: stub.env });
    expect(run.code).toBe(CRITICAL);
    expect(run.stdout).toContain("cigar.service is 'activating' after restart (waited up to 1s)");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('Given --dry-run, When asked to restart, Then nothing is restarted and it exits 0', async () => {
    const stub = statefulSystemctl('restart-dry', 'active', 'failed');
    const run = await runTool('restart_service.sh', ['cigar', '--dry-run'], { env: stub.env });
    expect(run.code).toBe(OK);
    expect(run.stdout).toContain("dry run: would run 'systemctl restart cigar.service' (currently active)");
    expect(stub.calls().some((c) => c.includes('restart'))).toBe(false);
  });

  it('Given a broken nginx config, When nginx is restarted, Then it refuses (exit 2) with nginx -t output and does not restart', async () => {
    const stub = statefulSystemctl('restart-nginx-bad', 'active', 'failed');
    writeStub(path.join(tmp, 'restart-nginx-bad'), 'nginx', `echo 'nginx: [emerg] unknown directive "proxy_passs" in /etc/nginx/sites-enabled/cigar:12' >&2
echo 'nginx: configuration file /etc/nginx/nginx.conf test failed' >&2
exit 1`);
    const run = await runTool('restart_service.sh', ['nginx'], { env: stub.env });
    expect(run.code).toBe(CRITICAL);
    expect(run.stdout).toContain("CRITICAL: refusing to restart nginx.service: 'nginx -t' failed (exit 1)");
    expect(run.stdout).toContain('unknown directive "proxy_passs"');
    expect(stub.calls().some((c) => c.includes('restart'))).toBe(false);
  });

  it('Given a good nginx config, When nginx is restarted, Then nginx -t runs first and the restart follows', async () => {
    const stub = statefulSystemctl('restart-nginx-good', 'active', 'active');
    const dir = path.join(tmp, 'restart-nginx-good');
    writeStub(dir, 'nginx', `printf '%s\\n' "nginx $*" >>'${dir}/calls'; echo 'nginx: configuration file /etc/nginx/nginx.conf test is successful' >&2`);
    const run = await runTool('restart_service.sh', ['nginx.service'], { env: stub.env });
    expect(run.code).toBe(OK);
    const calls = stub.calls();
    expect(calls.indexOf('nginx -t')).toBeGreaterThan(-1);
    expect(calls.indexOf('nginx -t')).toBeLessThan(calls.indexOf('--no-ask-password restart -- nginx.service'));
  });

  it('Given hms-agent, When restarted, Then the restart is only queued (--no-block) because it ends the caller', async () => {
    const stub = statefulSystemctl('restart-agent', 'active', 'active');
    const run = await runTool('restart_service.sh', ['hms-agent'], { env: stub.env });
    expect(run.code).toBe(OK);
    expect(run.stdout).toContain('restart of hms-agent.service queued');
    expect(stub.calls()).toContain('--no-ask-password --no-block restart -- hms-agent.service');
  });
});
