import { activateResultSchema, agentReleasesSchema, uploadResultSchema } from '../api/agent.js';
import { apiPaths } from '../api/paths.js';
import type { AgentBundle } from './agent-bundle.js';
import { VERSION } from '../core/version.js';
import type { ApiClient } from './api-client.js';

const withSignal = (signal?: AbortSignal) => (signal ? { signal } : {});

export function agentReleases(client: ApiClient, signal?: AbortSignal) {
  return client.call(agentReleasesSchema, apiPaths.agent.releases(), withSignal(signal));
}

export function uploadAgentRelease(client: ApiClient, bundle: AgentBundle, signal?: AbortSignal) {
  const files = bundle.files.map((file) => ({ name: file.name, mode: file.mode, contentBase64: file.content.toString('base64') }));
  const body = { version: VERSION, files };
  return client.call(uploadResultSchema, apiPaths.agent.releases(), { method: 'POST', body, ...withSignal(signal) });
}

export function activateAgentRelease(client: ApiClient, release: string, signal?: AbortSignal) {
  return client.call(activateResultSchema, apiPaths.agent.activate(release), { method: 'POST', ...withSignal(signal) });
}
