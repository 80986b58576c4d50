// hms-agent: the Node entry point. The only file that knows about ports and signals.
import './polyfill.js';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { exec } from '../src/platform/exec.js';
import { isHmsError } from '../src/core/errors.js';
import { VERSION } from '../src/core/version.js';
import { activate } from './services/agent/index.js';
import { createApp } from './app.js';
import { exampleAgentConfig, loadAgentConfig } from './config.js';
import { loadAgentSecrets } from './auth/secrets.js';
import { AuditLog } from './services/audit/index.js';
import { clearLeftMaintenance } from './services/backups/index.js';
import { recoverSites } from './services/configs/index.js';

const HELP = `hms-agent ${VERSION}: the hms server agent (listens on loopback only)

Usage: hms-agent [--config FILE]
  --config FILE      agent configuration (default /etc/hosting-api/agent.json)
  --example-config   print a complete example configuration
  --activate ID      (run by the agent itself) switch to release ID, restart, roll back if unhealthy
  --version, --help`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: '/etc/hosting-api/agent.json' },
      'example-config': { type: 'boolean' },
      activate: { type: 'string' },
      version: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return print(HELP);
  if (values.version) return print(VERSION);
  if (values['example-config']) return print(JSON.stringify(exampleAgentConfig(), null, 2));

  const config = await loadAgentConfig(values.config!);
  if (values.activate) return activate(config, values.activate);
  const secrets = await loadAgentSecrets(config.secretsFile);
  const clock = () => new Date();
  const deps = {
    config,
    secrets,
    exec,
    clock,
    audit: new AuditLog(config.stateDir, clock),
    version: VERSION,
    startedAt: clock(),
    release: await runningRelease(config.installDir),
    configFile: path.resolve(values.config!),
  };
  // A crash mid-edit leaves staged copies and test configs behind; the live files are intact.
  await recoverSites(deps);
  // Only a running restore holds an app in maintenance, and none runs before this agent starts.
  await clearLeftMaintenance(deps);
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, hostname: config.listen.host, port: config.listen.port }, (info) => {
    console.log(`hms-agent ${VERSION} listening on ${info.address}:${info.port}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Follow streams never end by themselves: close them so a restart is prompt.
    const stop = () => {
      server.close(() => resolve());
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
}

/** The release this process runs from, when it runs from <installDir>/releases/<id>/. */
async function runningRelease(installDir: string): Promise<string | undefined> {
  const file = await realpath(process.argv[1] ?? '').catch(() => '');
  const parts = path.relative(path.join(installDir, 'releases'), file).split(path.sep);
  return parts.length === 2 && parts[1] === 'hms-agent.mjs' && parts[0] !== '..' ? parts[0] : undefined;
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`hms-agent: ${message}`);
    if (isHmsError(error) && error.hint) console.error(`  ${error.hint}`);
    process.exitCode = 1;
  },
);
