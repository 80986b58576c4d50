/**
 * /api/apps actions through `app.request()`: start, stop, restart and reload, with
 * the audit log. The host behind them is tests/support/apps-host.ts.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appActionResponseSchema } from '../../../src/api/apps.js';
import { AUTH } from '../../support/agent.js';
import { appsAgents, appsHost, HEALTHY_HOST, running, type AppsHost } from '../../support/apps-host.js';
import { systemctlRecorder } from '../systemctl-recorder.js';

let host: AppsHost;
let dir: string;
beforeAll(async () => {
  host = await appsHost();
  ({ dir } = host);
});
afterAll(() => host.stop());

const { agentWith } = appsAgents(() => dir);

describe('POST /api/apps/:name/:action', () => {
  it(
    'Given a running app, When restarted, ' + 'Then systemctl restarts it, the agent waits until it is active, and the audit log says who',
    async () => {
      const recorder = systemctlRecorder({
        'cigar.service': [{ activeState: 'activating', subState: 'start' }, running({ mainPid: 5151 })],
      });
      const { app, auditEntries } = await agentWith(recorder);

      const response = await app.request('/api/apps/cigar/restart', { method: 'POST', headers: AUTH });

      expect(response.status).toBe(200);
      const body = appActionResponseSchema.parse(await response.json());
      expect(body).toMatchObject({
        action: 'restart',
        settled: true,
        app: { name: 'cigar', state: { activeState: 'active', mainPid: 5151 } },
      });
      expect(body.message).toBe('cigar: restart done; cigar.service is active (running).');
      expect(recorder.systemctlCalls()[0]).toEqual(['systemctl', 'restart', '--', 'cigar.service']);
      expect(
        recorder
          .systemctlCalls()
          .slice(1)
          .every((argv) => argv[1] === 'show'),
      ).toBe(true);
      expect(await auditEntries()).toEqual([
        expect.objectContaining({
          actor: 'api-token',
          action: 'app.restart',
          target: 'cigar',
          result: 'ok',
          detail: 'systemctl restart -- cigar.service',
        }),
      ]);
    },
  );

  it('Given a unit whose job fails, When started, Then 502 carries systemctl stderr and the audit entry records the failure', async () => {
    const stderr =
      'Job for tobacco.service failed because the control process exited with error code.\n' +
      'See "systemctl status tobacco.service" and "journalctl -xeu tobacco.service" for details.\n';
    const { app, auditEntries } = await agentWith(systemctlRecorder(HEALTHY_HOST, { fail: { action: 'start', code: 1, stderr } }));

    const response = await app.request('/api/apps/tobacco/start', { method: 'POST', headers: AUTH });

    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: string; hint: string };
    expect(body.error).toContain('Job for tobacco.service failed because the control process exited with error code.');
    expect(body.hint).toMatch(/journalctl/);
    expect(await auditEntries()).toEqual([
      expect.objectContaining({
        action: 'app.start',
        target: 'tobacco',
        result: 'failed',
        detail: expect.stringContaining('Job for tobacco.service failed'),
      }),
    ]);
  });

  it(
    'Given the agent, When asked to stop itself, ' +
      'Then 409 says to use systemctl on the server, nothing runs, and the refusal is audited',
    async () => {
      const { app, recorder, auditEntries } = await agentWith();

      const response = await app.request('/api/apps/agent/stop', { method: 'POST', headers: AUTH });

      expect(response.status).toBe(409);
      expect(((await response.json()) as { hint: string }).hint).toBe(
        'Run `sudo systemctl stop hms-agent.service` on the server, or restart it instead.',
      );
      expect(recorder.calls).toEqual([]);
      expect(await auditEntries()).toEqual([expect.objectContaining({ action: 'app.stop', target: 'agent', result: 'refused' })]);
    },
  );

  it(
    'Given the agent, When asked to restart itself, ' + 'Then the job is queued without blocking and the answer comes before it dies',
    async () => {
      const { app, recorder, auditEntries } = await agentWith();

      const response = await app.request('/api/apps/agent/restart', { method: 'POST', headers: AUTH });

      expect(response.status).toBe(200);
      expect(appActionResponseSchema.parse(await response.json())).toMatchObject({
        settled: false,
        message: expect.stringContaining('queued'),
      });
      expect(recorder.systemctlCalls()).toEqual([
        ['systemctl', 'restart', '--no-block', '--', 'hms-agent.service'],
        expect.arrayContaining(['show', 'hms-agent.service']),
      ]);
      expect((await auditEntries())[0]).toMatchObject({ action: 'app.restart', target: 'agent', result: 'ok' });
    },
  );

  it(
    'Given a valid nginx config, When nginx is reloaded, ' + 'Then the real `nginx -t` passes first and systemctl reloads the unit',
    async () => {
      const { app, recorder } = await agentWith();

      const response = await app.request('/api/apps/nginx/reload', { method: 'POST', headers: AUTH });

      expect(response.status).toBe(200);
      expect(recorder.calls[0]).toEqual(['/usr/sbin/nginx', '-t', '-q', '-c', path.join(dir, 'nginx/nginx.conf')]);
      expect(recorder.calls[1]).toEqual(['systemctl', 'reload', '--', 'nginx.service']);
    },
  );

  it(
    'Given a broken nginx config, When nginx is reloaded, ' + 'Then 409 quotes nginx -t, nothing is reloaded, and the refusal is audited',
    async () => {
      const { app, recorder, auditEntries } = await agentWith(undefined, 'broken.conf');

      const response = await app.request('/api/apps/nginx/reload', { method: 'POST', headers: AUTH });

      expect(response.status).toBe(409);
      expect(((await response.json()) as { error: string }).error).toMatch(/unknown directive "bogus_directive"/);
      expect(recorder.systemctlCalls()).toEqual([]);
      expect(await auditEntries()).toEqual([
        expect.objectContaining({
          action: 'app.reload',
          target: 'nginx',
          result: 'refused',
          detail: expect.stringContaining('bogus_directive'),
        }),
      ]);
    },
  );

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
