/** The dashboard's scheduled tasks: the columns of `hms schedules`, a failed run red with how to see its output. */
import { describe, expect, it } from 'vitest';
import { schedulesTable } from '../../../server/web/schedules.js';
import { scheduleStatus } from '../../support/schedule-status.js';

const base = scheduleStatus('count');
const now = new Date('2026-12-07T05:40:00Z');

describe('schedulesTable', () => {
  it('Given one ok and one failed schedule, When rendered, Then the failed row is red and says how to see its output', async () => {
    const failed = { ...base, name: 'broken', result: 'failed' as const, failure: 'exit-code', exitStatus: 3 };
    const page = String(await schedulesTable([base, failed], now));
    expect(page).toContain('<h2>Scheduled tasks</h2>');
    expect(page).toMatch(
      /<tr class="">\s*<td class="">cigar<\/td><td class="">count<\/td>.*<td class="ok">ok<\/td><td class="">2\.5s<\/td>/s,
    );
    expect(page).toMatch(/<tr class="bad">\s*<td class="">cigar<\/td><td class="">broken<\/td>.*<td class="bad">failed \(exit 3\)<\/td>/s);
    expect(page).toContain('see its output: `hms logs journal:cigar-broken`');
  });

  it('Given no schedules, When rendered, Then nothing', async () => {
    expect(String(await schedulesTable([], now))).toBe('');
  });
});
