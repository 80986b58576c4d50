/**
 * Reading argv: flag values that start with "-" (`--since -1h`) joined, the flags parsed
 * (parseArgv), checked as data and through the built hms.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { joinDashedValues, parseArgv } from '../../src/commands/cli-argv.js';
import { UsageError } from '../../src/core/errors.js';
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

describe('parseArgv', () => {
  it('Given the forms people type, When parsed, Then the command, its arguments and the flags come out as typed', () => {
    const parsed = parseArgv(['--server', 'prod', 'logs', 'cigar', '-n5', '-yf', '--since', '-1h', '--dry-run', '--no-persist']);
    expect(parsed.input).toEqual(['logs', 'cigar']);
    expect(parsed.flags).toMatchObject({ server: 'prod', lines: 5, yes: true, follow: true, since: '-1h', dryRun: true, persist: false });
    expect(parsed.flags.json).toBe(false);
    expect(parseArgv(['status']).flags).toMatchObject({ persist: true, json: false, all: false });
    expect(parseArgv(['init', '--identityFile=id', '--port', '2222', '-n', '-5', '--json=false']).flags).toMatchObject({
      identityFile: 'id',
      port: 2222,
      lines: -5,
      json: false,
    });
    // After `--`, every word is an argument, flags too.
    expect(parseArgv(['exec', 'cigar', '--', 'ls', '-la', '--json'])).toMatchObject({ input: ['exec', 'cigar', 'ls', '-la', '--json'] });
    // A string flag with no value (at the end, or before another flag) is empty, as meow had it.
    expect(parseArgv(['status', '--server', '-y']).flags).toMatchObject({ server: '', yes: true });
  });

  it('Given an unknown flag or one given twice, When parsed, Then it is a usage error naming it; leniently, it is skipped', () => {
    expect(() => parseArgv(['status', '--bogus', '-x'])).toThrow(UsageError);
    expect(() => parseArgv(['status', '--bogus', '-x'])).toThrow('Unknown flags: --bogus, -x.');
    expect(() => parseArgv(['status', '--no-server'])).toThrow('Unknown flag: --no-server.');
    expect(() => parseArgv(['status', '--server', 'a', '--server=b'])).toThrow('The flag --server can only be given once.');
    expect(parseArgv(['--bogus', 'deploy', 'cigar'], true).input).toEqual(['deploy', 'cigar']);
  });
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
