/**
 * /api/deploys for the laptop: a deploy streamed (steps and output as they come,
 * then how it ended) or answered once, the releases, rollback and the deploy lock.
 */
import { HmsError } from '../core/errors.js';
import {
  deployResultSchema,
  lockStatusSchema,
  releasesResponseSchema,
  rollbackResultSchema,
  unlockResultSchema,
  type DeployDone,
  type DeployRequest,
  type OutputEvent,
  type RollbackRequest,
  type StepEvent,
} from '../api/deploys.js';
import { apiPaths } from '../api/paths.js';
import { DEPLOY_EVENTS } from '../api/streams.js';
import type { ApiClient } from './api-client.js';
import { openEventStream, readEvents } from './events.js';

export type DeployEvent = { kind: 'step'; step: StepEvent } | { kind: 'output'; output: OutputEvent } | { kind: 'done'; done: DeployDone };

const paths = apiPaths.deploys;
const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});

/** Runs the deploy to its end and answers once (the output's last 64 KiB). */
export function deployJson(client: ApiClient, app: string, request: DeployRequest = {}, signal?: AbortSignal) {
  return client.call(deployResultSchema, paths.deploy(app), { method: 'POST', body: request, ...withSignal(signal) });
}

/**
 * The deploy's events as they come, ending with `done`. Not retried when the
 * connection drops (a deploy is not read-only); aborting `signal` makes the agent
 * stop the steps before the switch, and finish the ones after it.
 */
export async function* deployStream(
  client: ApiClient,
  app: string,
  request: DeployRequest = {},
  signal?: AbortSignal,
): AsyncGenerator<DeployEvent> {
  const body = await openEventStream(client, paths.deploy(app), { method: 'POST', body: request, ...withSignal(signal) });
  try {
    for await (const event of readEvents(body, DEPLOY_EVENTS, client.server)) {
      if (event.event === 'step') yield { kind: 'step', step: event.data };
      else if (event.event === 'output') yield { kind: 'output', output: event.data };
      else return yield { kind: 'done', done: event.data };
    }
  } catch (error) {
    if (signal?.aborted || error instanceof HmsError) throw error;
    throw lostDeploy(client.server, app, error);
  }
  throw lostDeploy(client.server, app);
}

export function listReleases(client: ApiClient, app: string) {
  return client.call(releasesResponseSchema, paths.releases(app));
}

export function rollback(client: ApiClient, app: string, request: RollbackRequest = {}) {
  return client.call(rollbackResultSchema, paths.rollback(app), { method: 'POST', body: request });
}

export function lockStatus(client: ApiClient, app: string) {
  return client.call(lockStatusSchema, paths.lock(app));
}

export function lock(client: ApiClient, app: string, reason: string) {
  return client.call(lockStatusSchema, paths.lock(app), { method: 'POST', body: { reason } });
}

export function unlock(client: ApiClient, app: string) {
  return client.call(unlockResultSchema, paths.lock(app), { method: 'DELETE' });
}

function lostDeploy(server: string, app: string, cause?: unknown): HmsError {
  return new HmsError(`The connection to ${server} dropped during the deploy of ${app}; how it ended is unknown.`, {
    hint:
      'The agent stops a deploy whose client went away, or finishes it safely once `current` moved. ' +
      `Run \`hms releases ${app}\` and \`hms audit\` to see the outcome.`,
    cause,
  });
}
