/**
 * /api/deploys for the laptop: a deploy streamed (steps and output as they come,
 * then how it ended) or answered once, the releases, rollback and the deploy lock.
 */
import { HmsError } from '../core/errors.js';
import {
  doneEventSchema,
  deployResultSchema,
  lockStatusSchema,
  outputEventSchema,
  releasesResponseSchema,
  rollbackResultSchema,
  stepEventSchema,
  unlockResultSchema,
  type DeployDone,
  type DeployRequest,
  type OutputEvent,
  type RollbackRequest,
  type StepEvent,
} from '../api/deploys.js';
import type { ApiClient } from './api-client.js';
import { eventData, openEventStream } from './follow.js';
import { readSse } from './sse.js';

export type DeployEvent = { kind: 'step'; step: StepEvent } | { kind: 'output'; output: OutputEvent } | { kind: 'done'; done: DeployDone };

const base = (app: string) => `/api/deploys/${encodeURIComponent(app)}`;
const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});

/** Runs the deploy to its end and answers once (the output's last 64 KiB). */
export function deployJson(client: ApiClient, app: string, request: DeployRequest = {}, signal?: AbortSignal) {
  return client.call(deployResultSchema, base(app), { method: 'POST', body: request, ...withSignal(signal) });
}

/**
 * The deploy's events as they come, ending with `done`. Not retried when the
 * connection drops (a deploy is not read-only); aborting `signal` makes the agent
 * stop the steps before the switch, and finish the ones after it.
 */
export async function* deployStream(client: ApiClient, app: string, request: DeployRequest = {}, signal?: AbortSignal): AsyncGenerator<DeployEvent> {
  const body = await openEventStream(client, base(app), { method: 'POST', body: request, ...withSignal(signal) });
  try {
    for await (const event of readSse(body)) {
      if (event.event === 'step') yield { kind: 'step', step: eventData(stepEventSchema, event, client.server) };
      else if (event.event === 'output') yield { kind: 'output', output: eventData(outputEventSchema, event, client.server) };
      else if (event.event === 'done') return yield { kind: 'done', done: eventData(doneEventSchema, event, client.server) };
    }
  } catch (error) {
    if (signal?.aborted || error instanceof HmsError) throw error;
    throw lostDeploy(client.server, app, error);
  }
  throw lostDeploy(client.server, app);
}

export function listReleases(client: ApiClient, app: string) {
  return client.call(releasesResponseSchema, `${base(app)}/releases`);
}

export function rollback(client: ApiClient, app: string, request: RollbackRequest = {}) {
  return client.call(rollbackResultSchema, `${base(app)}/rollback`, { method: 'POST', body: request });
}

export function lockStatus(client: ApiClient, app: string) {
  return client.call(lockStatusSchema, `${base(app)}/lock`);
}

export function lock(client: ApiClient, app: string, reason: string) {
  return client.call(lockStatusSchema, `${base(app)}/lock`, { method: 'POST', body: { reason } });
}

export function unlock(client: ApiClient, app: string) {
  return client.call(unlockResultSchema, `${base(app)}/lock`, { method: 'DELETE' });
}

function lostDeploy(server: string, app: string, cause?: unknown): HmsError {
  return new HmsError(`The connection to ${server} dropped during the deploy of ${app}; how it ended is unknown.`, {
    hint: `The agent stops a deploy whose client went away, or finishes it safely once \`current\` moved. Run \`hms releases ${app}\` and \`hms audit\` to see the outcome.`,
    cause,
  });
}
