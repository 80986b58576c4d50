/** The scheduled run's commands as data and what their output means: retention, the check's rotation, the timer. */
import { describe, expect, it } from 'vitest';
import { checkArgv, nextSubset } from '../../../../server/services/backups/check.js';
import { parseTimer, timerArgv } from '../../../../server/services/backups/overview.js';
import { forgetPolicyArgv, parseForget } from '../../../../server/services/backups/retention.js';

const id = (c: string) => c.repeat(64);

describe('retention, the check and the timer, as data', () => {
  it('Given a policy, When the forget argv is built, Then it selects one kind and part of the app and groups by host', () => {
    expect(forgetPolicyArgv('cigar', 'scheduled', 'database', { daily: 7, weekly: 4, monthly: 0 })).toEqual([
      'restic',
      'forget',
      '--json',
      '--tag',
      'app:cigar,kind:scheduled,part:database',
      '--group-by',
      'host',
      '--keep-daily',
      '7',
      '--keep-weekly',
      '4',
    ]);
  });

  it("Given restic's forget output followed by prune's lines, When parsed, Then the kept and removed ids of every group", () => {
    const json = JSON.stringify([
      { tags: ['app:cigar', 'kind:scheduled'], keep: [{ id: id('a') }], remove: [{ id: id('b') }, { id: 'not-an-id' }] },
      { tags: ['app:cigar', 'kind:pre-migration'], keep: [{ id: id('c') }], remove: null },
    ]);
    expect(parseForget(`${json}\nloading indexes...\nfound 3 of 3 data blobs still in use, removing 1 blobs\n`)).toEqual({
      kept: [id('a'), id('c')],
      removed: [id('b')],
    });
    expect(parseForget('')).toEqual({ kept: [], removed: [] });
  });

  it('Given the last subset read, When the next check runs, Then it reads the next part and starts over after the last', () => {
    expect(nextSubset(undefined, 12)).toBe('1/12');
    expect(nextSubset('3/12', 12)).toBe('4/12');
    expect(nextSubset('12/12', 12)).toBe('1/12');
    expect(nextSubset('5/10', 12)).toBe('1/12');
    expect(checkArgv('4/12')).toEqual(['restic', 'check', '--read-data-subset=4/12']);
  });

  it('Given systemctl show of the timer, When read, Then whether it is there and its next run; a missing timer has none', () => {
    expect(timerArgv()).toContain('hms-backup.timer');
    expect(parseTimer('NextElapseUSecRealtime=Mon 2026-12-07 00:00:00 UTC\nLoadState=loaded\n')).toEqual({
      loaded: true,
      next: '2026-12-07T00:00:00.000Z',
    });
    expect(parseTimer('LoadState=not-found\nActiveState=inactive\nNextElapseUSecRealtime=\n')).toEqual({ loaded: false });
  });
});
