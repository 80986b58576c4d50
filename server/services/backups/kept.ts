/**
 * What restores replaced and kept: PostgreSQL databases (`<db>_before_restore_<time>`),
 * SQLite files and upload folders (`<path>.before_restore_<time>`, named relative to the
 * app's folder). Listed, and removed one at a time on an explicit request, audited. Only
 * names of those patterns for the app's own database and folders can be named, so
 * nothing live and nothing of another app can be removed from here.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { KeptDatabase } from '../../../src/api/backups.js';
import type { AgentDeps } from '../../env.js';
import { allowed, ApiError } from '../../errors.js';
import { type AppDatabase, appDatabase } from './database.js';
import { uploadFolderNames } from './files.js';
import { keptPattern } from './restore-sql.js';
import { dropKeptSqlite, keptSqliteFiles } from './sqlite-swap.js';
import { dropDatabase, listDatabases } from './swap.js';

const KEPT_FOLDER = /^(.+)\.before_restore_\d{14}$/;

async function keptDatabases(deps: AgentDeps, app: string, database: AppDatabase): Promise<KeptDatabase[]> {
  if (database.engine === 'sqlite') {
    const files = await keptSqliteFiles(deps.config.apps[app]!.root, database.path);
    return files.map((file) => ({ app, ...file, kind: 'database' as const }));
  }
  const pattern = keptPattern(database.name);
  return (await listDatabases(deps)).filter((db) => pattern.test(db.name)).map((db) => ({ app, ...db, kind: 'database' as const }));
}

/** Upload folders a restore replaced: siblings of the app's upload folders named `<folder>.before_restore_<time>`. */
async function keptFolders(deps: AgentDeps, app: string): Promise<KeptDatabase[]> {
  const agentApp = deps.config.apps[app]!;
  const kept: KeptDatabase[] = [];
  for (const folder of uploadFolderNames(agentApp)) {
    const live = path.join(agentApp.root, 'shared', folder);
    const names = await readdir(path.dirname(live)).catch(() => []);
    for (const name of names.sort()) {
      if (KEPT_FOLDER.exec(name)?.[1] === path.basename(live)) {
        kept.push({ app, name: path.relative(agentApp.root, path.join(path.dirname(live), name)), kind: 'files' });
      }
    }
  }
  return kept;
}

export async function listKept(deps: AgentDeps, app: string): Promise<KeptDatabase[]> {
  allowed('app', app, deps.config.apps);
  const database = await appDatabase({ deps, app });
  return [...(await keptDatabases(deps, app, database)), ...(await keptFolders(deps, app))];
}

export async function dropKept(deps: AgentDeps, app: string, name: string, actor: string): Promise<KeptDatabase> {
  allowed('app', app, deps.config.apps);
  const refuse = async (error: ApiError): Promise<never> => {
    await deps.audit.record({ actor, action: 'backup.drop-kept', target: app, result: 'refused', detail: error.message });
    throw error;
  };
  const database = await appDatabase({ deps, app });
  const shaped = database.engine === 'postgresql' && keptPattern(database.name).test(name);
  if (!shaped && !(name.startsWith('shared/') && KEPT_FOLDER.test(name))) {
    const live = database.engine === 'postgresql' ? `${database.name}_before_restore_<time>, ` : '';
    return refuse(
      new ApiError(400, `${JSON.stringify(name.slice(0, 80))} is not something a restore of ${app} kept.`, {
        hint: `Kept are named ${live}shared/<file or folder>.before_restore_<time>; \`hms backups ${app}\` lists them.`,
      }),
    );
  }
  // Only a name that the listing has: never a path from the request.
  const kept = (await listKept(deps, app)).find((entry) => entry.name === name);
  if (!kept) {
    return refuse(
      new ApiError(404, `There is no ${JSON.stringify(name.slice(0, 120))} kept by a restore of ${app}.`, {
        hint: `\`hms backups ${app}\` lists what restores kept, by name.`,
      }),
    );
  }
  const root = deps.config.apps[app]!.root;
  if (kept.kind === 'files') await rm(path.join(root, kept.name), { recursive: true, force: true });
  else if (kept.name.startsWith('shared/')) await dropKeptSqlite(path.join(root, kept.name));
  else await dropDatabase(deps, kept.name);
  const size = kept.sizeBytes !== undefined ? ` (${kept.sizeBytes} bytes)` : '';
  await deps.audit.record({ actor, action: 'backup.drop-kept', target: app, result: 'ok', detail: `removed ${kept.name}${size}` });
  return kept;
}
