/**
 * `hms status`, `start|stop|restart|reload`, `audit` and `metrics` against a real
 * agent on loopback (HTTP, files, /proc and df for real). systemd cannot run here
 * (no systemd as PID 1), so `systemctl` is answered in systemd 252's own format by
 * tests/server/systemctl-recorder.ts; the e2e suites run the same commands against
 * a real systemd in the test server.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appsResponseSchema } from '../../src/api/apps.js';
import { metricsResponseSchema } from '../../src/api/metrics.js';
import { actionCommands } from '../../src/commands/app-action.js';
import { auditCommand } from '../../src/commands/audit.js';
import { metricsCommand } from '../../src/commands/metrics.js';
import { statusCommand } from '../../src/commands/status.js';
import { serverSchema, type Config } from '../../src/config/schema.js';
import { TEST_TOKEN } from '../support/agent.js';
import { servedAgent, type ServedAgent } from '../support/served-agent.js';
import { systemctlRecorder, type SystemctlRecorder } from '../server/systemctl-recorder.js';
import { testContext, type TestContextOptions } from '../support/test-context.js';

const RUNNING = {
  activeState: 'active',
  subState: 'running',
  mainPid: 4242,
  memoryBytes: 150 * 1024 * 1024,
  restarts: 1,
  activeEnter: 'Wed 2026-11-25 18:02:11 UTC',
};
const RESTARTED = { ...RUNNING, mainPid: 4343, restarts: 2 };

let served: ServedAgent;
let recorder: SystemctlRecorder;

beforeEach(async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'hms-status-app-'));
  await mkdir(path.join(root, 'shared', 'log'), { recursive: true });
  recorder = systemctlRecorder({ 'cigar.service': [RUNNING, RESTARTED], 'nginx.service': RUNNING, 'hms-agent.service': RUNNING });
  served = await servedAgent({ config: { apps: { cigar: { unit: 'cigar.service', root } } }, exec: recorder.exec });
});
afterEach(async () => {
  await served.dispose();
});

const command = (name: string) => actionCommands.find((c) => c.name === name)!;

/** Two servers: the served agent, and one where nothing listens (a server that is down). */
function twoServers(options: TestContextOptions = {}) {
  const down = { ...serverSchema.parse({ host: '127.0.0.1' }), publicUrl: 'http://127.0.0.1:1' };
  const config: Config = { ...served.config, servers: { ...served.config.servers, down } };
  return testContext({ ...options, config, flags: { via: 'https', all: true, ...options.flags }, env: { HMS_TOKEN: TEST_TOKEN } });
}

describe('hms status', () => {
  it('Given an app, nginx and the agent, When asked, Then one table shows each with its state, memory and restarts', async () => {
    const output = await statusCommand.run(served.context());
    expect(output.exitCode).toBe(0);
    expect(output.human).toMatch(/^test \(.+, agent 0\.0\.0-test\)$/m);
    expect(output.human).toMatch(/^cigar\s+● active\/running\s+\S+\s+150\.0M\s+1\s/m);
    expect(output.human).toMatch(/^nginx\s+● active\/running/m);
    expect(appsResponseSchema.parse(output.data).apps.map((a) => a.name)).toEqual(['cigar', 'nginx', 'agent']);
  });

  it('Given an app name that does not exist, When asked, Then it says so and exits 1', async () => {
    const output = await statusCommand.run(served.context({ args: ['nosuch'] }));
    expect(output.exitCode).toBe(1);
    expect(output.human).toBe('test: no app named "nosuch".');
  });

  it('Given --all and one server down, When asked, Then the other is shown, the down one says why, and it exits 1', async () => {
    const output = await statusCommand.run(twoServers());
    expect(output.exitCode).toBe(1);
    expect(output.human).toMatch(/^cigar\s+● active\/running/m);
    expect(output.human).toMatch(/^down: ✗ .+/m);
    const results = output.data as Array<{ server: string; ok: boolean }>;
    expect(results.map((r) => [r.server, r.ok])).toEqual([
      ['test', true],
      ['down', false],
    ]);
  });
});

describe('hms start|stop|restart|reload', () => {
  it('Given restart answered no, When run, Then nothing is asked of systemd and it exits 1', async () => {
    const output = await command('restart').run(served.context({ args: ['cigar'], answers: [false] }));
    expect(output).toMatchObject({ human: 'Nothing done.', exitCode: 1 });
    expect(recorder.systemctlCalls().some((argv) => argv[1] === 'restart')).toBe(false);
  });

  it(
    'Given restart confirmed, When run, ' +
      'Then systemd restarts the unit and the new pid is shown (not the one cached a moment ago); the audit log has it',
    async () => {
      expect((await statusCommand.run(served.context())).human).toMatch(/^cigar\s+● active\/running/m);
      const ctx = served.context({ args: ['cigar'], answers: [true] });
      const output = await command('restart').run(ctx);
      expect(ctx.questions).toEqual(['Restart cigar on test?']);
      expect(recorder.systemctlCalls()).toContainEqual(expect.arrayContaining(['restart', 'cigar.service']));
      expect(output.human).toMatch(/^restart cigar on test: active\/running \(pid 4343\)/);
      const audit = await auditCommand.run(served.context());
      expect(audit.human).toMatch(/^WHEN\s+WHO\s+ACTION\s+TARGET\s+RESULT\s+DETAIL$/m);
      expect(audit.human).toMatch(/\S+@\S+ \(api-token\)\s+\S*restart\s+cigar\s+ok/);
    },
  );

  it('Given start, which changes nothing that runs, When run, Then it is not asked about', async () => {
    const ctx = served.context({ args: ['cigar'] });
    await command('start').run(ctx);
    expect(ctx.questions).toEqual([]);
    expect(recorder.systemctlCalls()).toContainEqual(expect.arrayContaining(['start', 'cigar.service']));
  });

  it('Given no app, When run, Then the usage error names the command', async () => {
    await expect(command('stop').run(served.context())).rejects.toThrow('Which app? `hms stop <app>`.');
  });

  it('Given an app the agent does not manage, When restarted, Then the agent refuses it and systemd is not asked', async () => {
    await expect(command('restart').run(served.context({ args: ['../cigar'], answers: [true] }))).rejects.toThrow(/Unknown app/);
    expect(recorder.systemctlCalls().some((argv) => argv[1] === 'restart')).toBe(false);
  });
});

describe('hms audit', () => {
  it('Given nothing done yet, When asked, Then it says so', async () => {
    expect((await auditCommand.run(served.context())).human).toBe('No actions recorded yet.');
  });
});

describe('hms metrics', () => {
  it(
    'Given this machine, When asked, ' + 'Then CPU, memory and disks are bars, units have their memory, and the data is the contract',
    async () => {
      const output = await metricsCommand.run(served.context());
      expect(output.exitCode).toBe(0);
      expect(output.human).toMatch(/^cpu\s+[█░]{20}\s+\d+%\s+\d+ cores, load /m);
      expect(output.human).toMatch(/^memory\s+[█░]{20}\s+\d+%/m);
      expect(output.human).toMatch(/^disk\s+[█░]{20}/m);
      expect(output.human).toMatch(/^cigar\.service\s+150\.0M$/m);
      expect(output.human).toMatch(/^requests\s+[▁-█]+\s+0 in all$/m);
      expect(metricsResponseSchema.parse(output.data).units.map((u) => u.unit)).toEqual([
        'cigar.service',
        'nginx.service',
        'hms-agent.service',
      ]);
    },
  );

  it('Given --all and one server down, When asked, Then it exits 1 and names the one that failed', async () => {
    const output = await metricsCommand.run(twoServers());
    expect(output.exitCode).toBe(1);
    expect(output.human).toMatch(/^down: ✗ /m);
  });
});
