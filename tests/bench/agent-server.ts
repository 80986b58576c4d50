/**
 * The test server as a hosting server for the agent benchmarks: set up once per
 * server (nginx, puma apps, the bundled agent on Debian's Node 18 under systemd),
 * then given 18 cheap filler units so the agent manages 20 apps.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AGENT_PORT, put, setUpHostingServer, type HostingServer } from '../support/server-kit.js';
import type { TestServer } from '../support/test-server.js';

const AGENT_CONFIG = '/etc/hosting-api/agent.json';
export const FILLER_APPS = Array.from({ length: 18 }, (_, index) => `filler${String(index + 1).padStart(2, '0')}`);

const hostings = new WeakMap<TestServer, Promise<HostingServer>>();

/** setUpHostingServer, once per server however many benchmarks ask. */
export function hostingOn(server: TestServer): Promise<HostingServer> {
  let hosting = hostings.get(server);
  if (!hosting) {
    hosting = setUpHostingServer(server);
    hostings.set(server, hosting);
  }
  return hosting;
}

export async function mustExec(server: TestServer, argv: string[]): Promise<string> {
  const result = await server.exec(argv);
  if (result.code !== 0) throw new Error(`${argv.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Restarts hms-agent and waits until it answers /api/health on the server. */
export async function restartAgent(server: TestServer): Promise<void> {
  await mustExec(server, ['systemctl', 'restart', 'hms-agent.service']);
  await mustExec(server, [
    'sh',
    '-c',
    `for i in $(seq 100); do curl -fsS http://127.0.0.1:${AGENT_PORT}/api/health >/dev/null && exit 0; sleep 0.1; done; exit 1`,
  ]);
}

/**
 * 18 filler units, each a `sleep infinity` service (cheap: no health probe, no
 * release), added to the agent's config next to the two puma apps; the agent is
 * restarted with it. Returns every unit the agent now shows (apps, nginx, agent).
 */
export async function addFillerApps(server: TestServer): Promise<string[]> {
  await hostingOn(server);
  for (const app of FILLER_APPS) {
    await put(
      server,
      `/etc/systemd/system/${app}.service`,
      `[Unit]\nDescription=hms bench filler ${app}\n\n[Service]\nExecStart=/bin/sleep infinity\n`,
    );
  }
  await mustExec(server, ['systemctl', 'daemon-reload']);
  await mustExec(server, ['systemctl', 'start', ...FILLER_APPS.map((app) => `${app}.service`)]);
  const file = path.join(server.rootDir, AGENT_CONFIG);
  const config = JSON.parse(await readFile(file, 'utf8')) as {
    apps: Record<string, unknown>;
    agentUnit?: string;
    nginx?: { unit?: string };
  };
  for (const app of FILLER_APPS) config.apps[app] = { unit: `${app}.service`, root: `/var/www/${app}` };
  await put(server, AGENT_CONFIG, JSON.stringify(config, null, 2), 0o600);
  await restartAgent(server);
  const appUnits = Object.values(config.apps).map((app) => (app as { unit: string }).unit);
  return [...appUnits, config.nginx?.unit ?? 'nginx.service', config.agentUnit ?? 'hms-agent.service'];
}
