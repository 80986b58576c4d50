/**
 * One hosting server for an e2e file: the test server, set up with the agent and
 * the sample apps, and an API reached the way the laptop reaches it (SSH tunnel).
 */
import { request, type Dispatcher } from 'undici';
import { SshPool } from '../../src/ssh/pool.js';
import type { SshTarget } from '../../src/ssh/target.js';
import { tunnelDispatcher } from '../../src/client/tunnel-dispatcher.js';
import { setUpHostingServer, type HostingServer } from '../support/server-kit.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

export interface AgentContext {
  server: TestServer;
  hosting: HostingServer;
  target: SshTarget;
  pool: SshPool;
  dispatcher: Dispatcher;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: any; text: string }>;
  close(): Promise<void>;
}

export async function startAgentContext(): Promise<AgentContext> {
  const server = await startTestServer({ aptCache: true });
  try {
    const started = Date.now();
    const hosting = await setUpHostingServer(server);
    console.log(`[e2e] hosting server ready in ${Date.now() - started} ms (boot to ssh ${server.timings.bootToSshMs} ms)`);
    const target: SshTarget = { host: server.host, port: 22, user: 'root', identityFile: server.identityFile, knownHostsFile: server.knownHostsFile, label: 'test' };
    const pool = new SshPool();
    const dispatcher = tunnelDispatcher(() => pool.get(target), hosting.agentPort);
    return {
      server,
      hosting,
      target,
      pool,
      dispatcher,
      async api(method, path, body, headers = {}) {
        const response = await request(`http://agent${path}`, {
          method: method as Dispatcher.HttpMethod,
          dispatcher,
          headers: { authorization: `Bearer ${hosting.apiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.body.text();
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        return { status: response.statusCode, headers: response.headers, json, text };
      },
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
