import path from 'node:path';
import { updateAgent, updateOutcome, updateProgressLine } from '../client/agent-update.js';
import { agentReleases } from '../client/agent-client.js';
import { readAgentBundle } from '../client/agent-bundle.js';
import type { Command } from './command.js';
import { updateHostingApiHelp } from './help/index.js';
import { connect } from '../client/connect.js';
import { table } from '../core/table.js';

export const updateHostingApiCommand: Command = {
  ...updateHostingApiHelp,
  async run(context) {
    const connected = await connect(context);
    try {
      if (context.flags.list) {
        const info = await agentReleases(connected.client);
        const rows = info.releases.map((r) => [r.id === info.current ? '●' : ' ', r.id, r.installedAt]);
        return {
          data: info,
          human:
            `${table(['', 'RELEASE', 'INSTALLED'], rows)}\n` +
            `Last update: ${info.update ? `${info.update.release} ${info.update.status}` : 'none'}`,
        };
      }
      const source = context.flags.release
        ? { release: context.flags.release }
        : { bundle: await readAgentBundle(context.flags.from ? path.resolve(context.cwd, context.flags.from) : undefined) };
      const result = await updateAgent({
        client: connected.client,
        source,
        onProgress: (progress) => context.note(updateProgressLine(connected.name, progress)),
      });
      const outcome = updateOutcome(connected.name, result);
      const data = result.changed ? result.update : { release: result.release, status: result.status, changed: false };
      return { data, human: outcome.text, ...(outcome.ok ? {} : { exitCode: 1 }) };
    } finally {
      await connected.close();
    }
  },
};
