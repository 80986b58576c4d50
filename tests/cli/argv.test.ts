/**
 * Flag values that start with "-" (`--since -1h`): argv is joined before meow reads
 * it, checked as data and through the built hms.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { joinDashedValues } from '../../src/commands/cli-argv.js';
import { runHms } from '../support/run-hms.js';

describe('joinDashedValues', () => {
  it(
    'Given --since and --until with values starting with "-", When joined, ' +
      'Then each becomes one word; other flags and words after -- stay',
    () => {
      expect(joinDashedValues(['logs', 'cigar', '--since', '-1h', '--until', '-10m', '-n', '5'])).toEqual([
        'logs',
        'cigar',
        '--since=-1h',
        '--until=-10m',
        '-n',
        '5',
      ]);
      expect(joinDashedValues(['logs', '--since', '10 min ago', '--grep', '-1h'])).toEqual([
        'logs',
        '--since',
        '10 min ago',
        '--grep',
        '-1h',
      ]);
      expect(joinDashedValues(['run', '--', '--since', '-1h'])).toEqual(['run', '--', '--since', '-1h']);
      expect(joinDashedValues(['logs', '--since', '-f'])).toEqual(['logs', '--since', '-f']);
    },
  );
});

describe('hms logs --since/--until (the built binary)', () => {
  it(
    'Given --since -1h, When run, ' + 'Then it is read as a time (not as flags); a bad --until is a usage error listing the accepted forms',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'hms-argv-'));
      const run = await runHms(['logs', 'journal:nginx', '--since', '-1h', '--until', 'bogus'], { cwd: dir });
      expect(run.stderr).not.toMatch(/Unknown flag/i);
      expect(run.stderr).toContain('--until "bogus" is not a time hms understands.');
      expect(run.stderr).toContain('"10 min ago"');
      expect(run.code).toBe(2);
    },
  );
});
