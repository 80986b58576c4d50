/** /api/schedules for the laptop: the apps' scheduled tasks, and one run now, streamed or as one JSON result. */
import { apiPaths } from '../api/paths.js';
import { schedulesResponseSchema } from '../api/schedules.js';
import { scriptRunResultSchema } from '../api/scripts.js';
import type { ApiClient } from './api-client.js';
import { type ScriptOutput, streamOutput } from './scripts-client.js';

export const listSchedules = (client: ApiClient, app?: string) => client.call(schedulesResponseSchema, apiPaths.schedules.list(app));

export const runScheduleJson = (client: ApiClient, app: string, name: string, signal?: AbortSignal) =>
  client.call(scriptRunResultSchema, apiPaths.schedules.run(app, name), { method: 'POST', body: {}, ...(signal ? { signal } : {}) });

/** Not retried when the connection drops (a run is not read-only); the run itself goes on in systemd. */
export const runScheduleStream = (client: ApiClient, app: string, name: string, signal?: AbortSignal): AsyncGenerator<ScriptOutput> =>
  streamOutput(client, apiPaths.schedules.run(app, name), {}, `${app} ${name}`, signal);
