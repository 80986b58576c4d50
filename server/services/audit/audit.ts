import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { linesFromEnd } from '../files/index.js';

import type { AuditEntry } from '../../../src/api/core.js';

export type { AuditEntry };

/** Every state-changing action, one JSON line each, appended to <stateDir>/audit.jsonl. */
export class AuditLog {
  readonly file: string;

  constructor(
    stateDir: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.file = path.join(stateDir, 'audit.jsonl');
  }

  async record(entry: Omit<AuditEntry, 'at'>): Promise<AuditEntry> {
    const full: AuditEntry = { at: this.clock().toISOString(), ...entry };
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o750 });
    await appendFile(this.file, `${JSON.stringify(full)}\n`, { mode: 0o640 });
    return full;
  }

  /** The newest entries first. */
  async recent(limit = 100): Promise<AuditEntry[]> {
    const lines = await newestLines(this.file, limit).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    return lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as AuditEntry];
      } catch {
        return [];
      }
    });
  }
}

/** However long the log grows, an answer reads no more than this from its end. */
const MAX_READ_BYTES = 16 * 1024 * 1024;

/**
 * The file's last `count` lines, newest first. An entry is never cut: a line is bounded
 * only by the read itself, and the one the bound cuts through is left out.
 */
async function newestLines(file: string, count: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of linesFromEnd(file, { maxScanBytes: MAX_READ_BYTES, maxLineBytes: MAX_READ_BYTES })) {
    lines.push(...batch);
    if (lines.length >= count) break;
  }
  return lines.slice(0, count);
}
