import { describe, expect, it } from 'vitest';
import { appUnits, parseModified, parseUnitStarts } from '../../../src/provision/steps/restart-apps.js';
import { CIGAR, inputFor } from '../../support/provision-input.js';

describe('which running processes read a changed env file', () => {
  it("Given an app with workers, When its units are listed, Then the web unit comes first, then each worker's", async () => {
    const input = await inputFor({ cigar: { ...CIGAR, processes: { worker: ['bundle', 'exec', 'sidekiq'], mailer: ['bin/mailer'] } } });
    expect(appUnits('cigar', input.apps[0]![1])).toEqual(['cigar.service', 'cigar-mailer.service', 'cigar-worker.service']);
  });

  it(
    'Given `systemctl show --timestamp=us+utc` for a running, a stopped and a missing unit, ' + 'When parsed, Then states and start times',
    () => {
      const stdout = [
        'Id=cigar.service\nActiveState=active\nActiveEnterTimestamp=Mon 2026-12-07 05:40:26.123456 UTC',
        'Id=cigar-worker.service\nActiveState=inactive\nActiveEnterTimestamp=',
        'Id=cigar-mailer.service\nActiveState=inactive\nActiveEnterTimestamp=n/a',
        '',
      ].join('\n\n');
      expect(parseUnitStarts(stdout)).toEqual([
        { unit: 'cigar.service', active: true, since: Date.parse('2026-12-07T05:40:26Z') / 1000 + 0.123456 },
        { unit: 'cigar-worker.service', active: false, since: undefined },
        { unit: 'cigar-mailer.service', active: false, since: undefined },
      ]);
    },
  );

  it("Given stat's modification times with nanoseconds, When parsed, Then each path has its time", () => {
    const times = parseModified('1796589143.776350741 /etc/hosting-api/env/cigar.env\nstat: cannot statx\n');
    expect([...times]).toEqual([['/etc/hosting-api/env/cigar.env', Number('1796589143.776350741')]]);
  });
});
