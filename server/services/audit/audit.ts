import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { readLastLines } from '../files/tail.js';

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
    const lines = await readLastLines(this.file, limit).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    return lines
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as AuditEntry];
        } catch {
          return [];
        }
      })
      .reverse();
  }
}
