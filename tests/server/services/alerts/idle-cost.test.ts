/**
 * What the watcher costs while nothing happens: 100 fast looks, each the real facts
 * reader with, where systemd cannot be asked over its socket, one child process through
 * the exec door (on a server the agent's watch on systemd answers without one). This host
 * has no systemd, so the door runs `printf` with what `systemctl show` prints for four
 * units instead (a real child all the same: spawning it is most of the cost). The agent's CPU time and
 * its children's (from /proc/self/stat) are printed for the report; one look every
 * intervalSeconds (5 s) must stay far under 1% of one core.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { exec } from '../../../../src/platform/exec.js';
import { startAlerts } from '../../../../server/services/alerts/index.js';
import { showArgv } from '../../../../server/services/apps/systemd-show.js';
import { testAgent } from '../../../support/agent.js';

const UNITS = ['cigar', 'cigar-sidekiq', 'tobacco', 'tobacco-worker'];
const SHOWN = UNITS.map((name) => `Id=${name}.service\nActiveState=active\nSubState=running\nResult=success\nNRestarts=0\n`).join('\n');

/** utime + stime and cutime + cstime of this process, in ms (clock ticks of 10 ms). */
async function cpuTimes(): Promise<{ own: number; children: number }> {
  const fields = (await readFile('/proc/self/stat', 'utf8')).split(') ')[1]!.split(' ');
  const ticks = (i: number) => Number(fields[i - 3]) * 10;
  return { own: ticks(14) + ticks(15), children: ticks(16) + ticks(17) };
}

describe('the watcher idle', () => {
  it('Given four running units, When 100 fast looks run, Then each costs a few ms of CPU and nothing is written', async () => {
    const seen: string[][] = [];
    const agent = await testAgent({
      config: {
        apps: {
          cigar: { unit: 'cigar.service', root: '/var/www/cigar', processes: { sidekiq: { unit: 'cigar-sidekiq.service' } } },
          tobacco: { unit: 'tobacco.service', root: '/var/www/tobacco', processes: { worker: { unit: 'tobacco-worker.service' } } },
        },
      },
      // Stand-in at the exec door (no systemd here): the same argv is recorded, a real child prints systemd's answer.
      exec: (argv, options) => {
        seen.push([...argv]);
        return exec(['printf', '%s', SHOWN], options);
      },
    });
    const engine = await startAlerts(agent.deps, { loop: false, log: () => undefined });
    await engine.watcher.fastLook();
    const before = await cpuTimes();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < 100; i += 1) await engine.watcher.fastLook();
    const wall = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const after = await cpuTimes();
    engine.stop();
    const ownMs = (cpu.user + cpu.system) / 1000;
    const childrenMs = after.children - before.children;
    console.log(
      `100 idle fast looks: agent CPU ${ownMs.toFixed(0)} ms (${(ownMs / 100).toFixed(2)} ms a look), ` +
        `children CPU ${childrenMs} ms, wall ${wall.toFixed(0)} ms; ` +
        `at one look per 5 s: ${(((ownMs + childrenMs) / 100 / 5000) * 100).toFixed(3)}% of one core`,
    );
    expect(seen.at(-1)).toEqual(showArgv(UNITS.map((u) => `${u}.service`)));
    expect(seen).toHaveLength(101);
    expect(engine.watcher.records).toEqual([]);
    expect((ownMs + childrenMs) / 100).toBeLessThan(25);
  });
});
