/**
 * The bundled agent on Debian 12's Node 18, under systemd, in the disposable test
 * server, managing the real nginx and puma-served apps; reached through SSH.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseShow, showArgv } from '../../server/services/apps/systemd-show.js';
import { testServerSupport } from '../support/test-server.js';
import { startAgentContext, type AgentContext } from './agent-context.js';

const support = testServerSupport();

describe.skipIf(!support.ok)('hms-agent on a real server', () => {
  let ctx: AgentContext;
  beforeAll(async () => {
    ctx = await startAgentContext();
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('Given Debian nodejs 18, When the bundle runs under systemd, Then health answers with the version', async () => {
    const node = await ctx.server.exec(['node', '--version']);
    expect(node.stdout).toMatch(/^v18\./);
    const health = await ctx.api('GET', '/api/health', undefined, { authorization: '' });
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'ok', version: expect.any(String) });
  });

  it('Given no token, When the API is called through the tunnel, Then 401', async () => {
    expect((await ctx.api('GET', '/api/audit', undefined, { authorization: '' })).status).toBe(401);
    expect((await ctx.api('GET', '/api/audit', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
  });

  describe('apps', () => {
    it(
      'Given two puma apps, nginx and the agent under systemd, When listed, ' +
        'Then all are active and the apps healthy through their sockets',
      async () => {
        const { status, json } = await ctx.api('GET', '/api/apps');
        expect(status).toBe(200);
        const byName = Object.fromEntries(json.apps.map((a: { name: string }) => [a.name, a]));
        expect(Object.keys(byName)).toEqual(['cigar', 'tobacco', 'nginx', 'agent']);
        for (const name of ['cigar', 'tobacco']) {
          expect(byName[name].state).toMatchObject({ activeState: 'active', subState: 'running' });
          expect(byName[name].state.mainPid).toBeGreaterThan(1);
          expect(byName[name].state.memoryBytes).toBeGreaterThan(1_000_000);
          expect(byName[name].health).toMatchObject({ ok: true, via: 'socket', status: 200 });
          expect(byName[name].currentRelease).toBe('20260101000000');
        }
        expect(byName.nginx.state.activeState).toBe('active');
        expect(byName.agent.state.activeState).toBe('active');
      },
    );

    it(
      "Given the units under the real systemd 252, When listed, Then the agent's answer (from systemd's D-Bus socket) " +
        'says what `systemctl show` says, also for a unit systemd does not know',
      async () => {
        const { json } = await ctx.api('GET', '/api/apps');
        const units: string[] = json.apps.map((a: { state: { unit: string } }) => a.state.unit);
        const shown = await ctx.server.exec([...showArgv([...units, 'hms-nope.service'])]);
        expect(shown.code, shown.stderr).toBe(0);
        const expected = parseShow(shown.stdout, [...units, 'hms-nope.service']);
        // Memory moves between the two reads (and the agent sums the cgroup's where systemd does not account it).
        const comparable = ({ memoryBytes, ...rest }: { memoryBytes: number | null }) => rest;
        expect(json.apps.map((a: { state: { memoryBytes: number | null } }) => comparable(a.state))).toEqual(
          expected.slice(0, units.length).map(comparable),
        );
        expect(expected.at(-1)).toMatchObject({ loadState: 'not-found', activeState: 'inactive' });
      },
    );

    it(
      "Given the agent's answer kept from systemd's signals, When a unit is stopped and started behind its back, " +
        'Then the very next answer shows each change',
      async () => {
        const state = async () => {
          const { json } = await ctx.api('GET', '/api/apps');
          return json.apps.find((a: { name: string }) => a.name === 'tobacco').state;
        };
        const before = await state();
        expect(await state()).toMatchObject({ activeState: 'active', mainPid: before.mainPid });
        const stop = await ctx.server.exec(['systemctl', 'stop', 'tobacco.service']);
        expect(stop.code, stop.stderr).toBe(0);
        expect(await state()).toMatchObject({ activeState: 'inactive', mainPid: null });
        const start = await ctx.server.exec(['systemctl', 'start', 'tobacco.service']);
        expect(start.code, start.stderr).toBe(0);
        const after = await state();
        expect(after).toMatchObject({ activeState: 'active', subState: 'running' });
        expect(after.mainPid).not.toBe(before.mainPid);
      },
    );

    it('Given a running app, When restarted through the API, Then a new main PID serves and the audit log says who', async () => {
      const before = (await ctx.api('GET', '/api/apps/cigar')).json.app.state.mainPid;
      const restart = await ctx.api('POST', '/api/apps/cigar/restart', undefined, { 'x-hms-actor': 'alice@laptop' });
      expect(restart.status).toBe(200);
      expect(restart.json.app.state.activeState).toBe('active');
      expect(restart.json.app.state.mainPid).not.toBe(before);
      const page = await ctx.server.exec([
        'sh',
        '-c',
        "for i in $(seq 50); do curl -fsS -H 'Host: cigar.test' http://127.0.0.1/ && exit 0; sleep 0.2; done; exit 1",
      ]);
      expect(page.stdout).toBe('cigar release 20260101000000');
      const audit = await ctx.api('GET', '/api/audit?limit=5');
      expect(audit.json.entries[0]).toMatchObject({
        actor: 'alice@laptop (api-token)',
        action: 'app.restart',
        target: 'cigar',
        result: 'ok',
      });
    });

    it('Given a running app, When stopped then started, Then the state follows and health fails while stopped', async () => {
      const tobacco = async () =>
        (await ctx.api('GET', '/api/apps')).json.apps.find((a: { name: string }) => a.name === 'tobacco') as {
          state: { activeState: string };
          health: { ok: boolean };
        };
      expect((await tobacco()).state.activeState).toBe('active');
      const stop = await ctx.api('POST', '/api/apps/tobacco/stop');
      expect(stop.json.app.state.activeState).toBe('inactive');
      expect(stop.json.app.health.ok).toBe(false);
      // The list right after the action, within the snapshot's second: no state from before it.
      expect(await tobacco()).toMatchObject({ state: { activeState: 'inactive' }, health: { ok: false } });
      const start = await ctx.api('POST', '/api/apps/tobacco/start');
      expect(start.json.app.state.activeState).toBe('active');
      expect((await tobacco()).state.activeState).toBe('active');
    });

    it('Given an unknown app, When acted on, Then 404 lists the known names and nothing runs', async () => {
      const response = await ctx.api('POST', '/api/apps/cigar%3Bid/restart');
      expect(response.status).toBe(404);
      expect(response.json.hint).toContain('cigar, tobacco');
    });

    it('Given the metrics endpoint, When read on the server, Then CPU, memory, disks and per-app memory are real numbers', async () => {
      const { json } = await ctx.api('GET', '/api/metrics');
      expect(json.memory.totalBytes).toBeGreaterThan(0);
      expect(json.disks.length).toBeGreaterThan(0);
      expect(json.cpu.percent).toBeGreaterThanOrEqual(0);
      expect(json.units.find((u: { unit: string }) => u.unit === 'cigar.service').memoryBytes).toBeGreaterThan(0);
    });
  });
});
