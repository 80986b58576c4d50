/**
 * Durable file steps of a site change. The live file only ever changes by rename(2)
 * of a fully written, fsynced sibling, so a crash leaves either the old or the new
 * file, never half of one.
 */
import { chown, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

export const STAGED_SUFFIX = '.hms-staged';

/** `.<name>.hms-staged` beside the live file (same folder, so rename is atomic). */
export function stagedPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}${STAGED_SUFFIX}`);
}

/** Writes a new file (refusing to follow anything already there) and fsyncs it. */
export async function writeDurably(file: string, content: string | Buffer, mode = 0o644): Promise<void> {
  const handle = await open(file, 'wx', mode);
  try {
    await handle.writeFile(content);
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a rename or unlink in `dir` survive a power cut. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function removeQuietly(file: string): Promise<void> {
  await rm(file, { force: true });
}

/**
 * Writes `content` to the staged copy of `live` with the live file's mode and owner.
 * A staged copy left by a crash is replaced.
 */
export async function stageFile(live: string, content: string | Buffer): Promise<string> {
  const staged = stagedPathFor(live);
  const info = await stat(live);
  await removeQuietly(staged);
  try {
    await writeDurably(staged, content, info.mode & 0o7777);
  } catch (error) {
    await removeQuietly(staged);
    throw error;
  }
  // Only root can give a file away; an agent running as the owner keeps it as is.
  await chown(staged, info.uid, info.gid).catch(() => undefined);
  return staged;
}

/** The atomic swap: the staged copy becomes the live file. */
export async function swapIn(staged: string, live: string): Promise<void> {
  await rename(staged, live);
  await syncDir(path.dirname(live));
}

/** Replaces `live` with `content` the crash-safe way: staged sibling, fsync, rename. */
export async function replaceFile(live: string, content: string | Buffer): Promise<void> {
  const staged = await stageFile(live, content);
  try {
    await swapIn(staged, live);
  } finally {
    await removeQuietly(staged);
  }
}
