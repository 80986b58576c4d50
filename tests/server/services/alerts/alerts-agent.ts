/**
 * A test agent (real temp folders, real audit log) with one app, `cigar`, and one
 * webhook channel, `ops`, aimed at a real receiver on loopback; the watchers and
 * receivers made here are stopped when the test file is done.
 */
import { afterAll } from 'vitest';
import type { AlertsEngine } from '../../../../server/services/alerts/index.js';
import { testAgent } from '../../../support/agent.js';
import { type Receiver, receiver } from './receiver.js';

export const SECRET = 'whsec_test_0123456789abcdef0123456789abcdef';

const engines: AlertsEngine[] = [];
const receivers: Receiver[] = [];
afterAll(async () => {
  for (const engine of engines.splice(0)) engine.stop();
  for (const rx of receivers.splice(0)) await rx.stop();
});

/** Stops the engine when the file is done. */
export function stopLater<T extends AlertsEngine>(engine: T): T {
  engines.push(engine);
  return engine;
}

export async function agentWithAlerts(alerts: Record<string, unknown> = {}, clock?: () => Date) {
  const rx = await receiver(SECRET);
  receivers.push(rx);
  const agent = await testAgent({
    ...(clock ? { clock } : {}),
    config: {
      apps: { cigar: { unit: 'cigar.service', root: '/var/www/cigar' } },
      alerts: { server: 'web-1', channels: { ops: { type: 'webhook', url: `${rx.url}/hook` } }, ...alerts },
    },
  });
  agent.deps.secrets.alertChannels = { ops: { secret: SECRET } };
  return { agent, rx };
}
