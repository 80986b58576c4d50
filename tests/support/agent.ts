/**
 * Builds the agent's app for route tests (`app.request()`, no port) with real temp
 * folders. `exec` is the real door unless a test passes another one, and a test
 * that does must say why (e.g. no systemd on this machine). The temp folders go
 * when the test file is done.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll } from 'vitest';
import { exec } from '../../src/platform/exec.js';
import { createApp } from '../../server/app.js';
import { agentConfigSchema, type AgentConfig } from '../../server/config.js';
import type { AgentDeps } from '../../server/env.js';
import { AuditLog } from '../../server/services/audit/audit.js';

export const TEST_TOKEN = 'tok_test_0123456789abcdef0123456789abcdef';
export const TEST_USER = 'admin';
export const TEST_PASSWORD = 'correct horse battery staple';
export const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };

const passwordHash = bcrypt.hashSync(TEST_PASSWORD, 4);

const created: string[] = [];
afterAll(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

export interface TestAgent {
  app: ReturnType<typeof createApp>;
  deps: AgentDeps;
  /** A temp folder for this agent: state/, and whatever the test puts there. */
  dir: string;
}

export async function testAgent(
  options: { config?: Record<string, unknown>; exec?: AgentDeps['exec']; clock?: () => Date } = {},
): Promise<TestAgent> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-agent-'));
  created.push(dir);
  const config: AgentConfig = agentConfigSchema.parse({
    stateDir: path.join(dir, 'state'),
    secretsFile: path.join(dir, 'secrets.json'),
    maintenanceDir: path.join(dir, 'maintenance'),
    scriptsDir: path.resolve('remote-cli-tools'),
    ...options.config,
  });
  const clock = options.clock ?? (() => new Date());
  const deps: AgentDeps = {
    config,
    secrets: {
      adminUsername: TEST_USER,
      adminPasswordHash: passwordHash,
      adminPasswordSource: passwordHash,
      jwtSecret: 'jwt_test_0123456789abcdef0123456789abcdef',
      apiToken: TEST_TOKEN,
    },
    exec: options.exec ?? exec,
    audit: new AuditLog(config.stateDir, clock),
    clock,
    version: '0.0.0-test',
    startedAt: clock(),
  };
  return { app: createApp(deps), deps, dir };
}
