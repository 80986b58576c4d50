/** The backup a deploy takes before new migrations: kind pre-migration, tagged with the release it comes before. */
import type { BackupResult } from '../../../src/api/backups.js';
import type { AgentDeps } from '../../env.js';
import { runBackup } from './backup.js';

export const preMigrationBackup =
  (deps: AgentDeps, app: string, actor: string) =>
  (release: string): Promise<BackupResult> =>
    runBackup({ deps, app, actor, kind: 'pre-migration', release });
