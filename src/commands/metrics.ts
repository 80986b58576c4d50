import type { MetricsResponse } from '../api/metrics.js';
import type { Command } from './command.js';
import { metricsHelp } from './help/index.js';
import { onServers } from './each-server.js';
import { formatBytes } from '../core/format.js';
import { table } from '../core/table.js';

export const metricsCommand: Command = {
  ...metricsHelp,
  async run(context) {
    const results = await onServers(context, ({ client }) => client.metrics());
    return {
      data: context.flags.all ? results : results[0]!.data,
      human: results.map((r) => (r.ok ? render(r.server, r.data!) : `${r.server}: ✗ ${r.error!.message}`)).join('\n\n'),
      exitCode: results.every((r) => r.ok) ? 0 : 1,
    };
  },
};

function bar(percent: number, width = 20): string {
  const filled = Math.round((Math.min(100, Math.max(0, percent)) / 100) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${percent.toFixed(0).padStart(3)}%`;
}

export function sparkline(values: number[]): string {
  const marks = '▁▂▃▄▅▆▇█';
  const max = Math.max(...values, 0);
  return values.map((v) => (max === 0 ? marks[0] : marks[Math.min(7, Math.floor((v / max) * 7.999))])).join('');
}

function render(server: string, m: MetricsResponse): string {
  const lines = [
    `${server} (${m.hostname}) at ${m.at}`,
    `cpu     ${bar(m.cpu.percent)}  ${m.cpu.cores} cores, ` +
      `load ${m.load.one.toFixed(2)} ${m.load.five.toFixed(2)} ${m.load.fifteen.toFixed(2)}`,
    `memory  ${bar(m.memory.usedPercent)}  ${formatBytes(m.memory.usedBytes)} of ${formatBytes(m.memory.totalBytes)}`,
    ...m.disks.map(
      (d) => `disk    ${bar(d.usedPercent)}  ${d.paths.join(', ')}: ${formatBytes(d.usedBytes)} of ${formatBytes(d.sizeBytes)}`,
    ),
    '',
    table(
      ['UNIT', 'MEMORY'],
      m.units.map((u) => [u.unit, formatBytes(u.memoryBytes)]),
    ),
  ];
  if (m.nginx.perMinute.length > 0) {
    lines.push('', `nginx, last ${m.nginx.minutes} min (one mark a minute, oldest first)`);
    lines.push(`requests  ${sparkline(m.nginx.perMinute.map((p) => p.requests))}  ${m.nginx.requests} in all`);
    lines.push(`5xx       ${sparkline(m.nginx.perMinute.map((p) => p.errors5xx))}  ${m.nginx.errors5xx} in all`);
  }
  return lines.join('\n');
}
