/** The session that counts rows in the snapshot pg_dump then reads: what it sends, and how its answer is read. */
import { describe, expect, it } from 'vitest';
import { dumpArgv, heldSessionArgv } from '../../../../server/services/backups/argv.js';
import { HELD_SCRIPT, parseHeld } from '../../../../server/services/backups/held-snapshot.js';

describe('the held snapshot', () => {
  it(
    'Given a database, When the session starts, ' + 'Then it opens a read-only repeatable-read transaction and exports its snapshot first',
    () => {
      expect(heldSessionArgv('cigar')).toEqual([
        ...['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '--no-password'],
        ...['-d', 'cigar'],
      ]);
      const lines = HELD_SCRIPT.split('\n');
      expect(lines[0]).toBe('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;');
      expect(lines[1]).toContain('pg_export_snapshot()');
      expect(HELD_SCRIPT).not.toContain('COMMIT');
      expect(dumpArgv('cigar', '00000003-0000001B-1')).toContain('--snapshot=00000003-0000001B-1');
    },
  );

  it(
    'Given psql output, When read, ' + 'Then nothing until the counted line, then the id and counts; a table called "snapshot" is a table',
    () => {
      expect(parseHeld('snapshot\t00000003-0000001B-1\nitems\t3\n')).toBeUndefined();
      expect(parseHeld('snapshot\t00000003-0000001B-1\nitems\t3\nsnapshot\t7\nhms-counted\n')).toEqual({
        id: '00000003-0000001B-1',
        rows: { items: 3, snapshot: 7 },
      });
      expect(() => parseHeld('snapshot\t--help\nhms-counted\n')).toThrow(/no snapshot id/);
    },
  );
});
