/** /api/backups for the laptop: back up an app's database, list its backups, restore one, the kept databases, the offsite copy. */
import { z } from 'zod';
import {
  backupListSchema,
  backupResultSchema,
  drillResponseSchema,
  keptDatabaseSchema,
  pullDigestSchema,
  type RestoreRequest,
  type RestoreResult,
  restoreResultSchema,
} from '../api/backups.js';
import { apiPaths } from '../api/paths.js';
import type { RestoreStep } from '../api/streams.js';
import { HmsError } from '../core/errors.js';
import type { ApiClient } from './api-client.js';
import { openEventStream, readEvents } from './events.js';
import { agentError, json } from './http.js';

/** Answers when the backup is done (the dump and restic can take minutes on a large database). */
export const takeBackup = (client: ApiClient, app: string) =>
  client.call(backupResultSchema, apiPaths.backups.app(app), { method: 'POST' });

export const listBackups = (client: ApiClient, app: string) => client.call(backupListSchema, apiPaths.backups.app(app));

/** Restores the latest backup into a scratch database and compares its row counts with the recorded ones. */
export const drillBackup = (client: ApiClient, app: string) =>
  client.call(drillResponseSchema, apiPaths.backups.drill(app), { method: 'POST' });

/** The app's snapshots in the offsite repository (on another server). */
export const listOffsite = (client: ApiClient, app: string) => client.call(backupListSchema, apiPaths.backups.offsite(app));

/** Copies one offsite snapshot into the server's own repository; answers the local list. */
export const fetchOffsite = (client: ApiClient, app: string, snapshot: string) =>
  client.call(backupListSchema, apiPaths.backups.fetch(app), { method: 'POST', body: { snapshot } });

/** Restores a snapshot as the live database (answers when done); `dryRun` only says what would be replaced. */
export const restoreBackup = (client: ApiClient, app: string, request: RestoreRequest) =>
  client.call(restoreResultSchema, apiPaths.backups.restore(app), { method: 'POST', body: request });

/**
 * The same restore with its steps as they happen (`onStep`), answering the result at the end. Not
 * retried when the connection drops (a restore is not read-only): the agent finishes it either way,
 * and `hms backups <app>` and `hms audit` tell how it ended.
 */
export async function restoreStreamed(
  client: ApiClient,
  app: string,
  request: RestoreRequest,
  onStep: (step: RestoreStep) => void,
): Promise<RestoreResult> {
  // The stream schemas (deploys', logs', scripts' too: ~15 ms to build) load only for a restore, not with hms status.
  const { RESTORE_EVENTS } = await import('../api/streams.js');
  const body = await openEventStream(client, apiPaths.backups.restore(app), { method: 'POST', body: request });
  for await (const event of readEvents(body, RESTORE_EVENTS, client.server)) {
    if (event.event === 'step') onStep(event.data);
    else if (event.event === 'done') return event.data;
    else throw agentError(event.data.status, event.data, client.server);
  }
  throw new HmsError(`The connection to ${client.server} ended before the restore of ${app} said how it ended.`, {
    hint: `The agent finishes it regardless: \`hms backups ${app}\` and \`hms audit\` tell how it went.`,
  });
}

/** The databases restores replaced and kept. */
export const listKept = (client: ApiClient, app: string) => client.call(z.array(keptDatabaseSchema), apiPaths.backups.kept(app));

export const dropKept = (client: ApiClient, app: string, name: string) =>
  client.call(keptDatabaseSchema, apiPaths.backups.keptDatabase(app, name), { method: 'DELETE' });

/** Every app's backups at a glance: the last good one, the last failure, the last drill. */
export const backupOverview = (client: ApiClient, signal?: AbortSignal) => client.backupOverview(signal);

/** The snapshot's dump as bytes (the caller reads the body; an agent's refusal comes back as its error). */
export async function openDump(client: ApiClient, app: string, snapshot: string) {
  const response = await client.send(apiPaths.backups.dump(app, snapshot), { headers: { accept: 'application/octet-stream' } });
  // Anything but the bytes is the agent's refusal, in JSON: read, it throws with the agent's own words.
  if (response.status !== 200) await json(response, z.never(), client.server);
  return response;
}

/** SHA-256 and size of the snapshot's dump, read on the server apart from the download. */
export const dumpDigest = (client: ApiClient, app: string, snapshot: string) =>
  client.call(pullDigestSchema, apiPaths.backups.digest(app, snapshot));
