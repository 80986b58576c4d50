import type { Command } from './command.js';
import { auditHelp } from './help/index.js';
import { connect } from '../client/connect.js';
import { formatTime } from '../core/format.js';
import { table } from '../core/table.js';

export const auditCommand: Command = {
  ...auditHelp,
  async run(context) {
    const connected = await connect(context);
    try {
      const { entries } = await connected.client.audit(context.flags.lines ?? 50);
      const rows = entries.map((e) => [
        formatTime(e.at),
        e.actor,
        e.action,
        e.target,
        e.result,
        e.detail?.split('\n')[0]?.slice(0, 60) ?? '',
      ]);
      return {
        data: { entries },
        human: entries.length ? table(['WHEN', 'WHO', 'ACTION', 'TARGET', 'RESULT', 'DETAIL'], rows) : 'No actions recorded yet.',
      };
    } finally {
      await connected.close();
    }
  },
};
