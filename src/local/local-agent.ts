/**
 * Local mode: with no server configured (or --local), hms runs the agent in this
 * process on a loopback port and talks to it like to any other. What this machine
 * has is shown; what it lacks (systemd on a laptop) is reported per item.
 */
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import bcrypt from 'bcryptjs';
import { serve } from '@hono/node-server';
import { exec } from '../platform/exec.js';
import { VERSION } from '../core/version.js';
import { packageRoot } from '../platform/package-root.js';
import { createApp } from '../../server/app.js';
import { agentConfigSchema } from '../../server/config.js';
import { AuditLog } from '../../server/services/audit/index.js';

export interface LocalAgent {
  url: string;
  token: string;
  stop(): Promise<void>;
}

export function localStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_STATE_HOME || path.join(env.HOME || homedir(), '.local', 'state'), 'hms', 'local');
}

export async function startLocalAgent(env: NodeJS.ProcessEnv = process.env): Promise<LocalAgent> {
  const token = randomBytes(32).toString('base64url');
  const config = agentConfigSchema.parse({
    listen: { host: '127.0.0.1', port: 1 },
    stateDir: localStateDir(env),
    scriptsDir: path.join(packageRoot(), 'remote-cli-tools'),
  });
  const clock = () => new Date();
  const app = createApp({
    config,
    // Nobody logs in to the local agent with a password: it lives as long as this process.
    secrets: { ...localPassword(), jwtSecret: randomBytes(32).toString('hex'), apiToken: token },
    exec,
    audit: new AuditLog(config.stateDir, clock),
    clock,
    version: VERSION,
    startedAt: clock(),
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function localPassword(): { adminUsername: string; adminPasswordHash: string; adminPasswordSource: string } {
  const hash = bcrypt.hashSync(randomBytes(16).toString('hex'), 4);
  return { adminUsername: 'local', adminPasswordHash: hash, adminPasswordSource: hash };
}
