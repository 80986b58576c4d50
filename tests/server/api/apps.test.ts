/**
 * /api/apps through `app.request()`. systemd cannot run here (no systemd as PID 1),
 * so `systemctl` goes to a recorder answering in systemd 252's format (see
 * tests/server/systemctl-recorder.ts); everything else is real: puma's socket is a
 * real node:http server on a unix socket, `nginx -t` is the real nginx binary, the
 * releases and the audit log are real files in a temp dir.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appActionResponseSchema, appResponseSchema, appsResponseSchema } from '../../../src/api/apps.js';
import type { AuditEntry } from '../../../server/services/audit/audit.js';
import { AUTH, testAgent } from '../../support/agent.js';
import { systemctlRecorder, type UnitFixture } from '../systemctl-recorder.js';

let dir: string;
let puma: http.Server;
const probeHeaders: http.IncomingHttpHeaders[] = [];

const running = (extra: Partial<UnitFixture> = {}): UnitFixture => ({
  activeState: 'active',
  subState: 'running',
  mainPid: 4242,
  memoryBytes: 187_654_144,
  activeEnter: 'Wed 2026-11-25 18:02:11 UTC',
  ...extra,
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-apps-'));
  // The releases: cigar has a current release, tobacco none, slowpoke no folder at all.
  await mkdir(path.join(dir, 'cigar/releases/20261125180211'), { recursive: true });
  await symlink('releases/20261125180211', path.join(dir, 'cigar/current'));
  await mkdir(path.join(dir, 'tobacco/releases'), { recursive: true });
  // A real nginx config that `nginx -t` accepts, and one it rejects.
  await mkdir(path.join(dir, 'nginx'));
  const head = `pid ${dir}/nginx/nginx.pid;\nerror_log ${dir}/nginx/error.log;\nevents {}\n`;
  await writeFile(path.join(dir, 'nginx/nginx.conf'), `${head}http { server { listen 127.0.0.1:18089; } }\n`);
  await writeFile(path.join(dir, 'nginx/broken.conf'), `${head}http { server { listen 127.0.0.1:18089; bogus_directive on; } }\n`);

  // Puma stand-in on a unix socket: /up is healthy, /boom is a 500, /slow never answers.
  puma = http.createServer((request, response) => {
    probeHeaders.push(request.headers);
    if (request.url === '/up') response.end('OK');
    else if (request.url === '/boom') response.writeHead(500).end('Internal Server Error');
    else if (request.url !== '/slow') response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => puma.listen(path.join(dir, 'puma.sock'), resolve));
});

afterAll(async () => {
  puma.closeAllConnections();
  await new Promise((resolve) => puma.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function config(nginxConfig = 'nginx.conf') {
  const socket = path.join(dir, 'puma.sock');
  return {
    apps: {
      cigar: { unit: 'cigar.service', root: path.join(dir, 'cigar'), health: { socket, path: '/up' } },
      tobacco: { unit: 'tobacco.service', root: path.join(dir, 'tobacco'), health: { socket, path: '/boom' } },
      slowpoke: { unit: 'slowpoke.service', root: path.join(dir, 'slowpoke'), health: { socket, path: '/slow', timeoutMs: 300 } },
    },
    nginx: { unit: 'nginx.service', binary: '/usr/sbin/nginx', mainConfig: path.join(dir, 'nginx', nginxConfig) },
  };
}

const HEALTHY_HOST = {
  'cigar.service': running(),
  'tobacco.service': running({ restarts: 3 }),
  'slowpoke.service': running(),
  'nginx.service': running({ mainPid: 812, memoryBytes: undefined }),
  'hms-agent.service': running({ mainPid: 900 }),
};

async function agentWith(recorder = systemctlRecorder(HEALTHY_HOST), nginxConfig?: string) {
  const agent = await testAgent({ config: config(nginxConfig), exec: recorder.exec });
  const auditEntries = async (): Promise<AuditEntry[]> =>
    (await readFile(agent.deps.audit.file, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AuditEntry);
  return { ...agent, recorder, auditEntries };
}

describe('GET /api/apps', () => {
  it('Given three apps, nginx and the agent, When listed, Then one batched systemctl show and parallel probes describe them all', async () => {
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
    expect(recorder.systemctlCalls()[0]!.slice(-5)).toEqual(['cigar.service', 'tobacco.service', 'slowpoke.service', 'nginx.service', 'hms-agent.service']);

    const [cigar, tobacco, slowpoke, nginx, agent] = body.apps;
    expect(cigar).toMatchObject({
      currentRelease: '20261125180211',
      state: { activeState: 'active', subState: 'running', since: '2026-11-25T18:02:11.000Z', mainPid: 4242, memoryBytes: 187_654_144 },
      health: { ok: true, via: 'socket', status: 200, error: null },
    });
    expect(tobacco).toMatchObject({ currentRelease: null, state: { restarts: 3 }, health: { ok: false, status: 500, error: 'HTTP 500' } });
    expect(slowpoke!.currentRelease).toBeNull();
    expect(slowpoke!.health).toMatchObject({ ok: false, status: null, error: 'no answer within 300 ms' });
    expect(slowpoke!.health!.ms).toBeGreaterThanOrEqual(290);
    expect(nginx).toMatchObject({ state: { memoryBytes: null }, health: { ok: true, via: 'unit' }, currentRelease: null });
    expect(agent).toMatchObject({ state: { unit: 'hms-agent.service', mainPid: 900 }, health: { ok: true, via: 'self' } });
    // The probes ran side by side: the whole listing waited for the slow one once.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('Given nginx failed and an app whose socket is gone, When listed, Then their health says why', async () => {
    const recorder = systemctlRecorder({ ...HEALTHY_HOST, 'nginx.service': { activeState: 'failed', subState: 'failed', result: 'exit-code' } });
    const agent = await testAgent({
      config: { ...config(), apps: { cigar: { unit: 'cigar.service', root: path.join(dir, 'cigar'), health: { socket: path.join(dir, 'gone.sock') } } } },
      exec: recorder.exec,
    });

    const body = appsResponseSchema.parse(await (await agent.app.request('/api/apps', { headers: AUTH })).json());

    expect(body.apps[0]!.health).toMatchObject({ ok: false, error: expect.stringContaining('no such socket (is the app') });
    expect(body.apps[1]!.health).toMatchObject({ ok: false, error: 'nginx.service is failed (failed)' });
  });


  it('Given a Rails app with force_ssl behind the socket, When probed, Then the probe says it came through https as nginx would', async () => {
    const { app } = await agentWith();
    probeHeaders.length = 0;
    await app.request('/api/apps/cigar', { headers: AUTH });
    expect(probeHeaders[0]).toMatchObject({ 'x-forwarded-proto': 'https', host: 'localhost' });
  });

  it('Given an app probed by URL over TCP, When listed, Then its health path is fetched from that URL', async () => {
    const server = http.createServer((request, response) => response.writeHead(request.url === '/healthz' ? 204 : 404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const agent = await testAgent({
        config: { apps: { tcpapp: { unit: 'tcpapp.service', root: path.join(dir, 'tcpapp'), health: { url: `http://127.0.0.1:${port}`, path: '/healthz' } } } },
        exec: systemctlRecorder(HEALTHY_HOST).exec,
      });
      const body = appResponseSchema.parse(await (await agent.app.request('/api/apps/tcpapp', { headers: AUTH })).json());
      // A unit systemd does not know is reported as such, not as an error.
      expect(body.app).toMatchObject({ state: { loadState: 'not-found', activeState: 'inactive' }, health: { ok: true, via: 'url', status: 204 } });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('Given an app configured under a reserved name, When listed, Then the error says to rename it', async () => {
    const agent = await testAgent({ config: { apps: { nginx: { unit: 'nginx.service', root: path.join(dir, 'cigar') } } }, exec: systemctlRecorder(HEALTHY_HOST).exec });
    const response = await agent.app.request('/api/apps', { headers: AUTH });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: expect.stringContaining('apps.nginx: "nginx" is reserved'), hint: expect.stringContaining('Rename the app') });
  });
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

  const HOSTILE = ['..%2f', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', '%252e%252e%252f', 'cigar;id', 'cigar%00', '%00', '$(id)', '__proto__', 'constructor', 'CIGAR', 'a'.repeat(5000)];

  it.each(HOSTILE.map((name) => [name.length > 40 ? `${name.slice(0, 8)}… (${name.length} chars)` : name, name]))(
    'Given the hostile name %s, When used for a read or an action, Then 404 and nothing is run',
    async (_label, name) => {
      const { app, recorder, auditEntries } = await agentWith();
      for (const [method, url] of [['GET', `/api/apps/${name}`], ['POST', `/api/apps/${name}/restart`], ['POST', `/api/apps/cigar/${name}`]] as const) {
        const response = await app.request(url, { method, headers: AUTH });
        expect(response.status, `${method} ${url.slice(0, 60)}`).toBe(404);
      }
      expect(recorder.calls).toEqual([]);
      expect(await auditEntries()).toEqual([]);
    },
  );
});

describe('POST /api/apps/:name/:action', () => {
  it('Given a running app, When restarted, Then systemctl restarts it, the agent waits until it is active, and the audit log says who', async () => {
    const recorder = systemctlRecorder({
      'cigar.service': [{ activeState: 'activating', subState: 'start' }, running({ mainPid: 5151 })],
    });
    const { app, auditEntries } = await agentWith(recorder);

    const response = await app.request('/api/apps/cigar/restart', { method: 'POST', headers: AUTH });

    expect(response.status).toBe(200);
    const body = appActionResponseSchema.parse(await response.json());
    expect(body).toMatchObject({ action: 'restart', settled: true, app: { name: 'cigar', state: { activeState: 'active', mainPid: 5151 } } });
    expect(body.message).toBe('cigar: restart done; cigar.service is active (running).');
    expect(recorder.systemctlCalls()[0]).toEqual(['systemctl', 'restart', '--', 'cigar.service']);
    expect(recorder.systemctlCalls().slice(1).every((argv) => argv[1] === 'show')).toBe(true);
    expect(await auditEntries()).toEqual([
      expect.objectContaining({ actor: 'api-token', action: 'app.restart', target: 'cigar', result: 'ok', detail: 'systemctl restart -- cigar.service' }),
    ]);
  });

  it('Given a unit whose job fails, When started, Then 502 carries systemctl stderr and the audit entry records the failure', async () => {
    const stderr = 'Job for tobacco.service failed because the control process exited with error code.\nSee "systemctl status tobacco.service" and "journalctl -xeu tobacco.service" for details.\n';
    const { app, auditEntries } = await agentWith(systemctlRecorder(HEALTHY_HOST, { fail: { action: 'start', code: 1, stderr } }));

    const response = await app.request('/api/apps/tobacco/start', { method: 'POST', headers: AUTH });

    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: string; hint: string };
    expect(body.error).toContain('Job for tobacco.service failed because the control process exited with error code.');
    expect(body.hint).toMatch(/journalctl/);
    expect(await auditEntries()).toEqual([
      expect.objectContaining({ action: 'app.start', target: 'tobacco', result: 'failed', detail: expect.stringContaining('Job for tobacco.service failed') }),
    ]);
  });

  it('Given the agent, When asked to stop itself, Then 409 says to use systemctl on the server, nothing runs, and the refusal is audited', async () => {
    const { app, recorder, auditEntries } = await agentWith();

    const response = await app.request('/api/apps/agent/stop', { method: 'POST', headers: AUTH });

    expect(response.status).toBe(409);
    expect(((await response.json()) as { hint: string }).hint).toBe('Run `sudo systemctl stop hms-agent.service` on the server, or restart it instead.');
    expect(recorder.calls).toEqual([]);
    expect(await auditEntries()).toEqual([expect.objectContaining({ action: 'app.stop', target: 'agent', result: 'refused' })]);
  });

  it('Given the agent, When asked to restart itself, Then the job is queued without blocking and the answer comes before it dies', async () => {
    const { app, recorder, auditEntries } = await agentWith();

    const response = await app.request('/api/apps/agent/restart', { method: 'POST', headers: AUTH });

    expect(response.status).toBe(200);
    expect(appActionResponseSchema.parse(await response.json())).toMatchObject({ settled: false, message: expect.stringContaining('queued') });
    expect(recorder.systemctlCalls()).toEqual([
      ['systemctl', 'restart', '--no-block', '--', 'hms-agent.service'],
      expect.arrayContaining(['show', 'hms-agent.service']),
    ]);
    expect((await auditEntries())[0]).toMatchObject({ action: 'app.restart', target: 'agent', result: 'ok' });
  });

  it('Given a valid nginx config, When nginx is reloaded, Then the real `nginx -t` passes first and systemctl reloads the unit', async () => {
    const { app, recorder } = await agentWith();

    const response = await app.request('/api/apps/nginx/reload', { method: 'POST', headers: AUTH });

    expect(response.status).toBe(200);
    expect(recorder.calls[0]).toEqual(['/usr/sbin/nginx', '-t', '-q', '-c', path.join(dir, 'nginx/nginx.conf')]);
    expect(recorder.calls[1]).toEqual(['systemctl', 'reload', '--', 'nginx.service']);
  });

  it('Given a broken nginx config, When nginx is reloaded, Then 409 quotes nginx -t, nothing is reloaded, and the refusal is audited', async () => {
    const { app, recorder, auditEntries } = await agentWith(undefined, 'broken.conf');

    const response = await app.request('/api/apps/nginx/reload', { method: 'POST', headers: AUTH });

    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: string }).error).toMatch(/unknown directive "bogus_directive"/);
    expect(recorder.systemctlCalls()).toEqual([]);
    expect(await auditEntries()).toEqual([expect.objectContaining({ action: 'app.reload', target: 'nginx', result: 'refused', detail: expect.stringContaining('bogus_directive') })]);
  });

  it('Given an unknown action, When posted, Then 404 lists the actions and nothing runs', async () => {
    const { app, recorder } = await agentWith();
    const response = await app.request('/api/apps/cigar/explode', { method: 'POST', headers: AUTH });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { hint: string }).hint).toBe('Known actions: start, stop, restart, reload.');
    expect(recorder.calls).toEqual([]);
  });

  it('Given no credentials, When an action is posted, Then 401 and nothing runs', async () => {
    const { app, recorder } = await agentWith();
    expect((await app.request('/api/apps/cigar/restart', { method: 'POST' })).status).toBe(401);
    expect(recorder.calls).toEqual([]);
  });
});

describe('apps where systemd cannot answer', () => {
  it('Given this machine (systemd is not PID 1 here) and the real exec, When apps are listed, Then every item is shown with the reason instead of an error', async () => {
    const { app } = await testAgent({ config: { apps: { cigar: { unit: 'cigar.service', root: '/nonexistent/cigar' } } } });
    const response = await app.request('/api/apps', { headers: AUTH });
    expect(response.status).toBe(200);
    const body = appsResponseSchema.parse(await response.json());
    expect(body.apps.map((a) => a.name)).toEqual(['cigar', 'nginx', 'agent']);
    for (const item of body.apps) {
      expect(item.state.activeState).toBe('unknown');
      expect(item.problem).toMatch(/systemd|systemctl/i);
    }
  });
});
