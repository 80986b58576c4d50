/**
 * GET /api/metrics through `app.request()`. /proc, the disks and the access log are
 * real (this host's /proc, a temp log); only `systemctl` goes to a recorder in
 * systemd 252's format, as there is no systemd as PID 1 here.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricsResponseSchema } from '../../../src/api/metrics.js';
import { AUTH, testAgent } from '../../support/agent.js';
import { systemctlRecorder } from '../systemctl-recorder.js';

const NOW = new Date('2026-11-25T18:02:30Z');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hms-metrics-api-'));
  await mkdir(path.join(dir, 'cigar'));
  const line = (time: string, status: number) => `198.51.100.4 - - [${time}] "GET /up HTTP/1.1" ${status} 2 "-" "curl/7.88.1"`;
  await writeFile(
    path.join(dir, 'access.log'),
    [
      line('25/Nov/2026:17:40:00 +0000', 200),
      line('25/Nov/2026:18:01:10 +0000', 200),
      line('25/Nov/2026:18:01:20 +0000', 502),
      'malformed',
      line('25/Nov/2026:18:02:10 +0000', 200),
    ].join('\n') + '\n',
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function agent() {
  const recorder = systemctlRecorder({
    'cigar.service': { activeState: 'active', subState: 'running', mainPid: 4242, memoryBytes: 187_654_144 },
    'nginx.service': { activeState: 'active', subState: 'running', mainPid: 812, memoryBytes: 9_437_184 },
    'hms-agent.service': { activeState: 'active', subState: 'running', mainPid: 900 },
  });
  const built = await testAgent({
    config: {
      apps: {
        cigar: { unit: 'cigar.service', root: path.join(dir, 'cigar') },
        tobacco: { unit: 'tobacco.service', root: path.join(dir, 'tobacco') },
      },
      nginx: { accessLog: path.join(dir, 'access.log') },
    },
    exec: recorder.exec,
    clock: () => NOW,
  });
  return { ...built, recorder };
}

describe('GET /api/metrics', () => {
  it(
    'Given a host, its units and an access log, When metrics are asked for, ' +
      'Then one snapshot has CPU, memory, disks, unit memory and nginx traffic',
    async () => {
      const { app, recorder } = await agent();

      const response = await app.request('/api/metrics?minutes=5', { headers: AUTH });

      expect(response.status).toBe(200);
      const body = metricsResponseSchema.parse(await response.json());
      expect(body).toMatchObject({ hostname: os.hostname(), at: NOW.toISOString() });
      expect(body.cpu.percent).toBeGreaterThanOrEqual(0);
      expect(body.cpu.cores).toBe(os.cpus().length);
      expect(body.memory.totalBytes).toBe(os.totalmem());
      expect(body.uptimeSeconds).toBeGreaterThan(0);
      expect(body.disks.map((disk) => disk.path)).toContain('/');
      // The app roots are watched when they exist; tobacco's does not.
      expect(body.disks.flatMap((disk) => disk.paths)).toContain(path.join(dir, 'cigar'));
      expect(body.disks.flatMap((disk) => disk.paths)).not.toContain(path.join(dir, 'tobacco'));

      expect(recorder.systemctlCalls()).toHaveLength(1);
      expect(body.units).toEqual([
        { name: 'cigar', kind: 'app', unit: 'cigar.service', activeState: 'active', memoryBytes: 187_654_144 },
        { name: 'tobacco', kind: 'app', unit: 'tobacco.service', activeState: 'inactive', memoryBytes: null },
        { name: 'nginx', kind: 'nginx', unit: 'nginx.service', activeState: 'active', memoryBytes: 9_437_184 },
        { name: 'agent', kind: 'agent', unit: 'hms-agent.service', activeState: 'active', memoryBytes: null },
      ]);

      expect(body.nginx).toMatchObject({ minutes: 5, requests: 3, errors5xx: 1, skippedLines: 1, error: null });
      expect(body.nginx.perMinute.map((minute) => [minute.minute.slice(11, 16), minute.requests, minute.errors5xx])).toEqual([
        ['17:58', 0, 0],
        ['17:59', 0, 0],
        ['18:00', 0, 0],
        ['18:01', 2, 1],
        ['18:02', 1, 0],
      ]);
    },
  );

  it('Given no minutes, When metrics are asked for, Then the nginx window is 15 minutes', async () => {
    const { app } = await agent();
    const body = metricsResponseSchema.parse(await (await app.request('/api/metrics', { headers: AUTH })).json());
    expect(body.nginx.perMinute).toHaveLength(15);
  });

  it.each(['abc', '0', '181', '1.5', '-3', '1e9'])(
    'Given minutes=%s, When metrics are asked for, Then 400 names the parameter and nothing runs',
    async (minutes) => {
      const { app, recorder } = await agent();
      const response = await app.request(`/api/metrics?minutes=${minutes}`, { headers: AUTH });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/^minutes: /);
      expect(recorder.calls).toEqual([]);
    },
  );

  it('Given no credentials, When metrics are asked for, Then 401', async () => {
    const { app } = await agent();
    expect((await app.request('/api/metrics')).status).toBe(401);
  });
});
