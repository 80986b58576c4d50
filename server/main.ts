// hms-agent: the Node entry point. The only file that knows about ports and signals.
import './polyfill.js';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HmsError, isHmsError } from '../src/core/errors.js';
import { VERSION } from '../src/core/version.js';

const HELP = `hms-agent ${VERSION}: the hms server agent (listens on loopback only)

Usage: hms-agent [--config FILE] [backup-scheduled | backup-check]
  --config FILE      agent configuration (default /etc/hosting-api/agent.json)
  backup-scheduled   (run by hms-backup.timer) back up, drill and thin out every app's database, then exit
  backup-check       (run by hms-backup-check.timer) restic check of the next part of the data, then exit
  console-run FILE   (run by \`hms console\` over SSH as the deploy user) the console a ticket of the agent's describes
  --example-config   print a complete example configuration
  --activate ID      (run by the agent itself) switch to release ID, restart, roll back if unhealthy
  --version, --help`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
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
  if (positionals[0] === 'console-run' && positionals.length === 2) {
    // Run by a console's SSH session as the deploy user: no configuration, no secrets of the agent's.
    const { runConsoleTicket } = await import('./console-run.js');
    return runConsoleTicket(positionals[1]!);
  }
  // Loaded here, not at the top: a console's launcher (above) starts without evaluating the agent's modules.
  const { exampleAgentConfig, loadAgentConfig } = await import('./config.js');
  if (values['example-config']) return print(JSON.stringify(exampleAgentConfig(), null, 2));
  const { activate } = await import('./services/agent/index.js');
  const { loadAgentSecrets } = await import('./auth/secrets.js');
  const { AuditLog } = await import('./services/audit/index.js');
  const { exec } = await import('../src/platform/exec.js');

  const config = await loadAgentConfig(values.config!);
  if (values.activate) return activate(config, values.activate);
  if (positionals.length > 0) {
    // Loaded on demand: a one-shot run does not load the HTTP server's modules.
    const { ONE_SHOT_MODES, runOneShot } = await import('./one-shot.js');
    const mode = ONE_SHOT_MODES.find((m) => m === positionals[0]);
    if (!mode || positionals.length > 1) throw new HmsError(`Unknown command "${positionals.join(' ')}".`, { hint: 'hms-agent --help' });
    return runOneShot(mode, config, VERSION, path.resolve(values.config!));
  }
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
  const { serveAgent } = await import('./serve.js');
  await serveAgent(deps);
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
