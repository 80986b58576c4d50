import type { Command } from './command.js';
import { connect } from '../client/connect.js';
import { formatTime } from '../core/format.js';
import { table } from '../core/table.js';

export const auditCommand: Command = {
  name: 'audit',
  summary: 'Recent state-changing actions: who, when, what, result',
  usage: ['hms audit [-n N]'],
  flags: [['-n, --lines N', 'how many of the latest entries (default 50)']],
  examples: ['hms audit', 'hms audit -n 200 --json'],
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
