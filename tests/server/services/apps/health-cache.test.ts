/**
 * How often the polled snapshot (GET /api/apps, what the TUI asks every 2 s) really
 * probes an app. puma is a real node:http server on a unix socket that counts the
 * probes; systemctl goes to the recorder (no systemd as PID 1 here); the agent's
 * clock is the test's, so a minute of polling takes no minute.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appsResponseSchema } from '../../../../src/api/apps.js';
import { OK_TTL_MS } from '../../../../server/services/apps/health-cache.js';
import { invalidateUnitSnapshot } from '../../../../server/services/apps/unit-snapshots.js';
import { AUTH, testAgent } from '../../../support/agent.js';
import { systemctlRecorder, type UnitFixture } from '../../systemctl-recorder.js';

let dir: string;
let puma: http.Server;
let healthy = true;
const probes: Array<{ url: string; userAgent: string | undefined }> = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-health-'));
  puma = http.createServer((request, response) => {
    probes.push({ url: request.url!, userAgent: request.headers['user-agent'] });
    response.writeHead(healthy ? 200 : 500).end();
  });
  await new Promise<void>((resolve) => puma.listen(path.join(dir, 'puma.sock'), resolve));
});

afterAll(async () => {
  puma.closeAllConnections();
  await new Promise((resolve) => puma.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  probes.length = 0;
  healthy = true;
});

const running = (mainPid: number): UnitFixture => ({
  activeState: 'active',
  subState: 'running',
  mainPid,
  activeEnter: 'Wed 2026-11-25 18:02:11 UTC',
});

async function polledAgent(cigar: UnitFixture | UnitFixture[] = running(4242)) {
  let now = Date.parse('2026-12-03T14:00:00Z');
  const recorder = systemctlRecorder({ 'cigar.service': cigar, 'nginx.service': running(812), 'hms-agent.service': running(900) });
  const socket = path.join(dir, 'puma.sock');
  const agent = await testAgent({
    config: { apps: { cigar: { unit: 'cigar.service', root: path.join(dir, 'cigar'), health: { socket, path: '/up' } } } },
    exec: recorder.exec,
    clock: () => new Date(now),
  });
  const poll = async (advanceMs = 2000) => {
    now += advanceMs;
    invalidateUnitSnapshot(agent.deps); // its 1 s cache runs on the wall clock, which barely moves here
    const body = appsResponseSchema.parse(await (await agent.app.request('/api/apps', { headers: AUTH })).json());
    return body.apps.find((app) => app.name === 'cigar')!.health!;
  };
  return { agent, poll };
}

describe('health probes of the polled snapshot', () => {
  it(
    'Given a healthy app polled every 2 s for a minute, When nothing changes, ' + 'Then it is probed twice (not 30 times), as hms-health',
    async () => {
      const { poll } = await polledAgent();
      for (let i = 0; i < 30; i += 1) expect((await poll()).ok).toBe(true);
      expect(probes).toHaveLength(60_000 / OK_TTL_MS);
      expect(probes.every((probe) => probe.url === '/up' && probe.userAgent === 'hms-health')).toBe(true);
    },
  );

  it("Given a cached answer, When the unit's PID changes, Then the next poll probes at once", async () => {
    const { poll } = await polledAgent([running(4242), running(4242), running(5151)]);
    await poll();
    await poll();
    expect(probes).toHaveLength(1);
    healthy = false;
    expect((await poll()).ok).toBe(false);
    expect(probes).toHaveLength(2);
  });

  it('Given a cached answer, When an action runs on the app, Then the next poll probes again', async () => {
    const { agent, poll } = await polledAgent();
    await poll();
    await agent.app.request('/api/apps/cigar/reload', { method: 'POST', headers: AUTH });
    const before = probes.length;
    await poll();
    expect(probes.length).toBe(before + 1);
  });

  it('Given a failing app, When polled every 2 s, Then it is probed every 5 s or so, so its recovery shows soon', async () => {
    healthy = false;
    const { poll } = await polledAgent();
    for (let i = 0; i < 30; i += 1) await poll();
    expect(probes.length).toBeGreaterThanOrEqual(10);
    expect(probes.length).toBeLessThanOrEqual(12);
  });
});
