import { apiPaths } from '../api/paths.js';
import { scriptRunResultSchema, type ScriptRunResult } from '../api/scripts.js';
import type { ApiClient } from './api-client.js';

/** Runs one remote tool and waits for its whole result (Accept: application/json). */
export function runScriptJson(client: ApiClient, name: string, args: string[]): Promise<ScriptRunResult> {
  return client.call(scriptRunResultSchema, apiPaths.scripts.run(name), { method: 'POST', body: { args } });
}
