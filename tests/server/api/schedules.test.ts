/**
 * /api/schedules through `app.request()`. This host has no systemd as PID 1, so the
 * exec door is a stand-in for `systemctl` and `journalctl` that answers as systemd 252
 * prints (and records every argv); the e2e suite (tests/e2e/schedules.e2e.test.ts)
 * runs the same paths against a real systemd.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { schedulesResponseSchema } from '../../../src/api/schedules.js';
import { scriptRunResultSchema } from '../../../src/api/scripts.js';
import type { ExecResult } from '../../../src/platform/exec.js';
import type { AgentDeps } from '../../../server/env.js';
import { AUTH, testAgent, type TestAgent } from '../../support/agent.js';

interface FakeSystemd {
  exec: AgentDeps['exec'];
  calls: string[][];
}

/** One schedule unit: started, it runs for one `show`, prints two lines and exits 3. */
function fakeSystemd(): FakeSystemd {
  const calls: string[][] = [];
  let invocation = 'aaaa';
  let shows = -1;
  let printed = false;
  const ok = (stdout: string): ExecResult => ({
    argv: [],
    code: 0,
    signal: null,
    stdout,
    stderr: '',
    timedOut: false,
    aborted: false,
    truncated: false,
  });
  const service = () => {
    const base = ['Id=cigar-report.service', `InvocationID=${invocation}`];
    if (shows < 0) return [...base, 'ActiveState=inactive', 'Result=success', 'ExecMainStartTimestamp=', 'ExecMainExitTimestamp='];
    shows++;
    if (shows === 1) return [...base, 'ActiveState=activating', 'Result=success', 'ExecMainStartTimestamp=Mon 2026-12-07 05:40:00 UTC'];
    printed = true;
    return [
      ...base,
      'ActiveState=failed',
      'Result=exit-code',
      'ExecMainStatus=3',
      'ExecMainStartTimestamp=Mon 2026-12-07 05:40:00 UTC',
      'ExecMainExitTimestamp=Mon 2026-12-07 05:40:01.500000 UTC',
    ];
  };
  const exec: AgentDeps['exec'] = async (argv) => {
    calls.push([...argv]);
    if (argv[0] === 'systemctl' && argv[1] === 'start') {
      invocation = 'bbbb';
      shows = 0;
      return ok('');
    }
    if (argv[0] === 'systemctl' && argv[1] === 'show') {
      const units = argv.slice(argv.indexOf('--') + 1);
      const blocks = units.map((unit) =>
        unit.endsWith('.timer')
          ? `Id=${unit}\nActiveState=active\nNextElapseUSecRealtime=Mon 2026-12-07 05:45:00 UTC`
          : service().join('\n'),
      );
      return ok(`${blocks.join('\n\n')}\n`);
    }
    if (argv[0] === 'journalctl') {
      if (argv.some((a) => a.startsWith('--after-cursor')) || !printed) return ok(argv.includes('--lines=1') ? 'old\n-- cursor: c1\n' : '');
      return ok('');
    }
    throw new Error(`unexpected argv ${argv.join(' ')}`);
  };
  // The run's lines come once it has started.
  const withLines: AgentDeps['exec'] = async (argv, options) => {
    if (argv[0] === 'journalctl' && argv.some((a) => a === '--after-cursor=c1') && shows >= 1 && !printed) {
      calls.push([...argv]);
      return ok('Visit.count: 0\n$HOME %h stays\n-- cursor: c2\n');
    }
    return exec(argv, options);
  };
  return { exec: withLines, calls };
}

let agent: TestAgent;
let systemd: FakeSystemd;
let root: string;
beforeEach(async () => {
  systemd = fakeSystemd();
  root = await mkdtemp(path.join(tmpdir(), 'hms-schedules-'));
  await mkdir(path.join(root, 'current'));
  const report = { unit: 'cigar-report.service', timer: 'cigar-report.timer', when: '*:*:0/5', timeoutSeconds: 60 };
  agent = await testAgent({
    exec: systemd.exec,
    config: { apps: { cigar: { unit: 'cigar.service', root, schedules: { report } }, tobacco: { unit: 'tobacco.service', root } } },
  });
});

describe('GET /api/schedules', () => {
  it('Given no token, When asked, Then 401 and systemd is not asked', async () => {
    const response = await agent.app.request('/api/schedules');
    expect(response.status).toBe(401);
    expect(systemd.calls).toEqual([]);
  });

  it('Given a schedule, When listed, Then its timer and service come from one systemctl show', async () => {
    const response = await agent.app.request('/api/schedules', { headers: AUTH });
    expect(response.status).toBe(200);
    const body = schedulesResponseSchema.parse(await response.json());
    expect(body.schedules).toEqual([
      expect.objectContaining({ app: 'cigar', name: 'report', result: 'never', nextRun: '2026-12-07T05:45:00.000Z', overlap: false }),
    ]);
    expect(systemd.calls).toHaveLength(1);
    expect(systemd.calls[0]!.slice(-3)).toEqual(['--', 'cigar-report.timer', 'cigar-report.service']);
  });

  it('Given an app without schedules or an unknown one, When listed by ?app=, Then none, or 404', async () => {
    const none = await agent.app.request('/api/schedules?app=tobacco', { headers: AUTH });
    expect(await none.json()).toEqual({ schedules: [] });
    const unknown = await agent.app.request(`/api/schedules?app=${encodeURIComponent('../etc')}`, { headers: AUTH });
    expect(unknown.status).toBe(404);
  });
});

describe('POST /api/schedules/:app/:name/run', () => {
  it.each([
    ['cigar', 'nope'],
    ['nope', 'report'],
    ['cigar', 'report;reboot'],
    ['cigar', '..%2F..%2Fetc'],
    ['..', 'report'],
  ])('Given the hostile or unknown names %s %s, When run, Then 404 and nothing is started', async (app, name) => {
    const response = await agent.app.request(`/api/schedules/${app}/${name}/run`, { method: 'POST', headers: AUTH });
    expect(response.status).toBe(404);
    expect(systemd.calls.filter((argv) => argv[1] === 'start')).toEqual([]);
  });

  it('Given no token, When run, Then 401 and nothing is started', async () => {
    const response = await agent.app.request('/api/schedules/cigar/report/run', { method: 'POST' });
    expect(response.status).toBe(401);
    expect(systemd.calls).toEqual([]);
  });

  it(
    'Given a schedule that prints two lines and exits 3, When run, ' +
      'Then its unit is started, the lines come as stdout, the exit says 3, and the audit log says who',
    async () => {
      const response = await agent.app.request('/api/schedules/cigar/report/run', { method: 'POST', headers: AUTH });
      const text = await response.text();
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      expect(text).toContain('event: stdout\ndata: Visit.count: 0\ndata: $HOME %h stays');
      expect(text).toMatch(/event: exit\ndata: \{"code":3,"signal":null,"timedOut":false,"durationMs":1500\}/);
      expect(systemd.calls).toContainEqual(['systemctl', 'start', '--no-block', '--', 'cigar-report.service']);
      expect(await agent.deps.audit.recent(5)).toEqual([
        expect.objectContaining({
          actor: 'api-token',
          action: 'schedule.run',
          target: 'cigar',
          result: 'failed',
          detail: 'schedule report: exit 3',
        }),
      ]);
    },
  );

  it('Given Accept: application/json, When run, Then one result with the output and the code', async () => {
    const response = await agent.app.request('/api/schedules/cigar/report/run', {
      method: 'POST',
      headers: { ...AUTH, accept: 'application/json' },
    });
    const result = scriptRunResultSchema.parse(await response.json());
    expect(result).toMatchObject({ code: 3, stdout: 'Visit.count: 0\n$HOME %h stays\n' });
  });
});
