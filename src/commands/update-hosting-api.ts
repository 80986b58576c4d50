import path from 'node:path';
import type { AgentUpdate } from '../api/agent.js';
import { HmsError } from '../errors.js';
import { activateAgentRelease, agentReleases, uploadAgentRelease } from '../client/agent-client.js';
import { readAgentBundle } from '../provision/agent-install.js';
import type { Command } from './command.js';
import { connect, type Connected } from './connect.js';
import { table } from './table.js';

const WAIT_MS = 90_000;

/** Polls the update record through the agent; connection errors are expected while it restarts. */
async function waitForOutcome(connected: Connected, release: string, note: (text: string) => void): Promise<AgentUpdate> {
  const deadline = Date.now() + WAIT_MS;
  let shown = false;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 700));
    try {
      const { update } = await agentReleases(connected.client);
      if (update && update.release === release && update.status !== 'activating') return update;
    } catch {
      if (!shown) note('  the agent is restarting…');
      shown = true;
    }
  }
  throw new HmsError(`No outcome for the update to ${release} after ${WAIT_MS / 1000} s.`, { hint: 'Check `journalctl -u hms-agent` and `systemctl list-units "hms-agent-activate-*"` on the server.' });
}

export const updateHostingApiCommand: Command = {
  name: 'update-hosting-api',
  summary: 'Send this hms\'s agent to the running agent; it switches, health-checks, and rolls back on failure',
  usage: ['hms update-hosting-api [--release ID] [--from DIR]', 'hms update-hosting-api --list'],
  async run(context) {
    const connected = await connect(context);
    try {
      if (context.flags.list) {
        const info = await agentReleases(connected.client);
        const rows = info.releases.map((r) => [r.id === info.current ? '●' : ' ', r.id, r.installedAt]);
        return { data: info, human: `${table(['', 'RELEASE', 'INSTALLED'], rows)}\nLast update: ${info.update ? `${info.update.release} ${info.update.status}` : 'none'}` };
      }
      let release = context.flags.release;
      if (!release) {
        const bundle = await readAgentBundle(context.flags.from ? path.resolve(context.cwd, context.flags.from) : undefined);
        context.note(`Uploading agent release ${bundle.release} to ${connected.name}…`);
        release = (await uploadAgentRelease(connected.client, bundle)).release;
      }
      const before = await agentReleases(connected.client);
      if (before.current === release && before.running === release) {
        return { data: { release, status: 'active', changed: false }, human: `${connected.name} already runs ${release}; nothing changed.` };
      }
      await activateAgentRelease(connected.client, release);
      context.note(`Switching ${connected.name} to ${release} (health-checked, rolled back on failure)…`);
      const outcome = await waitForOutcome(connected, release, context.note);
      if (outcome.status === 'active') return { data: outcome, human: `${connected.name} now runs agent ${release} (was ${outcome.from ?? 'none'}).` };
      const human = `${connected.name}: ${release} failed its health check and was ${outcome.status === 'rolled-back' ? `rolled back to ${outcome.from}; the agent keeps answering` : 'NOT rolled back'}.\n${outcome.detail ?? ''}`;
      return { data: outcome, human, exitCode: 1 };
    } finally {
      await connected.close();
    }
  },
};
