/**
 * check_disk_space.sh against the real `df` of this machine (thresholds are
 * chosen around the usage df reports right now), plus one stand-in df to
 * check the parsing of long device names and mount points with spaces.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRITICAL, OK, UNKNOWN, WARNING, makeTempDir, parseJson, removeDir, runTool, writeStub } from './helpers.js';

interface Fs {
  mount: string;
  device: string;
  paths: string[];
  use_pct: number | null;
  inode_use_pct: number | null;
  avail_kib: number | null;
  status: string;
}
interface Report {
  status: string;
  exit_code: number;
  warning: number;
  critical: number;
  filesystems: Fs[];
}

/** The usage percentages df reports for `dir` right now (space, inodes). */
function dfPercent(dir: string, inodes: boolean): number | undefined {
  const out = execFileSync('df', inodes ? ['-P', '-i', dir] : ['-P', dir], { encoding: 'utf8' });
  const match = / (\d+)% /.exec(out.split('\n')[1] ?? '');
  return match ? Number(match[1]) : undefined;
}

let tmp: string;
let worst: number;
beforeAll(() => {
  tmp = makeTempDir('disk');
  mkdirSync(path.join(tmp, 'sub', 'deeper'), { recursive: true });
  worst = Math.max(dfPercent(tmp, false) ?? 0, dfPercent(tmp, true) ?? 0);
});
afterAll(() => removeDir(tmp));

describe('check_disk_space.sh with the real df', () => {
  it('Given usage below --warning, When checked, Then it is OK (exit 0) and shows the usage', async (ctx) => {
    if (worst >= 99) ctx.skip(`the filesystem of ${tmp} is ${worst}% full: no room for an OK threshold`);
    const run = await runTool('check_disk_space.sh', ['--path', tmp, '--warning', String(worst + 1), '--critical', '100']);
    expect(run.code).toBe(OK);
    expect(run.stdout).toMatch(/^OK: 1 filesystem\(s\), highest space usage \d+%/);
    expect(run.stdout).toMatch(/space \d+% used, [\d.]+ [MG]iB free of [\d.]+ [MG]iB; inodes (\d+% used|n\/a)/);
  });

  it('Given usage at --warning, When checked, Then it is WARNING (exit 1)', async (ctx) => {
    if (worst >= 100) ctx.skip('the filesystem is 100% full');
    const run = await runTool('check_disk_space.sh', ['--path', tmp, '--warning', String(worst), '--critical', '100']);
    expect(run.code).toBe(WARNING);
    expect(run.stdout).toMatch(/^WARNING: /);
    expect(run.stdout).toContain(`>= ${worst}%`);
  });

  it('Given usage at --critical, When checked, Then it is CRITICAL (exit 2)', async () => {
    const run = await runTool('check_disk_space.sh', ['--path', tmp, '--warning', String(worst), '--critical', String(worst), '--json']);
    const report = parseJson(run) as unknown as Report;
    expect(run.code).toBe(CRITICAL);
    expect(report.status).toBe('CRITICAL');
    expect(report.filesystems[0]?.status).toBe('CRITICAL');
  });

  it('Given two paths on the same filesystem, When checked, Then the filesystem is reported once with both paths', async () => {
    const deeper = path.join(tmp, 'sub', 'deeper');
    const run = await runTool('check_disk_space.sh', ['--path', tmp, '--path', deeper, '--json']);
    const report = parseJson(run) as unknown as Report;
    expect(report.filesystems).toHaveLength(1);
    expect(report.filesystems[0]?.paths).toEqual([tmp, deeper]);
    expect(report.filesystems[0]?.use_pct).toBe(dfPercent(tmp, false));
    expect(report.warning).toBe(80);
    expect(report.critical).toBe(90);
  });

  it('Given no --path, When checked, Then /, /var and the app root are covered (deduplicated)', async () => {
    const run = await runTool('check_disk_space.sh', ['--json'], { env: { HMS_APP_ROOT: tmp } });
    const report = parseJson(run) as unknown as Report;
    const paths = report.filesystems.flatMap((f) => f.paths);
    expect(paths).toContain('/');
    expect(paths).toContain(tmp);
    const mounts = report.filesystems.map((f) => `${f.device}|${f.mount}`);
    expect(new Set(mounts).size).toBe(mounts.length);
    expect([OK, WARNING, CRITICAL]).toContain(run.code);
    expect(report.exit_code).toBe(run.code);
  });

  it.each([
    [['--path', '/no/such/dir'], "--path '/no/such/dir' does not exist"],
    [['--warning', '95', '--critical', '90'], '--warning (95) must not be above --critical (90)'],
    [['--critical', '101'], "--critical needs a percentage between 0 and 100, got '101'"],
    [['--warning', 'ten'], "--warning needs a percentage between 0 and 100, got 'ten'"],
    [['/tmp'], "unexpected argument '/tmp'"],
  ])('Given bad arguments %j, When run, Then it explains on stderr and exits 3', async (args, message) => {
    const run = await runTool('check_disk_space.sh', args);
    expect(run.code).toBe(UNKNOWN);
    expect(run.stderr).toContain(message);
  });
});

describe('check_disk_space.sh parsing of df -P output (stand-in df)', () => {
  it('Given a very long device name and a mount point with spaces, When checked, Then the numbers are read correctly', async () => {
    // Given a df that prints what GNU df -P prints for such a filesystem
    const bin = path.join(tmp, 'fake-df-bin');
    const device = `/dev/mapper/${'very-long-volume-group-name-'.repeat(3)}lv_www`;
    writeStub(
      bin,
      'df',
      `if [[ $2 == -i ]]; then
  printf 'Filesystem Inodes IUsed IFree IUse%% Mounted on\\n'
  printf '%s 1000 910 90 91%% /srv/my www\\n' '${device}'
else
  printf 'Filesystem 1024-blocks Used Available Capacity Mounted on\\n'
  printf '%s 104857600 88080384 16777216 85%% /srv/my www\\n' '${device}'
fi`,
    );
    // When the check runs with it
    const run = await runTool('check_disk_space.sh', ['--path', tmp, '--json'], { env: { PATH: `${bin}:${process.env.PATH}` } });
    const report = parseJson(run) as unknown as Report;
    // Then device, mount point and both percentages are right, and inodes (91%) make it CRITICAL
    expect(report.filesystems).toEqual([
      expect.objectContaining({ device, mount: '/srv/my www', use_pct: 85, inode_use_pct: 91, avail_kib: 16777216, status: 'CRITICAL' }),
    ]);
    expect(run.code).toBe(CRITICAL);
    const text = await runTool('check_disk_space.sh', ['--path', tmp], { env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(text.stdout).toContain('[space 85% >= 80%, inodes 91% >= 90%]');
  });
});
