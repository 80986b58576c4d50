/**
 * `hms schedules` and `hms doctor` about schedules, against a real agent on loopback.
 * systemd cannot run here (no systemd as PID 1), so `systemctl show` is answered in
 * systemd 252's format by a stand-in at the exec door; the e2e suite
 * (tests/e2e/schedules.e2e.test.ts) has the real one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorCommand } from '../../src/commands/doctor.js';
import { schedulesCommand } from '../../src/commands/schedules.js';
import type { ExecResult } from '../../src/platform/exec.js';
import type { AgentDeps } from '../../server/env.js';
import { servedAgent, type ServedAgent } from '../support/served-agent.js';
import { systemctlRecorder } from '../server/systemctl-recorder.js';

const RED = '\u001b[31m';
const schedule = (name: string) => ({ unit: `cigar-${name}.service`, timer: `cigar-${name}.timer`, when: '*:*:0/5', timeoutSeconds: 60 });
const SERVICES: Record<string, string> = {
  'cigar-count.service':
    'ActiveState=inactive\nResult=success\nExecMainStatus=0\n' +
    'ExecMainStartTimestamp=Mon 2026-12-07 05:40:00 UTC\nExecMainExitTimestamp=Mon 2026-12-07 05:40:02.500000 UTC',
  'cigar-broken.service':
    'ActiveState=failed\nResult=exit-code\nExecMainStatus=3\n' +
    'ExecMainStartTimestamp=Mon 2026-12-07 05:40:00 UTC\nExecMainExitTimestamp=Mon 2026-12-07 05:40:01 UTC',
};

/** Timers armed; each service as SERVICES says; every other systemctl argv as the shared recorder answers it. */
function schedulesExec(): AgentDeps['exec'] {
  const recorder = systemctlRecorder({ 'cigar.service': { activeState: 'active', subState: 'running', mainPid: 42 } });
  return async (argv, options) => {
    const units = argv.slice(argv.indexOf('--') + 1);
    if (argv[1] !== 'show' || !units.some((unit) => unit.endsWith('.timer'))) return recorder.exec(argv, options);
    const blocks = units.map((unit) =>
      unit.endsWith('.timer')
        ? `Id=${unit}\nActiveState=active\nNextElapseUSecRealtime=Mon 2099-12-07 05:40:05 UTC`
        : `Id=${unit}\n${SERVICES[unit]}`,
    );
    const stdout = blocks.join('\n\n');
    const result: ExecResult = {
      argv: [...argv],
      code: 0,
      signal: null,
      stdout,
      stderr: '',
      truncated: false,
      timedOut: false,
      aborted: false,
    };
    return result;
  };
}

let served: ServedAgent;
beforeAll(async () => {
  served = await servedAgent({
    config: {
      apps: { cigar: { unit: 'cigar.service', root: '/nonexistent', schedules: { count: schedule('count'), broken: schedule('broken') } } },
    },
    exec: schedulesExec(),
  });
});
afterAll(() => served.dispose());

describe('hms schedules', () => {
  it('Given one schedule ok and one failed, When listed, Then a row each with result, duration and next run, and exit 1', async () => {
    const output = await schedulesCommand.run(served.context({ args: ['cigar'] }));
    expect(output.exitCode).toBe(1);
    expect(output.human).toMatch(/^APP\s+SCHEDULE\s+WHEN\s+LAST RUN\s+RESULT\s+DURATION\s+NEXT$/m);
    expect(output.human).toMatch(/^cigar\s+broken\s+\*:\*:0\/5\s+\S+ ago\s+failed \(exit 3\)\s+1\.0s\s+in \d+d$/m);
    expect(output.human).toMatch(/^cigar\s+count\s+\*:\*:0\/5\s+\S+ ago\s+ok\s+2\.5s\s+in \d+d$/m);
    expect(output.human).not.toContain(RED);
  });

  it('Given FORCE_COLOR, When listed, Then the failed row is red and the ok row is not', async () => {
    const output = await schedulesCommand.run(served.context({ args: [], env: { FORCE_COLOR: '1' } }));
    const lines = output.human.split('\n');
    expect(lines.find((l) => l.includes('broken'))).toMatch(/^\u001b\[31mcigar\s+broken.*\u001b\[39m$/);
    expect(lines.find((l) => l.includes('count'))).not.toContain(RED);
  });

  it('Given --json, When listed, Then the data is the schedules with their results', async () => {
    const output = await schedulesCommand.run(served.context({ args: [], flags: { json: true } }));
    expect(output.data).toEqual({
      schedules: [
        expect.objectContaining({ name: 'broken', result: 'failed', exitStatus: 3, durationMs: 1000 }),
        expect.objectContaining({ name: 'count', result: 'ok', durationMs: 2500, nextRun: '2099-12-07T05:40:05.000Z' }),
      ],
    });
  });

  it('Given --readonly, When a run is asked, Then it is refused before any connection', async () => {
    await expect(schedulesCommand.run(served.context({ args: ['run', 'cigar', 'count'], flags: { readonly: true } }))).rejects.toThrow(
      '--readonly: no schedule is run.',
    );
  });

  it('Given an unknown schedule, When run, Then the agent refuses it by name', async () => {
    await expect(schedulesCommand.run(served.context({ args: ['run', 'cigar', 'count;reboot'] }))).rejects.toThrow(/Unknown schedule/);
  });
});

describe('hms doctor and schedules', () => {
  it('Given a failed last run, When diagnosed, Then a red problem line names the schedule and how to see its output', async () => {
    const output = await doctorCommand.run(served.context({ env: { FORCE_COLOR: '1' } }));
    expect(output.exitCode).toBe(1);
    expect(output.human).toContain(`${RED}  ✗ schedule cigar broken`);
    expect(output.human).toMatch(/cigar broken failed \(exit 3\) \S+ ago/);
    expect(output.human).toContain('→ see its output: `hms logs journal:cigar-broken`; run it now: `hms schedules run cigar broken`');
    expect(output.human).not.toContain('schedule cigar count');
  });
});
