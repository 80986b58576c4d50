/**
 * The databases restores replaced and kept (`<db>_before_restore_<time>`): listed, and
 * dropped one at a time on an explicit request, audited. Only names of that pattern for
 * the app's own live database can be named, so neither the live database nor another
 * app's can be dropped from here.
 */
import type { KeptDatabase } from '../../../src/api/backups.js';
import type { AgentDeps } from '../../env.js';
import { allowed, ApiError } from '../../errors.js';
import { databaseFor } from './database.js';
import { keptPattern } from './restore-sql.js';
import { dropDatabase, listDatabases } from './swap.js';

export async function listKept(deps: AgentDeps, app: string): Promise<KeptDatabase[]> {
  allowed('app', app, deps.config.apps);
  const pattern = keptPattern(await databaseFor({ deps, app }));
  return (await listDatabases(deps)).filter((db) => pattern.test(db.name)).map((db) => ({ app, ...db }));
}

export async function dropKept(deps: AgentDeps, app: string, name: string, actor: string): Promise<KeptDatabase> {
  allowed('app', app, deps.config.apps);
  const refuse = async (error: ApiError): Promise<never> => {
    await deps.audit.record({ actor, action: 'backup.drop-kept', target: app, result: 'refused', detail: error.message });
    throw error;
  };
  const live = await databaseFor({ deps, app });
  if (!keptPattern(live).test(name)) {
    return refuse(
      new ApiError(400, `${JSON.stringify(name.slice(0, 80))} is not a database a restore of ${app} kept.`, {
        hint: `Kept databases are named ${live}_before_restore_<time>; \`hms backups ${app}\` lists them.`,
      }),
    );
  }
  const kept = (await listKept(deps, app)).find((db) => db.name === name);
  if (!kept) return refuse(new ApiError(404, `There is no kept database ${name}.`, { hint: `\`hms backups ${app}\` lists them.` }));
  await dropDatabase(deps, name);
  await deps.audit.record({
    actor,
    action: 'backup.drop-kept',
    target: app,
    result: 'ok',
    detail: `dropped ${name} (${kept.sizeBytes} bytes)`,
  });
  return kept;
}
