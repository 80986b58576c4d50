/**
 * check_status.sh: ONLY what can run on a machine where systemd is not PID 1 (this
 * development/CI machine).
 *
 * NOTE - NOT COVERED HERE, to be tested on a real systemd server (Debian 12,
 * systemd 252) by whoever owns that environment: check_status.sh against real
 * units: the single `systemctl show` call, the real ActiveEnterTimestamp/NRestarts/
 * MainPID values, a really failed unit, a unit that does not exist
 * (LoadState=not-found).
 *
 * What runs here:
 *   - the "no systemd" UNKNOWN paths (systemctl present but systemd not running,
 *     and systemctl missing altogether), and bad configuration refused before
 *     systemctl is called,
 *   - the script's own logic against a STAND-IN systemctl (systemctl-stand-in.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRITICAL, OK, UNKNOWN, WARNING, makeTempDir, parseJson, removeDir, runTool } from './helpers.js';
import { systemctlStandIns, systemdIsPid1 } from './systemctl-stand-in.js';

let tmp: string;
beforeAll(() => {
  tmp = makeTempDir('check-status');
});
afterAll(() => removeDir(tmp));

const { recordingSystemctl, pathWithoutSystemctl } = systemctlStandIns(() => tmp);

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
  it.skipIf(systemdIsPid1)(
    'Given systemctl exists but systemd is not PID 1, When run, Then it is UNKNOWN (exit 3) with a clear message',
    async () => {
      const run = await runTool('check_status.sh', []);
      expect(run.code).toBe(UNKNOWN);
      expect(run.stdout).toMatch(/^UNKNOWN: systemd is not running here \(not a systemd machine\)/);
      expect(run.stderr).toContain('not a systemd machine');

      const json = await runTool('check_status.sh', ['--json']);
      expect(parseJson(json)).toMatchObject({ status: 'UNKNOWN', exit_code: 3, units: [] });
    },
  );

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
      'show --no-pager -p Id,LoadState,ActiveState,SubState,ActiveEnterTimestamp,NRestarts,MainPID ' +
        '-- cigar.service tobacco.service nginx.service hms-agent.service',
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

  it(
    'Given a failed unit and a unit that does not exist, ' + 'When run with --json, Then it is CRITICAL (exit 2) with per-unit detail',
    async () => {
      const stub = recordingSystemctl(
        'status-failed',
        showOutput({ nginxState: 'failed', agentState: 'inactive', agentLoad: 'not-found' }),
      );
      const run = await runTool('check_status.sh', ['--json'], { env: stub.env });
      const report = parseJson(run);
      expect(run.code).toBe(CRITICAL);
      expect(report).toMatchObject({ status: 'CRITICAL', exit_code: 2, summary: '4 units: 2 ok, 0 warning, 2 critical' });
      expect(report.units).toEqual([
        expect.objectContaining({
          unit: 'cigar.service',
          active_state: 'active',
          sub_state: 'running',
          n_restarts: 0,
          main_pid: 1201,
          status: 'OK',
        }),
        expect.objectContaining({ unit: 'tobacco.service', status: 'OK', since: 'Tue 2024-01-02 10:00:01 UTC' }),
        expect.objectContaining({ unit: 'nginx.service', active_state: 'failed', status: 'CRITICAL', note: 'failed' }),
        expect.objectContaining({
          unit: 'hms-agent.service',
          load_state: 'not-found',
          since: null,
          status: 'CRITICAL',
          note: 'unit not found',
        }),
      ]);
    },
  );

  it('Given HMS_UNITS, When run, Then exactly those units are asked for', async () => {
    const stub = recordingSystemctl(
      'status-units',
      "printf 'Id=redis-server.service\\nActiveState=active\\nSubState=running\\nNRestarts=0\\nMainPID=9\\n" +
        "ActiveEnterTimestamp=\\nLoadState=loaded\\n'",
    );
    const run = await runTool('check_status.sh', [], { env: { ...stub.env, HMS_UNITS: 'redis-server.service' } });
    expect(run.code).toBe(OK);
    expect(stub.calls()[0]).toMatch(/ -- redis-server\.service$/);
  });
});
