/**
 * The audit log's entries newer than the last look: read from the byte where the last
 * read stopped (the cursor, kept on disk), never the whole file. A new file (another
 * inode, or shorter than the cursor) is read from its start; more than MAX_READ_BYTES
 * new is read from its end (a burst of refused logins must not cost a long read).
 */
import { open } from 'node:fs/promises';
import type { AuditEntry } from '../../../src/api/core.js';

export interface AuditCursor {
  offset: number;
  inode: number;
}

const MAX_READ_BYTES = 1024 * 1024;

/** Where a watcher starting for the first time begins: after what is there now (old entries were never news). */
export async function auditEnd(file: string): Promise<AuditCursor> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return { offset: 0, inode: 0 };
  try {
    const info = await handle.stat();
    return { offset: info.size, inode: info.ino };
  } finally {
    await handle.close();
  }
}

export async function readNewEntries(file: string, cursor: AuditCursor): Promise<{ entries: AuditEntry[]; cursor: AuditCursor }> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!handle) return { entries: [], cursor: { offset: 0, inode: 0 } };
  try {
    const info = await handle.stat();
    let start = info.ino === cursor.inode && info.size >= cursor.offset ? cursor.offset : 0;
    if (info.size === start) return { entries: [], cursor: { offset: start, inode: info.ino } };
    if (info.size - start > MAX_READ_BYTES) start = info.size - MAX_READ_BYTES;
    const buffer = Buffer.alloc(info.size - start);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    // Only whole lines: a line being appended now is read at the next look.
    const end = text.lastIndexOf('\n');
    if (end < 0) return { entries: [], cursor: { offset: start, inode: info.ino } };
    const entries = text
      .slice(0, end)
      .split('\n')
      .flatMap((line) => parse(line));
    return { entries, cursor: { offset: start + Buffer.byteLength(text.slice(0, end + 1)), inode: info.ino } };
  } finally {
    await handle.close();
  }
}

function parse(line: string): AuditEntry[] {
  try {
    const entry = JSON.parse(line) as AuditEntry;
    return typeof entry.action === 'string' && typeof entry.at === 'string' ? [entry] : [];
  } catch {
    return [];
  }
}
