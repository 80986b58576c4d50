/**
 * What hms keeps beside each snapshot, in <stateDir>/backups/<app>/<snapshot id>.json
 * (root only): its sizes, the row counts at dump time and the last drill's result.
 * restic keeps the dump; this file is what proves it whole.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { type BackupSnapshot, backupSnapshotSchema } from '../../../src/api/backups.js';
import type { AgentDeps } from '../../env.js';
import { SNAPSHOT_ID } from './argv.js';

const recordDir = (deps: AgentDeps, app: string): string => `${deps.config.stateDir}/backups/${app}`;

export async function writeRecord(deps: AgentDeps, app: string, snapshot: BackupSnapshot): Promise<void> {
  const dir = recordDir(deps, app);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = `${dir}/${snapshot.id}.json`;
  await writeFile(`${file}.tmp`, `${JSON.stringify(snapshot)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

/** The recorded fields of a snapshot (none when there is no record, or it does not read). */
export async function readRecord(deps: AgentDeps, app: string, id: string): Promise<Partial<BackupSnapshot>> {
  if (!SNAPSHOT_ID.test(id)) return {};
  const text = await readFile(`${recordDir(deps, app)}/${id}.json`, 'utf8').catch(() => undefined);
  if (!text) return {};
  try {
    const { sizeBytes, addedBytes, rows, drill, files, release } = backupSnapshotSchema.partial().parse(JSON.parse(text));
    return {
      ...(sizeBytes !== undefined ? { sizeBytes } : {}),
      ...(addedBytes !== undefined ? { addedBytes } : {}),
      ...(rows ? { rows } : {}),
      ...(drill ? { drill } : {}),
      ...(files ? { files } : {}),
      ...(release ? { release } : {}),
    };
  } catch {
    return {};
  }
}
