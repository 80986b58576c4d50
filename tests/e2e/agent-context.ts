/**
 * One hosting server for an e2e file: the test server, set up with the agent and
 * the sample apps, and an API reached the way the laptop reaches it (SSH tunnel).
 */
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
