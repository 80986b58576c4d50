import { describe, expect, it } from 'vitest';
import { exec } from '../../../../src/platform/exec.js';
import { ApiError } from '../../../../server/errors.js';
import {
  actionArgv,
  parseShow,
  parseTimestamp,
  runSystemctl,
  showArgv,
  showUnits,
  waitUntilSettled,
} from '../../../../server/services/apps/systemd.js';
import { showBlock, systemctlRecorder } from '../../systemctl-recorder.js';

describe('systemctl show as data', () => {
  it('Given the watched units, When the argv is built, Then it is ONE systemctl show with every property and the units after --', () => {
    expect(showArgv(['cigar.service', 'nginx.service', 'hms-agent.service'])).toEqual([
      'systemctl',
      'show',
      '--no-pager',
      '--timestamp=utc',
      '-p',
      'Id,LoadState,ActiveState,SubState,ActiveEnterTimestamp,StateChangeTimestamp,' +
        'MainPID,MemoryCurrent,NRestarts,Result,Description,ControlGroup',
      '--',
      'cigar.service',
      'nginx.service',
      'hms-agent.service',
    ]);
  });

  it('Given systemd 252 output for three units, When parsed, Then each block maps to its unit in order', () => {
    // Written in systemd 252's format (no systemd as PID 1 on this host): blocks in
    // the order of the units, separated by one blank line, properties in D-Bus order.
    const stdout = [
      'MainPID=4242',
      'Result=success',
      'NRestarts=2',
      'MemoryCurrent=187654144',
      'Id=cigar.service',
      'Description=Puma for cigar',
      'ControlGroup=/system.slice/cigar.service',
      'LoadState=loaded',
      'ActiveState=active',
      'SubState=running',
      'StateChangeTimestamp=Wed 2026-11-25 18:02:11 UTC',
      'ActiveEnterTimestamp=Wed 2026-11-25 18:02:11 UTC',
      '',
      'MainPID=0',
      'Result=exit-code',
      'NRestarts=5',
      'MemoryCurrent=[not set]',
      'Id=tobacco.service',
      'Description=Puma for tobacco',
      'ControlGroup=',
      'LoadState=loaded',
      'ActiveState=failed',
      'SubState=failed',
      'StateChangeTimestamp=Wed 2026-11-25 18:05:00 UTC',
      'ActiveEnterTimestamp=Tue 2026-11-24 09:00:00 UTC',
      '',
      'MainPID=0',
      'Result=success',
      'NRestarts=0',
      'MemoryCurrent=[not set]',
      'Id=ghost.service',
      'Description=ghost.service',
      'LoadState=not-found',
      'ActiveState=inactive',
      'SubState=dead',
      'StateChangeTimestamp=',
      'ActiveEnterTimestamp=',
      '',
    ].join('\n');

    const [cigar, tobacco, ghost] = parseShow(stdout, ['cigar.service', 'tobacco.service', 'ghost.service']);

    expect(cigar).toEqual({
      unit: 'cigar.service',
      description: 'Puma for cigar',
      loadState: 'loaded',
      activeState: 'active',
      subState: 'running',
      since: '2026-11-25T18:02:11.000Z',
      mainPid: 4242,
      memoryBytes: 187654144,
      restarts: 2,
      result: 'success',
      controlGroup: '/system.slice/cigar.service',
    });
    // A failed unit is "failed since" its last state change, not since it last was active.
    expect(tobacco).toMatchObject({
      activeState: 'failed',
      result: 'exit-code',
      since: '2026-11-25T18:05:00.000Z',
      mainPid: null,
      memoryBytes: null,
      restarts: 5,
    });
    expect(ghost).toMatchObject({ loadState: 'not-found', activeState: 'inactive', since: null, mainPid: null, memoryBytes: null });
  });

  it('Given fewer blocks than units (truncated output), When parsed, Then the missing units are "unknown", not shifted', () => {
    const [first, second] = parseShow(showBlock('a.service', { activeState: 'active', subState: 'running' }), ['a.service', 'b.service']);
    expect(first!.activeState).toBe('active');
    expect(second).toMatchObject({ unit: 'b.service', activeState: 'unknown', loadState: 'unknown' });
  });

  it.each([
    ['Wed 2026-11-25 18:02:11 UTC', '2026-11-25T18:02:11.000Z'],
    ['Wed 2026-11-25 18:02:11.123456 UTC', '2026-11-25T18:02:11.123Z'],
    ['@1764093731', '2025-11-25T18:02:11.000Z'],
    ['', null],
    ['n/a', null],
    ['Wed 2026-11-25 19:02:11 CET', null],
    [undefined, null],
  ])('Given the timestamp %j, When parsed, Then it is %j', (value, expected) => {
    expect(parseTimestamp(value)).toBe(expected);
  });
});

describe('systemctl actions', () => {
  it('Given an action and a unit, When the argv is built, Then the unit comes after -- and the agent itself does not block', () => {
    expect(actionArgv('restart', 'cigar.service')).toEqual(['systemctl', 'restart', '--', 'cigar.service']);
    // reload of a puma app = phased restart (the unit's ExecReload sends SIGUSR1).
    expect(actionArgv('reload', 'nginx.service')).toEqual(['systemctl', 'reload', '--', 'nginx.service']);
    expect(actionArgv('restart', 'hms-agent.service', { noBlock: true })).toEqual([
      'systemctl',
      'restart',
      '--no-block',
      '--',
      'hms-agent.service',
    ]);
  });

  it('Given the real systemctl on a host without systemd, When run, Then the non-zero exit becomes a 502 carrying its stderr', async () => {
    const error = await runSystemctl(exec, showArgv(['cigar.service'])).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(502);
    expect((error as ApiError).message).toMatch(/systemctl show .* failed: .*(systemd|bus)/is);
    expect((error as ApiError).details).toMatchObject({ code: 1 });
  });

  it('Given a unit that is activating, When waiting, Then it polls until the unit settles', async () => {
    const recorder = systemctlRecorder({
      'cigar.service': [
        { activeState: 'activating', subState: 'start' },
        { activeState: 'activating', subState: 'start' },
        { activeState: 'active', subState: 'running', mainPid: 99 },
      ],
    });
    const { state, settled } = await waitUntilSettled(recorder.exec, 'cigar.service', { intervalMs: 10 });
    expect(settled).toBe(true);
    expect(state).toMatchObject({ activeState: 'active', mainPid: 99 });
    expect(recorder.calls).toHaveLength(3);
  });

  it('Given a unit stuck activating, When the wait times out, Then it returns unsettled with the last state', async () => {
    const recorder = systemctlRecorder({ 'cigar.service': { activeState: 'activating', subState: 'start-pre' } });
    const { state, settled } = await waitUntilSettled(recorder.exec, 'cigar.service', { intervalMs: 10, timeoutMs: 60 });
    expect(settled).toBe(false);
    expect(state.subState).toBe('start-pre');
  });

  it('Given no units, When showing, Then systemctl is not run at all', async () => {
    const recorder = systemctlRecorder({});
    expect(await showUnits(recorder.exec, [])).toEqual([]);
    expect(recorder.calls).toEqual([]);
  });
});
