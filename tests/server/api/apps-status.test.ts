/**
 * /api/apps reads through `app.request()`: the listing, one app, and a host where
 * systemd cannot answer. The host behind them is tests/support/apps-host.ts.
 */
import http from 'node:http';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appResponseSchema, appsResponseSchema } from '../../../src/api/apps.js';
import { AUTH, testAgent } from '../../support/agent.js';
import { appsAgents, appsHost, HEALTHY_HOST, type AppsHost } from '../../support/apps-host.js';
import { systemctlRecorder } from '../systemctl-recorder.js';

let host: AppsHost;
let dir: string;
let probeHeaders: http.IncomingHttpHeaders[];
beforeAll(async () => {
  host = await appsHost();
  ({ dir, probeHeaders } = host);
});
afterAll(() => host.stop());

const { config, agentWith } = appsAgents(() => dir);

describe('GET /api/apps', () => {
  it(
    'Given three apps, nginx and the agent, When listed, ' + 'Then one batched systemctl show and parallel probes describe them all',
    async () => {
      const { app, recorder } = await agentWith();
      const started = Date.now();

      const response = await app.request('/api/apps', { headers: AUTH });

      expect(response.status).toBe(200);
      const body = appsResponseSchema.parse(await response.json());
      expect(body).toMatchObject({ hostname: hostname(), version: '0.0.0-test' });
      expect(body.apps.map((entry) => [entry.name, entry.kind])).toEqual([
        ['cigar', 'app'],
        ['tobacco', 'app'],
        ['slowpoke', 'app'],
        ['nginx', 'nginx'],
        ['agent', 'agent'],
      ]);
      expect(recorder.systemctlCalls()).toHaveLength(1);
      expect(recorder.systemctlCalls()[0]!.slice(-5)).toEqual([
        'cigar.service',
        'tobacco.service',
        'slowpoke.service',
        'nginx.service',
        'hms-agent.service',
      ]);

      const [cigar, tobacco, slowpoke, nginx, agent] = body.apps;
      expect(cigar).toMatchObject({
        currentRelease: '20261125180211',
        state: { activeState: 'active', subState: 'running', since: '2026-11-25T18:02:11.000Z', mainPid: 4242, memoryBytes: 187_654_144 },
        health: { ok: true, via: 'socket', status: 200, error: null },
      });
      expect(tobacco).toMatchObject({
        currentRelease: null,
        state: { restarts: 3 },
        health: { ok: false, status: 500, error: 'HTTP 500' },
      });
      expect(slowpoke!.currentRelease).toBeNull();
      expect(slowpoke!.health).toMatchObject({ ok: false, status: null, error: 'no answer within 300 ms' });
      expect(slowpoke!.health!.ms).toBeGreaterThanOrEqual(290);
      expect(nginx).toMatchObject({ state: { memoryBytes: null }, health: { ok: true, via: 'unit' }, currentRelease: null });
      expect(agent).toMatchObject({ state: { unit: 'hms-agent.service', mainPid: 900 }, health: { ok: true, via: 'self' } });
      // The probes ran side by side: the whole listing waited for the slow one once.
      expect(Date.now() - started).toBeLessThan(2000);
    },
  );

  it('Given nginx failed and an app whose socket is gone, When listed, Then their health says why', async () => {
    const recorder = systemctlRecorder({
      ...HEALTHY_HOST,
      'nginx.service': { activeState: 'failed', subState: 'failed', result: 'exit-code' },
    });
    const agent = await testAgent({
      config: {
        ...config(),
        apps: { cigar: { unit: 'cigar.service', root: path.join(dir, 'cigar'), health: { socket: path.join(dir, 'gone.sock') } } },
      },
      exec: recorder.exec,
    });

    const body = appsResponseSchema.parse(await (await agent.app.request('/api/apps', { headers: AUTH })).json());

    expect(body.apps[0]!.health).toMatchObject({ ok: false, error: expect.stringContaining('no such socket (is the app') });
    expect(body.apps[1]!.health).toMatchObject({ ok: false, error: 'nginx.service is failed (failed)' });
  });

  it(
    'Given a Rails app with force_ssl behind the socket, When probed, ' + 'Then the probe says it came through https as nginx would',
    async () => {
      const { app } = await agentWith();
      probeHeaders.length = 0;
      await app.request('/api/apps/cigar', { headers: AUTH });
      expect(probeHeaders[0]).toMatchObject({ 'x-forwarded-proto': 'https', host: 'localhost' });
    },
  );

  it('Given an app probed by URL over TCP, When listed, Then its health path is fetched from that URL', async () => {
    const server = http.createServer((request, response) => response.writeHead(request.url === '/healthz' ? 204 : 404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const agent = await testAgent({
        config: {
          apps: {
            tcpapp: {
              unit: 'tcpapp.service',
              root: path.join(dir, 'tcpapp'),
              health: { url: `http://127.0.0.1:${port}`, path: '/healthz' },
            },
          },
        },
        exec: systemctlRecorder(HEALTHY_HOST).exec,
      });
      const body = appResponseSchema.parse(await (await agent.app.request('/api/apps/tcpapp', { headers: AUTH })).json());
      // A unit systemd does not know is reported as such, not as an error.
      expect(body.app).toMatchObject({
        state: { loadState: 'not-found', activeState: 'inactive' },
        health: { ok: true, via: 'url', status: 204 },
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('Given an app configured under a reserved name, When listed, Then the error says to rename it', async () => {
    const agent = await testAgent({
      config: { apps: { nginx: { unit: 'nginx.service', root: path.join(dir, 'cigar') } } },
      exec: systemctlRecorder(HEALTHY_HOST).exec,
    });
    const response = await agent.app.request('/api/apps', { headers: AUTH });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({
      error: expect.stringContaining('apps.nginx: "nginx" is reserved'),
      hint: expect.stringContaining('Rename the app'),
    });
  });
});

describe('GET /api/apps?include=backups', () => {
  it(
    'Given the apps, When listed with their backups, Then one answer carries both (the overview as GET /api/backups has it); ' +
      'an unknown include is a 400 that names the one there is',
    async () => {
      const { app } = await agentWith();
      const both = await app.request('/api/apps?include=backups', { headers: AUTH });
      expect(both.status).toBe(200);
      const answer = appsResponseSchema.parse(await both.json());
      const overview = await (await app.request('/api/backups', { headers: AUTH })).json();
      expect(answer.apps.map((a) => a.name)).toEqual(['cigar', 'tobacco', 'slowpoke', 'nginx', 'agent']);
      expect(answer.backups).toEqual(overview);
      expect(answer.backupsError).toBeUndefined();
      const plain = appsResponseSchema.parse(await (await app.request('/api/apps', { headers: AUTH })).json());
      expect(plain.backups).toBeUndefined();
      const wrong = await app.request('/api/apps?include=metrics', { headers: AUTH });
      expect(wrong.status).toBe(400);
      expect((await wrong.json()).error).toBe('include may be "backups", not "metrics".');
    },
  );
});

describe('GET /api/apps/:name', () => {
  it('Given a configured app, When asked for it, Then only its unit is shown', async () => {
    const { app, recorder } = await agentWith();
    const response = await app.request('/api/apps/cigar', { headers: AUTH });
    expect(response.status).toBe(200);
    expect(appResponseSchema.parse(await response.json()).app).toMatchObject({ name: 'cigar', currentRelease: '20261125180211' });
    expect(recorder.systemctlCalls()[0]!.at(-1)).toBe('cigar.service');
  });

  it('Given an unknown name, When asked for it, Then 404 lists the known names', async () => {
    const { app } = await agentWith();
    const response = await app.request('/api/apps/nope', { headers: AUTH });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: 'Unknown app "nope".',
      hint: 'Known apps: cigar, tobacco, slowpoke, nginx, agent.',
      details: { known: ['cigar', 'tobacco', 'slowpoke', 'nginx', 'agent'] },
    });
  });

  const HOSTILE = [
    '..%2f',
    '..%2F..%2Fetc%2Fpasswd',
    '%2e%2e',
    '%252e%252e%252f',
    'cigar;id',
    'cigar%00',
    '%00',
    '$(id)',
    '__proto__',
    'constructor',
    'CIGAR',
    'a'.repeat(5000),
  ];

  it.each(HOSTILE.map((name) => [name.length > 40 ? `${name.slice(0, 8)}… (${name.length} chars)` : name, name]))(
    'Given the hostile name %s, When used for a read or an action, Then 404 and nothing is run',
    async (_label, name) => {
      const { app, recorder, auditEntries } = await agentWith();
      for (const [method, url] of [
        ['GET', `/api/apps/${name}`],
        ['POST', `/api/apps/${name}/restart`],
        ['POST', `/api/apps/cigar/${name}`],
      ] as const) {
        const response = await app.request(url, { method, headers: AUTH });
        expect(response.status, `${method} ${url.slice(0, 60)}`).toBe(404);
      }
      expect(recorder.calls).toEqual([]);
      expect(await auditEntries()).toEqual([]);
    },
  );
});

describe('apps where systemd cannot answer', () => {
  it(
    'Given this machine (systemd is not PID 1 here) and the real exec, ' +
      'When apps are listed, Then every item is shown with the reason instead of an error',
    async () => {
      const { app } = await testAgent({ config: { apps: { cigar: { unit: 'cigar.service', root: '/nonexistent/cigar' } } } });
      const response = await app.request('/api/apps', { headers: AUTH });
      expect(response.status).toBe(200);
      const body = appsResponseSchema.parse(await response.json());
      expect(body.apps.map((a) => a.name)).toEqual(['cigar', 'nginx', 'agent']);
      for (const item of body.apps) {
        expect(item.state.activeState).toBe('unknown');
        expect(item.problem).toMatch(/systemd|systemctl/i);
      }
    },
  );
});
