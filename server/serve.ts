// The agent's HTTP server: loaded only when the agent serves (not for its one-shot runs).
import { createApp } from './app.js';
import type { AgentDeps } from './env.js';
import { clearLeftMaintenance } from './services/maintenance/index.js';
import { recoverSites } from './services/configs/index.js';
import { startAlerts } from './services/alerts/index.js';
import { collectWhenIdle } from './idle-gc.js';
import { serveHttp } from './http-serve.js';
import { installLiteFetch } from './lite-fetch.js';

/** Serves until SIGTERM or SIGINT. */
export async function serveAgent(deps: AgentDeps): Promise<void> {
  const { config, version } = deps;
  // A crash mid-edit leaves staged copies and test configs behind; the live files are intact.
  await recoverSites(deps);
  // Only a running restore holds an app in maintenance, and none runs before this agent starts.
  await clearLeftMaintenance(deps);
  // The incidents watcher and its outbox live as long as the server; a channel that cannot work is listed as such.
  const alerts = await startAlerts(deps);
  deps.alerts = alerts;
  // Hono's answers without Node 18's undici (server/lite-fetch.ts): about 3 MB less resident memory when idle.
  installLiteFetch();
  const app = createApp(deps);
  const server = serveHttp({ fetch: app.fetch, hostname: config.listen.host, port: config.listen.port }, (info) => {
    console.log(`hms-agent ${version} listening on ${info.address}:${info.port}`);
  });
  // What the start and each burst of requests left behind goes once the agent is quiet.
  const idle = collectWhenIdle(globalThis.gc);
  server.on('request', () => idle.touch());
  try {
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
  } finally {
    // Its timers would keep the process alive; queued deliveries stay on disk for the next start.
    alerts.stop();
    idle.stop();
  }
}
