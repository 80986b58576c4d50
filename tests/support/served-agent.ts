/**
 * A real agent served on a loopback port, with its own config and real temp files,
 * that can be stopped and started again on the same port (an agent restart).
 *
 * Commands reach it the way `--via https` reaches a server: the test's Config (built
 * as an object, not parsed: the schema insists on https) has a publicUrl of
 * http://127.0.0.1:<port>, and the token comes from HMS_TOKEN. Everything from
 * connect() down (transport, HTTP, agent, files, processes) is the real thing.
 */
import { rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { serverSchema, type Config } from '../../src/config/schema.js';
import { connectServer, type Connected } from '../../src/client/connect.js';
import { createApp } from '../../server/app.js';
import type { AgentDeps } from '../../server/env.js';
import { TEST_TOKEN, testAgent, type TestAgent } from './agent.js';
import { testContext, type TestContext, type TestContextOptions } from './test-context.js';

export interface ServedAgent {
  agent: TestAgent;
  port: number;
  url: string;
  /** Drops every open connection (as a dying process does) and stops listening. */
  stop(): Promise<void>;
  /** Stops for good and removes the agent's temp folder. */
  dispose(): Promise<void>;
  /** Listens again on the same port; `token` replaces the API token (a rotated one). */
  start(options?: { token?: string }): Promise<void>;
  /** The configuration a command loads: one server, `test`, at this agent. */
  config: Config;
  /** A command context aimed at this agent (`--via https`, HMS_TOKEN). */
  context(options?: TestContextOptions): TestContext;
  /** The client connect() gives a command, for calling the client functions directly. */
  connect(options?: { token?: string }): Promise<Connected>;
}

export async function servedAgent(options: { config?: Record<string, unknown>; exec?: AgentDeps['exec'] } = {}): Promise<ServedAgent> {
  const agent = await testAgent(options);
  let server: Server | undefined;
  const listen = async (port: number, deps: AgentDeps): Promise<number> => {
    const started = serve({ fetch: createApp(deps).fetch, hostname: '127.0.0.1', port }) as Server;
    await new Promise<void>((resolve, reject) => {
      started.once('listening', resolve);
      started.once('error', reject);
    });
    server = started;
    return (started.address() as AddressInfo).port;
  };
  const port = await listen(0, agent.deps);
  const url = `http://127.0.0.1:${port}`;
  const config: Config = {
    file: path.join(agent.dir, 'hms.config.json'),
    servers: { test: { ...serverSchema.parse({ host: '127.0.0.1', agentPort: port }), publicUrl: url } },
    apps: {},
  };
  const stop = async (): Promise<void> => {
    const current = server;
    server = undefined;
    if (!current) return;
    current.closeAllConnections();
    await new Promise<void>((resolve) => current.close(() => resolve()));
  };
  const context = (contextOptions: TestContextOptions = {}): TestContext =>
    testContext({
      ...contextOptions,
      config,
      flags: { via: 'https', ...contextOptions.flags },
      env: { HMS_TOKEN: TEST_TOKEN, ...contextOptions.env },
    });
  return {
    agent,
    port,
    url,
    config,
    context,
    stop,
    async dispose() {
      await stop();
      await rm(agent.dir, { recursive: true, force: true });
    },
    async start(startOptions = {}) {
      const secrets = { ...agent.deps.secrets, apiToken: startOptions.token ?? agent.deps.secrets.apiToken };
      await listen(port, { ...agent.deps, secrets });
    },
    connect: (connectOptions = {}) => connectServer(context({ env: { HMS_TOKEN: connectOptions.token ?? TEST_TOKEN } }), config, 'test'),
  };
}
