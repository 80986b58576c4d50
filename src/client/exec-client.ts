/** /api/apps/:name/exec for the laptop: a command in the app's release, its output streamed, or one JSON result. */
import type { ExecRequest } from '../api/exec.js';
import { apiPaths } from '../api/paths.js';
import { scriptRunResultSchema } from '../api/scripts.js';
import type { ApiClient } from './api-client.js';
import { type ScriptOutput, streamOutput } from './scripts-client.js';

export const execJson = (client: ApiClient, app: string, request: ExecRequest, signal?: AbortSignal) =>
  client.call(scriptRunResultSchema, apiPaths.apps.exec(app), { method: 'POST', body: request, ...(signal ? { signal } : {}) });

/** Not retried when the connection drops (a command is not read-only); aborting `signal` makes the agent stop it. */
export const execStream = (client: ApiClient, app: string, request: ExecRequest, signal?: AbortSignal): AsyncGenerator<ScriptOutput> =>
  streamOutput(client, apiPaths.apps.exec(app), request, `\`${request.argv.join(' ')}\` in ${app}`, signal);
