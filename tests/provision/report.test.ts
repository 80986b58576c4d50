import { describe, expect, it } from 'vitest';
import { describeStep, summary } from '../../src/commands/provision.js';
import type { StepReport } from '../../src/provision/run.js';
import { backupName } from '../../src/provision/shared-files.js';

const step = (over: Partial<StepReport>): StepReport => ({
  id: 's',
  title: 'Shared files',
  changes: [],
  notes: [],
  status: 'up-to-date',
  ms: 10,
  ...over,
});

describe('what provisioning prints', () => {
  it('Given a planned change with a diff, When described, Then every diff line is indented under its step', () => {
    const text = describeStep(
      0,
      1,
      step({
        status: 'planned',
        changes: ['/etc/hosting-api/agent.json: content\n--- a\n+++ b\n-  "branch": "main",\n+  "branch": "release",'],
      }),
    );
    expect(text.split('\n').slice(1)).toEqual([
      '          /etc/hosting-api/agent.json: content',
      '          --- a',
      '          +++ b',
      '          -  "branch": "main",',
      '          +  "branch": "release",',
    ]);
  });

  it(
    'Given a file kept as edited on the server, When described and summed up, ' +
      'Then the step is up to date and the kept file is reported',
    () => {
      const kept = step({
        notes: [
          '/var/www/cigar/shared/config/database.yml: differs; ' +
            'kept (hms would write the version below; remove the file to let hms write it)',
        ],
      });
      expect(describeStep(0, 1, kept)).toMatch(/✓ Shared files .*up to date[\s\S]*database.yml: differs; kept/);
      const text = summary({ server: 'test', dryRun: false, steps: [kept], changed: 0, ms: 10 });
      expect(text).toMatch(/every step up to date; nothing changed/);
      expect(text).toMatch(/1 file\(s\) on the server differ from what hms would write and were kept/);
    },
  );

  it('Given a time, When a backup is named, Then it is the file with a compact UTC time and .bak', () => {
    expect(backupName('/var/www/cigar/shared/config/master.key', new Date('2026-12-04T17:05:09.123Z'))).toBe(
      '/var/www/cigar/shared/config/master.key.20261204T170509Z.bak',
    );
  });
});
