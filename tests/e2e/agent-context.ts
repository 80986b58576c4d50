/**
 * One hosting server for an e2e file: the test server, set up with the agent and
 * the sample apps, and an API reached the way the laptop reaches it (SSH tunnel).
 */
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import { SshPool } from '../../src/ssh/pool.js';
import type { SshTarget } from '../../src/ssh/target.js';
import { tunnelDispatcher } from '../../src/client/tunnel-dispatcher.js';
import { setUpHostingServer, type HostingServer } from '../support/server-kit.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { tunnelApi, type TunnelApi } from './tunnel-api.js';

export interface AgentContext {
  server: TestServer;
  hosting: HostingServer;
  target: SshTarget;
  pool: SshPool;
  dispatcher: Dispatcher;
  api: TunnelApi;
  close(): Promise<void>;
}

export async function startAgentContext(): Promise<AgentContext> {
  const server = await startTestServer({ aptCache: true });
  try {
    const started = Date.now();
    const hosting = await setUpHostingServer(server);
    console.log(`[e2e] hosting server ready in ${Date.now() - started} ms (boot to ssh ${server.timings.bootToSshMs} ms)`);
    const target: SshTarget = {
      host: server.host,
      port: 22,
      user: 'root',
      identityFile: server.identityFile,
      knownHostsFile: server.knownHostsFile,
      label: 'test',
    };
    const pool = new SshPool();
    const dispatcher = tunnelDispatcher(() => pool.get(target), hosting.agentPort);
    return {
      server,
      hosting,
      target,
      pool,
      dispatcher,
      api: tunnelApi(dispatcher, hosting.apiToken),
      async close() {
        await dispatcher.close();
        await pool.closeAll();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * A laptop folder for hms against the context's server: a new temporary folder (named from `prefix`)
 * with its key, its known_hosts and an hms.config.json naming it `test` (with `apps`: the context's
 * apps on it too, each from its repository on the server). Answers the folder.
 */
export async function laptopFolder(ctx: AgentContext, prefix: string, options: { apps?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await copyFile(ctx.server.identityFile, path.join(dir, 'id_ed25519'));
  await copyFile(ctx.server.knownHostsFile, path.join(dir, 'known_hosts'));
  const server = {
    host: ctx.server.host,
    user: 'root',
    identityFile: 'id_ed25519',
    knownHostsFile: 'known_hosts',
    agentPort: ctx.hosting.agentPort,
  };
  const apps = Object.fromEntries(
    ctx.hosting.apps.map((app) => [app, { server: 'test', repo: `/srv/git/${app}.git`, domain: `${app}.test` }]),
  );
  await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify({ servers: { test: server }, ...(options.apps ? { apps } : {}) }));
  return dir;
}
