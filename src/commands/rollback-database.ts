/**
 * What `hms rollback <app> --restore-database` asks: which backup goes live (the one taken
 * before the current release's migrations) and what it replaces, from the agent's dry run.
 */
import { listBackups, restoreBackup } from '../client/backups-client.js';
import type { Connected } from '../client/connect.js';
import { listReleases } from '../client/deploys-client.js';
import { HmsError } from '../core/errors.js';
import { replacementTable } from '../core/restore-render.js';

export async function databaseRollbackQuestion(connected: Connected, app: string, question: string): Promise<string> {
  const current = (await listReleases(connected.client, app)).find((release) => release.current)?.id;
  const { snapshots } = await listBackups(connected.client, app);
  const backup = snapshots.filter((s) => s.kind === 'pre-migration' && current !== undefined && s.release === current).at(-1);
  if (!backup) {
    throw new HmsError(`There is no pre-migration backup of ${app} taken before release ${current ?? '(none)'}.`, {
      hint: `Roll back without --restore-database, or restore a backup by hand (\`hms backups ${app}\`, \`hms restore\`).`,
    });
  }
  const plan = await restoreBackup(connected.client, app, { snapshot: backup.id, dryRun: true });
  return [
    `${question} First, backup ${backup.shortId} (taken ${backup.time}, before ${current}'s migrations) becomes the live database;`,
    'the live one is replaced (and kept, not dropped):',
    replacementTable(plan.liveRows, plan.snapshotRows),
    'Go on?',
  ].join('\n');
}
