import { describe, expect, it } from 'vitest';
import { invalidateUnitSnapshot, TTL_MS, unitSnapshot } from '../../../../server/services/apps/unit-snapshots.js';
import { testAgent } from '../../../support/agent.js';
import type { ExecResult } from '../../../../src/platform/exec.js';

/** A recording exec: no systemd here; this counts `systemctl show` calls and answers in its format. */
function countingExec() {
  let calls = 0;
  const exec = async (argv: readonly string[]): Promise<ExecResult> => {
    calls += 1;
    const units = argv.slice(argv.indexOf('--') + 1);
    const stdout = units.map((u) => `Id=${u}\nActiveState=active\nSubState=running\nMainPID=${calls}`).join('\n\n');
    return { argv, code: 0, signal: null, stdout, stderr: '', truncated: false, timedOut: false, aborted: false };
  };
  return { exec, calls: () => calls };
}

describe('shared unit snapshot', () => {
  it(
    'Given concurrent readers, When they ask within the TTL, ' +
      'Then one systemctl call serves them all; an invalidation forces a new one',
    async () => {
      const counter = countingExec();
      const { deps } = await testAgent({ exec: counter.exec as never });
      const units = ['a.service', 'b.service'];
      const results = await Promise.all(Array.from({ length: 10 }, () => unitSnapshot(deps, units)));
      expect(counter.calls()).toBe(1);
      expect(results.every((r) => r.states[0]!.mainPid === 1)).toBe(true);
      invalidateUnitSnapshot(deps);
      expect((await unitSnapshot(deps, units)).states[0]!.mainPid).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, TTL_MS + 50));
      expect((await unitSnapshot(deps, units)).states[0]!.mainPid).toBe(3);
    },
  );
});
