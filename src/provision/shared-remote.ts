/**
 * An app's shared/ folder seen by its deploy user over SSH: list what is there, put
 * one file (the previous version kept beside it as a .bak).
 */
import path from 'node:path';
import { HmsError } from '../core/errors.js';
import { sha256 } from './files.js';
import type { Host } from './host.js';
import { backupName, sharedFileMode, sharedRoot } from './shared-files.js';

export interface SharedEntry {
  /** Relative to shared/. */
  path: string;
  size: number;
  mode: string;
  /** ISO time of the last change. */
  mtime: string;
}

/** Folders whose files are the app's own churn, not configuration. */
const NOT_LISTED = ['bundle', 'tmp', 'log'];
const MAX_ENTRIES = 2000;

export async function listShared(
  host: Host,
  app: string,
): Promise<{ root: string; entries: SharedEntry[]; truncated: boolean; skipped: string[] }> {
  const root = sharedRoot(app);
  const prune = NOT_LISTED.flatMap((dir) => ['-path', `${root}/${dir}`, '-prune', '-o']);
  const output = await host.must(['find', root, ...prune, '-type', 'f', '-printf', '%P\\t%s\\t%m\\t%T@\\n'], `Listing ${root}`, {
    maxOutputBytes: 1024 * 1024,
  });
  const entries = output
    .split('\n')
    .filter(Boolean)
    .map((line): SharedEntry => {
      const [file, size, mode, mtime] = line.split('\t');
      return { path: file!, size: Number(size), mode: mode!.padStart(4, '0'), mtime: new Date(Number(mtime) * 1000).toISOString() };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
  return { root, entries: entries.slice(0, MAX_ENTRIES), truncated: entries.length > MAX_ENTRIES, skipped: NOT_LISTED };
}

export interface PutReport {
  app: string;
  path: string;
  remote: string;
  bytes: number;
  mode: string;
  changed: boolean;
  /** Where the previous version went, when there was one. */
  backup: string | null;
}

export async function putShared(host: Host, app: string, file: string, content: Buffer, now = new Date()): Promise<PutReport> {
  const remote = `${sharedRoot(app)}/${file}`;
  const mode = sharedFileMode(file);
  const report: PutReport = { app, path: file, remote, bytes: content.length, mode: `0${mode.toString(8)}`, changed: false, backup: null };
  const existing = await host.run(['sha256sum', '--', remote]);
  if (existing.code === 0 && existing.stdout.slice(0, 64) === sha256(content)) return report;
  if (existing.code === 0) {
    report.backup = backupName(remote, now);
    await host.must(['cp', '-p', '--', remote, report.backup], `Keeping the previous ${file}`);
  } else if ((await host.run(['test', '-e', remote])).code === 0) {
    throw new HmsError(`${remote} exists but ${host.name}'s deploy user cannot read it.`, {
      hint: `Check its owner on the server (\`ls -l ${remote}\`); shared files belong to deploy.`,
    });
  }
  await host.must(['mkdir', '-p', '--', path.posix.dirname(remote)], `Creating ${path.posix.dirname(remote)}`);
  await host.upload(content, remote, mode);
  return { ...report, changed: true };
}
