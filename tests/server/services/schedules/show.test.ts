/** A schedule's state as systemd 252 prints it (`systemctl show --timestamp=utc`), read into last and next runs. */
import { describe, expect, it } from 'vitest';
import { parseJournal } from '../../../../server/services/schedules/journal.js';
import { parseSchedules, type ScheduleRef } from '../../../../server/services/schedules/show.js';

const REF: ScheduleRef = {
  app: 'cigar',
  name: 'report',
  config: { unit: 'cigar-report.service', timer: 'cigar-report.timer', when: '*:*:0/5', timeoutSeconds: 60, overlap: false },
};
const timer = (active: string, next: string) =>
  ['Id=cigar-report.timer', `ActiveState=${active}`, 'LastTriggerUSec=Mon 2026-12-07 05:40:00 UTC', `NextElapseUSecRealtime=${next}`].join(
    '\n',
  );
const service = (p: Record<string, string>) =>
  Object.entries({ Id: 'cigar-report.service', Result: 'success', ExecMainStatus: '0', InvocationID: '', ...p })
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

describe('parseSchedules', () => {
  it('Given a run that ended well, When parsed, Then ok with its start, duration, exit status and the next run', () => {
    const out = `${timer('active', 'Mon 2026-12-07 05:40:05 UTC')}\n\n${service({
      ActiveState: 'inactive',
      ExecMainStartTimestamp: 'Mon 2026-12-07 05:40:00.250000 UTC',
      ExecMainExitTimestamp: 'Mon 2026-12-07 05:40:02.750000 UTC',
    })}\n`;
    expect(parseSchedules(out, [REF])[0]).toMatchObject({
      result: 'ok',
      lastRun: '2026-12-07T05:40:00.250Z',
      durationMs: 2500,
      exitStatus: 0,
      failure: null,
      nextRun: '2026-12-07T05:40:05.000Z',
      timerActive: true,
      when: '*:*:0/5',
    });
  });

  it('Given a run that exited 3, When parsed, Then failed with exit-code and status 3', () => {
    const out = `${timer('active', 'n/a')}\n\n${service({
      ActiveState: 'failed',
      Result: 'exit-code',
      ExecMainStatus: '3',
      ExecMainStartTimestamp: 'Mon 2026-12-07 05:40:00 UTC',
      ExecMainExitTimestamp: 'Mon 2026-12-07 05:40:01 UTC',
    })}`;
    expect(parseSchedules(out, [REF])[0]).toMatchObject({
      result: 'failed',
      failure: 'exit-code',
      exitStatus: 3,
      durationMs: 1000,
      nextRun: null,
    });
  });

  it('Given a run going on, When parsed, Then running with no duration nor exit status', () => {
    const running = service({ ActiveState: 'activating', ExecMainStartTimestamp: 'Mon 2026-12-07 05:40:00 UTC' });
    const out = `${timer('active', '')}\n\n${running}`;
    expect(parseSchedules(out, [REF])[0]).toMatchObject({ result: 'running', durationMs: null, exitStatus: null });
  });

  it('Given a timer never fired and stopped, When parsed, Then never, and no next run', () => {
    const idle = service({ ActiveState: 'inactive', ExecMainStartTimestamp: '' });
    const out = `${timer('inactive', 'Mon 2026-12-07 05:40:05 UTC')}\n\n${idle}`;
    expect(parseSchedules(out, [REF])[0]).toMatchObject({ result: 'never', lastRun: null, nextRun: null, timerActive: false });
  });

  it('Given a run killed at its timeout, When parsed, Then failed with timeout', () => {
    const out = `${timer('active', '')}\n\n${service({
      ActiveState: 'failed',
      Result: 'timeout',
      ExecMainStatus: '15',
      ExecMainStartTimestamp: 'Mon 2026-12-07 05:40:00 UTC',
      ExecMainExitTimestamp: 'Mon 2026-12-07 05:41:00 UTC',
    })}`;
    expect(parseSchedules(out, [REF])[0]).toMatchObject({ result: 'failed', failure: 'timeout', durationMs: 60_000 });
  });
});

describe('parseJournal', () => {
  it('Given lines and a cursor line, When parsed, Then the lines and the new cursor', () => {
    expect(parseJournal('42\n  spaced\n-- cursor: s=abc;i=2\n', 'old')).toEqual({ lines: ['42', '  spaced'], cursor: 's=abc;i=2' });
  });
  it('Given nothing new, When parsed, Then no lines and the same cursor', () => {
    expect(parseJournal('', 'old')).toEqual({ lines: [], cursor: 'old' });
  });
});
