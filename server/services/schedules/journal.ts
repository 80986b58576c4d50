/**
 * A unit's journal read in steps: what its processes printed since a cursor, and the
 * new cursor. Lines only (`-o cat`), systemd's own messages about the unit left out
 * (`_SYSTEMD_UNIT=` matches the unit's processes, not PID 1).
 */
import type { AgentDeps } from '../../env.js';

const CURSOR = /^-- cursor: (.+)$/;
const BOUNDS = { timeoutMs: 10_000, maxOutputBytes: 1024 * 1024 } as const;

export function journalArgv(unit: string, cursor: string | undefined, last?: number): string[] {
  return [
    'journalctl',
    '--no-pager',
    '--quiet',
    '--output=cat',
    '--show-cursor',
    ...(last !== undefined ? [`--lines=${last}`] : []),
    ...(cursor ? [`--after-cursor=${cursor}`] : []),
    `_SYSTEMD_UNIT=${unit}`,
  ];
}

/** The lines after `cursor` and the cursor of the last one (the same cursor when there was none). */
export function parseJournal(stdout: string, cursor: string | undefined): { lines: string[]; cursor: string | undefined } {
  const lines = stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const match = CURSOR.exec(lines.at(-1) ?? '');
  if (!match) return { lines, cursor };
  return { lines: lines.slice(0, -1), cursor: match[1] };
}

export interface JournalReader {
  /** Lines printed since the last read. */
  read(): Promise<string[]>;
}

/** A reader that starts after the unit's last entry now, so it gives only what comes next. */
export async function journalFromNow(deps: AgentDeps, unit: string): Promise<JournalReader> {
  let { cursor } = parseJournal((await deps.exec(journalArgv(unit, undefined, 1), BOUNDS)).stdout, undefined);
  return {
    async read() {
      const next = parseJournal((await deps.exec(journalArgv(unit, cursor), BOUNDS)).stdout, cursor);
      cursor = next.cursor;
      return next.lines;
    },
  };
}
