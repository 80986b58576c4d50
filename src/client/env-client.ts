/** /api/apps/:name/env for the laptop: the server's env file as names and keyed digests, never values. */
import { envDigestsSchema } from '../api/env.js';
import { apiPaths } from '../api/paths.js';
import type { ApiClient } from './api-client.js';

export function appEnvDigests(client: ApiClient, app: string) {
  return client.call(envDigestsSchema, apiPaths.apps.env(app));
}
