/**
 * Row counts that describe exactly what the dump holds: one psql session opens a
 * repeatable-read transaction, exports its snapshot, counts every table in it, and stays
 * open while `pg_dump --snapshot` reads the same snapshot. Counted in a transaction of
 * their own, rows written between the count and the dump would fail every drill of a
 * busy database.
 */
import { PassThrough } from 'node:stream';
import type { RowCounts } from '../../../src/api/backups.js';
import type { ExecResult } from '../../../src/platform/exec.js';
import type { AgentDeps } from '../../env.js';
import { COUNT_SQL, heldSessionArgv, parseCounts } from './argv.js';

const COUNTED = 'hms-counted';
/** pg_export_snapshot()'s ids: hex groups and dashes ("00000003-0000001B-1"). */
const EXPORTED_SNAPSHOT = /^[0-9A-F]+(-[0-9A-F]+)+$/;
const COUNT_TIMEOUT_MS = 120_000;

export const HELD_SCRIPT = [
  'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;',
  "SELECT 'snapshot' || E'\\t' || pg_export_snapshot();",
  `${COUNT_SQL};`,
  `SELECT '${COUNTED}';`,
  '',
].join('\n');

export interface HeldSnapshot {
  /** For `pg_dump --snapshot`. */
  id: string;
  rows: RowCounts;
  /** Ends the transaction and the session. */
  release(): Promise<void>;
}

/** The output up to the "counted" line: the exported snapshot's id, then the counts; undefined until it is there. */
export function parseHeld(stdout: string): { id: string; rows: RowCounts } | undefined {
  const lines = stdout.split('\n');
  const end = lines.indexOf(COUNTED);
  if (end < 0) return undefined;
  const id = lines[0]?.startsWith('snapshot\t') ? lines[0].slice('snapshot\t'.length) : '';
  if (!EXPORTED_SNAPSHOT.test(id)) throw new Error(`PostgreSQL exported no snapshot id psql could show ("${id.slice(0, 40)}")`);
  return { id, rows: parseCounts(lines.slice(1, end).join('\n')) };
}

/** Opens the session and answers once the counts are in; the caller releases it after the dump. */
export function holdSnapshot(deps: AgentDeps, database: string, holdMs: number): Promise<HeldSnapshot> {
  const stdin = new PassThrough();
  let stdout = '';
  return new Promise((resolve, reject) => {
    let answered = false;
    const session: Promise<ExecResult> = deps.exec(heldSessionArgv(database), {
      stdin,
      env: { ...process.env, PGOPTIONS: `-c statement_timeout=${COUNT_TIMEOUT_MS}` },
      timeoutMs: holdMs + COUNT_TIMEOUT_MS,
      maxOutputBytes: 1024 * 1024,
      onStdout: (chunk) => {
        if (answered) return;
        stdout += chunk.toString('utf8');
        try {
          const held = parseHeld(stdout);
          if (!held) return;
          answered = true;
          const release = async () => {
            stdin.end('COMMIT;\n');
            await session;
          };
          resolve({ ...held, release });
        } catch (error) {
          answered = true;
          stdin.end();
          reject(error);
        }
      },
    });
    stdin.write(HELD_SCRIPT);
    session.then(
      (result) => {
        if (!answered) reject(new Error(`counting rows failed: ${result.stderr.trim().split('\n').slice(-3).join(' / ') || 'psql ended'}`));
      },
      (error: unknown) => {
        if (!answered) reject(error);
      },
    );
  });
}
