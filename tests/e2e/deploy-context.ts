/**
 * One test server ready for deploys (tests/e2e/deploy-server.ts), and the laptop's
 * side: an hms.config.json for the built `hms` (SSH tunnel, the server's keys), the
 * API through the same tunnel, and the app's page through nginx from this host.
 */
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import { tunnelDispatcher } from '../../src/client/tunnel-dispatcher.js';
import { SshPool } from '../../src/ssh/pool.js';
import { runHms, type HmsRun } from '../support/run-hms.js';
import { AGENT_PORT, API_TOKEN } from '../support/server-kit.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { APP, DOMAIN, REPO, setUpDeployServer } from './deploy-server.js';
import { tunnelApi } from './tunnel-api.js';

export interface DeployContext {
  server: TestServer;
  /** The laptop's working folder: hms.config.json and the SSH files. */
  dir: string;
  hms(args: string[], env?: NodeJS.ProcessEnv): Promise<HmsRun>;
  api(method: string, route: string, body?: unknown): Promise<{ status: number; json: any }>;
  /** GET through nginx from this host. */
  page(route?: string): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

export async function startDeployContext(): Promise<DeployContext> {
  const server = await startTestServer({ aptCache: true });
  try {
    const started = Date.now();
    await setUpDeployServer(server);
    console.log(`[deploy e2e] server ready in ${Date.now() - started} ms (boot to ssh ${server.timings.bootToSshMs} ms)`);
    const dir = await mkdtemp(path.join(tmpdir(), 'hms-deploy-e2e-'));
    await copyFile(server.identityFile, path.join(dir, 'id_ed25519'));
    await copyFile(server.knownHostsFile, path.join(dir, 'known_hosts'));
    const config = {
      servers: {
        test: { host: server.host, user: 'root', identityFile: 'id_ed25519', knownHostsFile: 'known_hosts', agentPort: AGENT_PORT },
      },
      apps: { [APP]: { server: 'test', repo: `file://${REPO}`, domain: DOMAIN } },
    };
    await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify(config, null, 2));
    const pool = new SshPool();
    const dispatcher: Dispatcher = tunnelDispatcher(
      () =>
        pool.get({
          host: server.host,
          port: 22,
          user: 'root',
          identityFile: server.identityFile,
          knownHostsFile: server.knownHostsFile,
          label: 'deploy-e2e',
        }),
      AGENT_PORT,
    );
    const api = tunnelApi(dispatcher, API_TOKEN);
    return {
      server,
      dir,
      hms: (args, env = {}) => runHms(args, { cwd: dir, env: { HMS_TOKEN: API_TOKEN, ...env } }),
      api: (method, route, body) => api(method, route, body, { accept: 'application/json' }),
      page: (route = '/') => getPage(server.host, route),
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

function getPage(host: string, route: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port: 80, path: route, headers: { host: DOMAIN }, timeout: 10_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}
