/**
 * restart_service.sh: ONLY what can run on a machine where systemd is not PID 1
 * (this development/CI machine).
 *
 * NOTE - NOT COVERED HERE, to be tested on a real systemd server (Debian 12,
 * systemd 252) by whoever owns that environment: restart_service.sh really
 * restarting a unit and waiting for ActiveState=active, a unit that fails to start
 * (exit 2), the real `nginx -t` refusing a broken config, and hms-agent.service
 * (queued with --no-block, because the restart ends the agent running the script).
 *
 * What runs here:
 *   - the allow-list refusals with hostile input (exit 3, allowed units listed,
 *     and systemctl is never invoked),
 *   - the "no systemd" UNKNOWN paths (systemctl present but systemd not running,
 *     and systemctl missing altogether),
 *   - the script's own logic against a STAND-IN systemctl and nginx
 *     (systemctl-stand-in.ts).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRITICAL, OK, UNKNOWN, makeTempDir, parseJson, removeDir, runTool, writeFile, writeStub } from './helpers.js';
import { systemctlStandIns, systemdIsPid1 } from './systemctl-stand-in.js';

let tmp: string;
beforeAll(() => {
  tmp = makeTempDir('restart-service');
});
afterAll(() => removeDir(tmp));

const { recordingSystemctl, pathWithoutSystemctl } = systemctlStandIns(() => tmp);

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

  it.each(hostile)(
    'Given %s, When asked to restart it, Then it refuses (exit 3), lists the allowed units and never calls systemctl',
    async (_what, args) => {
      const stub = recordingSystemctl(`refuse-${_what.replace(/\W/g, '-')}`, 'echo active');
      const run = await runTool('restart_service.sh', args, { env: stub.env });
      expect(run.code).toBe(UNKNOWN);
      expect(run.stderr).toContain('refusing');
      expect(run.stderr).toContain('Allowed units: cigar.service tobacco.service nginx.service hms-agent.service');
      expect(run.stderr).toContain('App names (mapped to <app>.service): cigar tobacco');
      expect(stub.calls()).toEqual([]);
    },
  );

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
  it.skipIf(systemdIsPid1)(
    'Given systemd is not PID 1, When an allowed unit is restarted, Then it is UNKNOWN (exit 3) with a clear message',
    async () => {
      const run = await runTool('restart_service.sh', ['cigar']);
      expect(run.code).toBe(UNKNOWN);
      expect(run.stdout).toMatch(/^UNKNOWN: systemd is not running here \(not a systemd machine\)/);
    },
  );

  it('Given no systemctl at all, When an allowed unit is restarted, Then it is UNKNOWN (exit 3)', async () => {
    const run = await runTool('restart_service.sh', ['--json', 'tobacco'], { env: { PATH: pathWithoutSystemctl() } });
    expect(run.code).toBe(UNKNOWN);
    expect(parseJson(run)).toMatchObject({
      status: 'UNKNOWN',
      unit: 'tobacco.service',
      message: expect.stringContaining('systemctl not found'),
    });
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

  it(
    'Given a broken nginx config, When nginx is restarted, ' + 'Then it refuses (exit 2) with nginx -t output and does not restart',
    async () => {
      const stub = statefulSystemctl('restart-nginx-bad', 'active', 'failed');
      writeStub(
        path.join(tmp, 'restart-nginx-bad'),
        'nginx',
        `echo 'nginx: [emerg] unknown directive "proxy_passs" in /etc/nginx/sites-enabled/cigar:12' >&2
echo 'nginx: configuration file /etc/nginx/nginx.conf test failed' >&2
exit 1`,
      );
      const run = await runTool('restart_service.sh', ['nginx'], { env: stub.env });
      expect(run.code).toBe(CRITICAL);
      expect(run.stdout).toContain("CRITICAL: refusing to restart nginx.service: 'nginx -t' failed (exit 1)");
      expect(run.stdout).toContain('unknown directive "proxy_passs"');
      expect(stub.calls().some((c) => c.includes('restart'))).toBe(false);
    },
  );

  it('Given a good nginx config, When nginx is restarted, Then nginx -t runs first and the restart follows', async () => {
    const stub = statefulSystemctl('restart-nginx-good', 'active', 'active');
    const dir = path.join(tmp, 'restart-nginx-good');
    writeStub(
      dir,
      'nginx',
      `printf '%s\\n' "nginx $*" >>'${dir}/calls'; echo 'nginx: configuration file /etc/nginx/nginx.conf test is successful' >&2`,
    );
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
