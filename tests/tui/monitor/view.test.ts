/**
 * hms monitor's data side: the agent's /api/metrics and /api/apps answers (checked
 * against the contract's schemas) turned into what the charts, gauges and the apps
 * table show. No terminal involved.
 */
import { describe, expect, it } from 'vitest';
import { appsResponseSchema, type AppStatus } from '../../../src/api/apps.js';
import { metricsResponseSchema, type MetricsResponse } from '../../../src/api/metrics.js';
import { appRow, appsView } from '../../../tui/monitor/apps-view.js';
import {
  addSample,
  alertColor,
  gaugeValue,
  HISTORY_POINTS,
  metricsView,
  trafficView,
  type Sample,
} from '../../../tui/monitor/metrics-view.js';

const GiB = 1024 ** 3;

function metricsAt(at: string, overrides: { cpu?: number; memoryPercent?: number } = {}): MetricsResponse {
  return metricsResponseSchema.parse({
    hostname: 'web-1',
    at,
    uptimeSeconds: 86_400,
    cpu: { percent: overrides.cpu ?? 37.5, cores: 4, sampleMs: 200 },
    memory: { totalBytes: 8 * GiB, availableBytes: 6 * GiB, usedBytes: 2 * GiB, usedPercent: overrides.memoryPercent ?? 25 },
    swap: { totalBytes: 0, freeBytes: 0, usedBytes: 0, usedPercent: 0 },
    load: { one: 0.42, five: 0.3, fifteen: 0.25 },
    disks: [
      {
        path: '/',
        paths: ['/', '/var'],
        sizeBytes: 100 * GiB,
        usedBytes: 91 * GiB,
        freeBytes: 9 * GiB,
        usedPercent: 91,
        inodesTotal: 1000,
        inodesUsed: 100,
        inodesPercent: 10,
      },
      {
        path: '/srv',
        paths: ['/srv'],
        sizeBytes: 500 * GiB,
        usedBytes: 2.5 * GiB,
        freeBytes: 497.5 * GiB,
        usedPercent: 0.5,
        inodesTotal: 1000,
        inodesUsed: 850,
        inodesPercent: 85,
      },
    ],
    units: [],
    nginx: {
      file: '/var/log/nginx/access.log',
      minutes: 3,
      perMinute: [
        { minute: '2026-11-25T18:00:00.000Z', requests: 120, errors5xx: 0 },
        { minute: '2026-11-25T18:01:00.000Z', requests: 95, errors5xx: 3 },
        { minute: '2026-11-25T18:02:00.000Z', requests: 10, errors5xx: 1 },
      ],
      requests: 225,
      errors5xx: 4,
      skippedLines: 0,
      truncated: false,
      error: null,
    },
  });
}

const unit = { description: '', loadState: 'loaded', since: '2026-11-25T17:00:00.000Z', mainPid: 4242, result: 'success' };

function app(overrides: Partial<AppStatus> & { name: string }): AppStatus {
  return {
    kind: 'app',
    state: {
      ...unit,
      unit: `${overrides.name}.service`,
      activeState: 'active',
      subState: 'running',
      memoryBytes: 187_654_144,
      restarts: 2,
    },
    health: { ok: true, via: 'socket', status: 200, ms: 12.4, error: null },
    currentRelease: '20261125180211',
    ...overrides,
  };
}

describe('CPU and memory history', () => {
  it(
    'Given refreshes one after another, When samples are added, ' +
      'Then the charts show one point per refresh with its time, oldest first',
    () => {
      let history: Sample[] = [];
      history = addSample(history, metricsAt('2026-11-25T18:02:11.000Z', { cpu: 10, memoryPercent: 20 }));
      history = addSample(history, metricsAt('2026-11-25T18:02:13.000Z', { cpu: 55.5, memoryPercent: 21 }));
      const view = metricsView(history, metricsAt('2026-11-25T18:02:13.000Z', { cpu: 55.5, memoryPercent: 21 }));
      expect(view.cpu.series[0]).toMatchObject({ x: ['18:02:11', '18:02:13'], y: [10, 55.5] });
      expect(view.memory.series[0]).toMatchObject({ x: ['18:02:11', '18:02:13'], y: [20, 21] });
      expect(view.cpu.maxY).toBe(100);
    },
  );

  it('Given more refreshes than the history keeps, When one more comes, Then the oldest point is dropped', () => {
    let history: Sample[] = [];
    for (let i = 0; i < HISTORY_POINTS + 5; i += 1)
      history = addSample(history, metricsAt(new Date(Date.UTC(2026, 10, 25, 18, 0, i * 2)).toISOString(), { cpu: i }));
    expect(history).toHaveLength(HISTORY_POINTS);
    expect(history[0]!.cpuPercent).toBe(5);
  });

  it('Given a snapshot, When labelled, Then the labels carry the numbers a person looks for: cores, load, used of total memory', () => {
    const view = metricsView([], metricsAt('2026-11-25T18:02:11.000Z'));
    expect(view.cpu.label).toBe(' CPU 38% of 4 cores · load 0.42 0.30 0.25 ');
    expect(view.memory.label).toBe(' Memory 2.0G / 8.0G (25%) ');
  });
});

describe('disk gauges', () => {
  it('Given two disks, When shown, Then each gauge gives used of size, then its paths, and a nearly full one is red', () => {
    const [root, srv] = metricsView([], metricsAt('2026-11-25T18:02:11.000Z')).disks;
    expect(root).toEqual({ label: '91.0G / 100.0G (91%)  / /var', value: 91, color: 'red' });
    expect(srv!.label).toBe('2.5G / 500.0G (0.5%) · inodes 85%  /srv');
  });

  it('Given a disk under 1% full, When handed to the gauge, Then it is given as a fraction so the gauge does not read 0.5 as 50%', () => {
    expect(gaugeValue(0.5)).toBe(0.005);
    expect(gaugeValue(0)).toBe(0);
    expect(gaugeValue(42)).toBe(42);
    expect(gaugeValue(130)).toBe(100);
  });

  it('Given fill levels, When coloured, Then green below 80%, yellow from 80%, red from 90%', () => {
    expect([12, 80, 89.9, 90].map(alertColor)).toEqual(['green', 'yellow', 'yellow', 'red']);
  });
});

describe('requests per minute', () => {
  it(
    "Given nginx's minutes, When charted, " + 'Then requests and 5xx are two series over the same minutes, with headroom above the peak',
    () => {
      const view = trafficView(metricsAt('2026-11-25T18:02:11.000Z'));
      expect(view.series.map((s) => [s.title, s.x, s.y])).toEqual([
        ['requests', ['18:00', '18:01', '18:02'], [120, 95, 10]],
        ['5xx', ['18:00', '18:01', '18:02'], [0, 3, 1]],
      ]);
      expect(view.maxY).toBe(144);
      expect(view.label).toBe(' Requests/min: 225 in 3 min, 4 5xx ');
    },
  );

  it('Given a quiet server (all zero), When charted, Then the y axis still has a height', () => {
    const quiet = metricsAt('2026-11-25T18:02:11.000Z');
    quiet.nginx.perMinute = quiet.nginx.perMinute.map((m) => ({ ...m, requests: 0, errors5xx: 0 }));
    expect(trafficView(quiet).maxY).toBe(4);
  });

  it('Given an access log the agent cannot read, When charted, Then the label says why', () => {
    const unreadable = metricsAt('2026-11-25T18:02:11.000Z');
    unreadable.nginx.error = 'cannot read /var/log/nginx/access.log: permission denied';
    expect(trafficView(unreadable).label).toBe(' Requests/min: cannot read /var/log/nginx/access.log: permission denied ');
  });
});

describe('apps table', () => {
  it('Given apps, nginx and the agent, When tabled, Then each row has name, state, memory, restarts and health', () => {
    const snapshot = appsResponseSchema.parse({
      hostname: 'web-1',
      version: '0.1.0',
      at: '2026-11-25T18:02:11.000Z',
      apps: [
        app({ name: 'cigar' }),
        app({
          name: 'tobacco',
          state: { ...unit, unit: 'tobacco.service', activeState: 'failed', subState: 'failed', memoryBytes: null, restarts: 5 },
          health: { ok: false, via: 'socket', status: null, ms: 3, error: 'connect ENOENT /srv/tobacco/puma.sock' },
        }),
        app({ name: 'nginx', kind: 'nginx', health: null }),
      ],
    });
    expect(appsView(snapshot)).toEqual({
      rows: [
        ['cigar', '● active/running', '179.0M', '2', 'ok 12ms'],
        ['tobacco', '✗ failed/failed', '–', '5', '✗ connect ENOENT /srv/tobacco/puma.sock'],
        ['nginx', '● active/running', '179.0M', '2', '–'],
      ],
      problems: [],
    });
  });

  it('Given a health error with braces and a newline, When tabled, Then it cannot style the table or break the row', () => {
    const row = appRow(app({ name: 'cigar', health: { ok: false, via: 'url', status: 500, ms: 1, error: 'bad {red-fg}json\nhere' } }));
    expect(row[4]).toBe('✗ bad (red-fg)json here');
  });

  it('Given units whose state is unknown for the same reason, When tabled, Then the reason is given once', () => {
    const problem = 'System has not been booted with systemd as init system (PID 1).';
    const unknown = { ...unit, activeState: 'unknown', subState: 'unknown', memoryBytes: null, restarts: null };
    const snapshot = appsResponseSchema.parse({
      hostname: 'laptop',
      version: '0.1.0',
      at: '2026-11-25T18:02:11.000Z',
      apps: [
        app({ name: 'nginx', kind: 'nginx', problem, state: { ...unknown, unit: 'nginx.service' } }),
        app({ name: 'agent', kind: 'agent', problem, state: { ...unknown, unit: 'hms-agent.service' } }),
      ],
    });
    const view = appsView(snapshot);
    expect(view.problems).toEqual([problem]);
    expect(view.rows[0]!.slice(1, 4)).toEqual(['? unknown/unknown', '–', '–']);
  });
});
