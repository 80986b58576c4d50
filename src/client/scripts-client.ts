/**
 * /api/scripts for the laptop: the troubleshooting scripts, and a run either streamed
 * (stdout and stderr as they come, then the exit) or as one JSON result.
 */
import { apiPaths } from '../api/paths.js';
import { scriptListSchema, scriptRunResultSchema, type RunScriptRequest, type ScriptExit } from '../api/scripts.js';
import { SCRIPT_RUN_EVENTS } from '../api/streams.js';
import { HmsError } from '../core/errors.js';
import type { ApiClient } from './api-client.js';
import { openEventStream, readEvents } from './events.js';

export type ScriptOutput = { kind: 'stdout' | 'stderr'; text: string } | { kind: 'exit'; exit: ScriptExit };

export function listScripts(client: ApiClient) {
  return client.call(scriptListSchema, apiPaths.scripts.list());
}

/** Runs the script to its end and answers once (output capped at 1 MiB a stream by the agent). */
export function runScriptJson(client: ApiClient, name: string, request: RunScriptRequest = {}, signal?: AbortSignal) {
  return client.call(scriptRunResultSchema, apiPaths.scripts.run(name), { method: 'POST', body: request, ...(signal ? { signal } : {}) });
}

/**
 * The run's output as it comes, ending with its exit. Not retried when the connection
 * drops (a run is not read-only): that is an error saying the outcome is unknown.
 * Aborting `signal` makes the agent stop the script.
 */
export function runScriptStream(
  client: ApiClient,
  name: string,
  request: RunScriptRequest = {},
  signal?: AbortSignal,
): AsyncGenerator<ScriptOutput> {
  return streamOutput(client, apiPaths.scripts.run(name), request, name, signal);
}

/** Any run the agent streams as SCRIPT_RUN_EVENTS (a script, `hms exec`); `name` says what ran, for errors. */
export async function* streamOutput(
  client: ApiClient,
  path: string,
  request: object,
  name: string,
  signal?: AbortSignal,
): AsyncGenerator<ScriptOutput> {
  const body = await openEventStream(client, path, { method: 'POST', body: request, ...(signal ? { signal } : {}) });
  try {
    for await (const event of readEvents(body, SCRIPT_RUN_EVENTS, client.server)) {
      if (event.event === 'stdout' || event.event === 'stderr') yield { kind: event.event, text: event.data };
      else if (event.event === 'exit') return yield { kind: 'exit', exit: event.data };
      else throw new HmsError(`${client.server}: ${event.data.error}`, { hint: event.data.hint });
    }
  } catch (error) {
    if (signal?.aborted || error instanceof HmsError) throw error;
    throw lostRun(client.server, name, error);
  }
  throw lostRun(client.server, name);
}

function lostRun(server: string, name: string, cause?: unknown): HmsError {
  return new HmsError(`The connection to ${server} dropped before ${name} ended; how it ended is unknown.`, {
    hint: 'Run `hms audit` to see whether it finished, then run it again if needed.',
    cause,
  });
}
