/**
 * GET /api/backups on a real server under systemd 252: the agent reads the apps'
 * environments and the backup timer from systemd's D-Bus socket; with that socket
 * hidden from the agent it falls back to `systemctl show`, and both answers agree,
 * with each other and with what systemctl says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTimer, timerArgv } from '../../server/services/backups/overview.js';
import { mustExec, restartAgent } from '../bench/agent-server.js';
import { put } from '../support/server-kit.js';
import { testServerSupport } from '../support/test-server.js';
import { startAgentContext, type AgentContext } from './agent-context.js';

const support = testServerSupport();
const DROP_IN = 'hms-e2e-database.conf';
const HIDE_BUS = '/etc/systemd/system/hms-agent.service.d/hms-e2e-no-bus.conf';

describe.skipIf(!support.ok)('GET /api/backups from systemd (D-Bus, else systemctl)', { timeout: 300_000 }, () => {
  let ctx: AgentContext;
  beforeAll(async () => {
    ctx = await startAgentContext();
  }, 300_000);
  afterAll(async () => {
    await ctx?.close();
  });

  const overview = async () => {
    const { status, json } = await ctx.api('GET', '/api/backups');
    expect(status).toBe(200);
    return json as { schedule?: { next?: string }; apps: Array<{ app: string }> };
  };
  const systemctlTimer = async () => {
    const env = 'PATH=/usr/sbin:/usr/bin:/sbin:/bin TZ=UTC LANG=C.UTF-8';
    return parseTimer(await mustExec(ctx.server, ['sh', '-c', `env ${env} ${timerArgv().join(' ')}`]));
  };

  it('Given no database in any unit and no backup timer, When the overview is read, Then no app and no schedule', async () => {
    expect(await systemctlTimer()).toEqual({ loaded: false });
    expect(await overview()).toEqual({ apps: [] });
  });

  it(
    'Given a DATABASE_URL in one unit (Environment=) and in another (EnvironmentFile=) and a running timer, ' +
      'When read over D-Bus and then over systemctl (socket hidden), Then both list both apps with the next run systemctl shows',
    async () => {
      const s = ctx.server;
      await put(
        s,
        `/etc/systemd/system/cigar.service.d/${DROP_IN}`,
        '[Service]\nEnvironment="GREETING=hello world" "DATABASE_URL=postgres://cigar@localhost/cigar_production"\n',
      );
      await put(s, '/etc/hosting-api/env/tobacco-e2e.env', 'DATABASE_URL=postgresql://tobacco@localhost/tobacco_db\n', 0o600);
      await put(
        s,
        `/etc/systemd/system/tobacco.service.d/${DROP_IN}`,
        '[Service]\nEnvironment=DATABASE_URL=sqlite3:ignored\nEnvironmentFile=-/etc/hosting-api/env/tobacco-e2e.env\n' +
          'EnvironmentFile=-/etc/hosting-api/env/missing-e2e.env\n',
      );
      await put(s, '/etc/systemd/system/hms-backup.service', '[Service]\nType=oneshot\nExecStart=/bin/true\n');
      await put(s, '/etc/systemd/system/hms-backup.timer', '[Timer]\nOnCalendar=*-*-* 03:00:00\n');
      await mustExec(s, ['systemctl', 'daemon-reload']);
      await mustExec(s, ['systemctl', 'start', 'hms-backup.timer']);

      const shown = await systemctlTimer();
      expect(shown.loaded).toBe(true);
      expect(shown.next).toMatch(/T03:00:00\.000Z$/);
      const overBus = await overview();
      expect(overBus.apps.map((a) => a.app)).toEqual(['cigar', 'tobacco']);
      expect(overBus.schedule?.next).toBe(shown.next);

      // The agent without systemd's private socket: systemctl (through the system bus) answers instead.
      await put(s, HIDE_BUS, '[Service]\nInaccessiblePaths=/run/systemd/private\n');
      await mustExec(s, ['systemctl', 'daemon-reload']);
      await restartAgent(s);
      try {
        const pid = (await mustExec(s, ['systemctl', 'show', '-p', 'MainPID', '--value', 'hms-agent.service'])).trim();
        // InaccessiblePaths= puts a dead socket node of systemd's own over it: another inode, nothing listening.
        const inode = (prefix: string[]) => mustExec(s, [...prefix, 'stat', '-c', '%d:%i', '/run/systemd/private']);
        expect(await inode(['nsenter', '-t', pid, '-m']), 'the socket is hidden from the agent').not.toBe(await inode([]));
        expect(await overview()).toEqual(overBus);
      } finally {
        await mustExec(s, ['rm', '-f', HIDE_BUS]);
        await mustExec(s, ['systemctl', 'daemon-reload']);
        await restartAgent(s);
      }
      expect(await overview()).toEqual(overBus);

      await mustExec(s, ['systemctl', 'stop', 'hms-backup.timer']);
      const stopped = await overview();
      expect(stopped.schedule).toEqual(expect.not.objectContaining({ next: expect.anything() }));
      expect(stopped.schedule).toBeDefined();
      expect(await systemctlTimer()).toEqual({ loaded: true });
    },
  );
});
