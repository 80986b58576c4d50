import path from 'node:path';
import { updateAgent, type AgentUpdateProgress, type AgentUpdateResult } from '../client/agent-update.js';
import { agentReleases } from '../client/agent-client.js';
import { readAgentBundle } from '../provision/agent-install.js';
import type { Command } from './command.js';
import { connect } from '../client/connect.js';
import { table } from '../core/table.js';

/** One line per step of an update, as the CLI notes it and the control center lists it. */
export function updateProgressLine(server: string, progress: AgentUpdateProgress): string {
  if (progress.step === 'uploading') return `Uploading agent release ${progress.release} to ${server}…`;
  if (progress.step === 'switching') return `Switching ${server} to ${progress.release} (health-checked, rolled back on failure)…`;
  return '  the agent is restarting…';
}

/** How it ended, for people: `ok` is false when the new release did not stay. */
export function updateOutcome(server: string, result: AgentUpdateResult): { ok: boolean; text: string } {
  if (!result.changed) return { ok: true, text: `${server} already runs ${result.release}; nothing changed.` };
  const { update } = result;
  if (update.status === 'active') return { ok: true, text: `${server} now runs agent ${update.release} (was ${update.from ?? 'none'}).` };
  const how = update.status === 'rolled-back' ? `rolled back to ${update.from}; the agent keeps answering` : 'NOT rolled back';
  return { ok: false, text: `${server}: ${update.release} failed its health check and was ${how}.\n${update.detail ?? ''}` };
}

export const updateHostingApiCommand: Command = {
  name: 'update-hosting-api',
  summary: 'Send this hms\'s agent to the running agent; it switches, health-checks, and rolls back on failure',
  usage: ['hms update-hosting-api [--release ID] [--from DIR]', 'hms update-hosting-api --list'],
  flags: [
    ['--release ID', 'switch to a release already on the server'],
    ['--from DIR', 'send the agent bundle from this folder (default: the one beside this hms)'],
    ['--list', 'list the releases on the server and the last update'],
  ],
  examples: ['hms update-hosting-api', 'hms update-hosting-api --list', 'hms update-hosting-api --release <id>'],
  async run(context) {
    const connected = await connect(context);
    try {
      if (context.flags.list) {
        const info = await agentReleases(connected.client);
        const rows = info.releases.map((r) => [r.id === info.current ? '●' : ' ', r.id, r.installedAt]);
        return { data: info, human: `${table(['', 'RELEASE', 'INSTALLED'], rows)}\nLast update: ${info.update ? `${info.update.release} ${info.update.status}` : 'none'}` };
      }
      const source = context.flags.release
        ? { release: context.flags.release }
        : { bundle: await readAgentBundle(context.flags.from ? path.resolve(context.cwd, context.flags.from) : undefined) };
      const result = await updateAgent({ client: connected.client, source, onProgress: (progress) => context.note(updateProgressLine(connected.name, progress)) });
      const outcome = updateOutcome(connected.name, result);
      const data = result.changed ? result.update : { release: result.release, status: result.status, changed: false };
      return { data, human: outcome.text, ...(outcome.ok ? {} : { exitCode: 1 }) };
    } finally {
      await connected.close();
    }
  },
};
