/**
 * An app's backups at a glance, kept in <stateDir>/backups/<app>/status.json (root
 * only): the last good backup, the last failure when it came after it, the last drill.
 * Written by every backup and drill, whoever ran it (a person, the timer, a deploy);
 * read by the overview that status, doctor, the TUI and the dashboard show.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { appBackupStatusSchema } from '../../../src/api/backups.js';
import type { AgentDeps } from '../../env.js';

const statusFileSchema = appBackupStatusSchema.pick({ last: true, failure: true, drill: true, offsite: true });
export type BackupStatusFile = z.infer<typeof statusFileSchema>;

const statusPath = (deps: AgentDeps, app: string): string => `${deps.config.stateDir}/backups/${app}/status.json`;

export async function readStatusFile(deps: AgentDeps, app: string): Promise<BackupStatusFile> {
  const text = await readFile(statusPath(deps, app), 'utf8').catch(() => undefined);
  if (!text) return {};
  try {
    return statusFileSchema.parse(JSON.parse(text));
  } catch {
    return {};
  }
}

/** Merges `change` into the app's status (a good backup clears the failure before it), written whole. */
export async function updateStatusFile(deps: AgentDeps, app: string, change: BackupStatusFile): Promise<void> {
  const current = await readStatusFile(deps, app);
  const next: BackupStatusFile = { ...current, ...change };
  if (change.last && !change.failure) delete next.failure;
  const file = statusPath(deps, app);
  await mkdir(`${deps.config.stateDir}/backups/${app}`, { recursive: true, mode: 0o700 });
  await writeFile(`${file}.tmp`, `${JSON.stringify(next)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}
