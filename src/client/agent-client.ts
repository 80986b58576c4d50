import { activateResultSchema, agentReleasesSchema, uploadResultSchema } from '../api/agent.js';
import type { AgentBundle } from '../provision/agent-install.js';
import { VERSION } from '../version.js';
import type { ApiClient } from './api-client.js';

export function agentReleases(client: ApiClient) {
  return client.call(agentReleasesSchema, '/api/agent/releases');
}

export function uploadAgentRelease(client: ApiClient, bundle: AgentBundle) {
  const files = bundle.files.map((file) => ({ name: file.name, mode: file.mode, contentBase64: file.content.toString('base64') }));
  return client.call(uploadResultSchema, '/api/agent/releases', { method: 'POST', body: { version: VERSION, files } });
}

export function activateAgentRelease(client: ApiClient, release: string) {
  return client.call(activateResultSchema, `/api/agent/releases/${encodeURIComponent(release)}/activate`, { method: 'POST' });
}
