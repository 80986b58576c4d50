/**
 * /api/scripts for the laptop: the troubleshooting scripts, and a run either streamed
 * (stdout and stderr as they come, then the exit) or as one JSON result.
 */
import { z } from 'zod';
import { HmsError } from '../core/errors.js';
import { scriptExitSchema, scriptListSchema, scriptRunResultSchema, type RunScriptRequest, type ScriptExit } from '../api/scripts.js';
import type { ApiClient } from './api-client.js';
import { eventData, openEventStream } from './follow.js';
import { readSse } from './sse.js';

export type ScriptOutput = { kind: 'stdout' | 'stderr'; text: string } | { kind: 'exit'; exit: ScriptExit };

const runPath = (name: string) => `/api/scripts/${encodeURIComponent(name)}/run`;
const startErrorSchema = z.object({ error: z.string(), hint: z.string().optional() });

export function listScripts(client: ApiClient) {
  return client.call(scriptListSchema, '/api/scripts');
}

/** Runs the script to its end and answers once (output capped at 1 MiB a stream by the agent). */
export function runScriptJson(client: ApiClient, name: string, request: RunScriptRequest = {}, signal?: AbortSignal) {
  return client.call(scriptRunResultSchema, runPath(name), { method: 'POST', body: request, ...(signal ? { signal } : {}) });
}

/**
 * The run's output as it comes, ending with its exit. Not retried when the connection
 * drops (a run is not read-only): that is an error saying the outcome is unknown.
 * Aborting `signal` makes the agent stop the script.
 */
export async function* runScriptStream(client: ApiClient, name: string, request: RunScriptRequest = {}, signal?: AbortSignal): AsyncGenerator<ScriptOutput> {
  const body = await openEventStream(client, runPath(name), { method: 'POST', body: request, ...(signal ? { signal } : {}) });
  try {
    for await (const event of readSse(body)) {
      if (event.event === 'stdout' || event.event === 'stderr') yield { kind: event.event, text: event.data };
      else if (event.event === 'exit') return yield { kind: 'exit', exit: eventData(scriptExitSchema, event, client.server) };
      else if (event.event === 'error') {
        const { error, hint } = eventData(startErrorSchema, event, client.server);
        throw new HmsError(`${client.server}: ${error}`, { hint });
      }
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
