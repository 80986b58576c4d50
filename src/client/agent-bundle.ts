/** The agent as this hms ships it: dist/hms-agent.mjs and the remote tools, named by their content. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { releaseIdOf } from '../api/agent.js';
import { HmsError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { packageRoot } from '../platform/package-root.js';

export interface AgentBundle {
  release: string;
  files: Array<{ name: string; content: Buffer; mode: number }>;
}

export async function readAgentBundle(root = packageRoot()): Promise<AgentBundle> {
  const bundle = await readFile(path.join(root, 'dist', 'hms-agent.mjs')).catch((error: unknown) => {
    throw new HmsError('dist/hms-agent.mjs is missing.', { hint: 'Run `npm run build` first.', cause: error });
  });
  const tools = (await readdir(path.join(root, 'remote-cli-tools'))).filter((name) => name.endsWith('.sh')).sort();
  const files = [
    { name: 'hms-agent.mjs', content: bundle, mode: 0o644 },
    ...(await Promise.all(
      tools.map(async (name) => ({
        name: `remote-cli-tools/${name}`,
        content: await readFile(path.join(root, 'remote-cli-tools', name)),
        mode: 0o755,
      })),
    )),
  ];
  return { release: releaseIdOf(VERSION, files), files };
}
