import type { CommandHelp } from '../../core/command-help.js';

export const metricsHelp: CommandHelp = {
  name: 'metrics',
  summary: 'CPU, memory, disks, load, per-app memory, requests and 5xx per minute',
  usage: ['hms metrics [--all]'],
  flags: [['--all', 'every configured server, concurrently']],
  examples: ['hms metrics', 'hms metrics --all --json'],
};
