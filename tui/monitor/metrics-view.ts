/**
 * What the charts show, from the agent's metrics: pure, so it is unit-tested without
 * a terminal. CPU and memory have no history on the agent, so the dashboard keeps
 * one sample per refresh here; requests per minute come with their own history.
 */
import type { DiskMetrics, MetricsResponse } from '../../src/api/metrics.js';
import { formatBytes } from '../../src/core/format.js';

/** Two minutes at one sample per 2 s refresh. */
export const HISTORY_POINTS = 60;

export interface Sample {
  /** The agent's clock (ISO 8601) when it measured. */
  at: string;
  cpuPercent: number;
  memoryPercent: number;
}

export interface LineSeries {
  title: string;
  x: string[];
  y: number[];
  color: string;
}

export interface LineView {
  label: string;
  series: LineSeries[];
  /** The top of the y axis: fixed for percentages, a little above the peak for counts. */
  maxY: number;
}

export interface GaugeView {
  label: string;
  /** The value to hand blessed-contrib's gauge (see gaugeValue). */
  value: number;
  color: string;
}

export interface MetricsView {
  cpu: LineView;
  memory: LineView;
  disks: GaugeView[];
  traffic: LineView;
}

/** The history with this snapshot added, the oldest dropped beyond `limit`. */
export function addSample(history: readonly Sample[], metrics: MetricsResponse, limit = HISTORY_POINTS): Sample[] {
  const sample = { at: metrics.at, cpuPercent: metrics.cpu.percent, memoryPercent: metrics.memory.usedPercent };
  return [...history, sample].slice(-limit);
}

export function metricsView(history: readonly Sample[], metrics: MetricsResponse): MetricsView {
  return {
    cpu: cpuView(history, metrics),
    memory: memoryView(history, metrics),
    disks: metrics.disks.map(diskGauge),
    traffic: trafficView(metrics),
  };
}

export function cpuView(history: readonly Sample[], metrics: MetricsResponse): LineView {
  const { load, cpu } = metrics;
  return {
    label:
      ` CPU ${round(cpu.percent)}% of ${cpu.cores} cores · ` +
      `load ${load.one.toFixed(2)} ${load.five.toFixed(2)} ${load.fifteen.toFixed(2)} `,
    series: [{ title: 'cpu %', x: history.map((s) => clock(s.at)), y: history.map((s) => s.cpuPercent), color: 'cyan' }],
    maxY: 100,
  };
}

export function memoryView(history: readonly Sample[], metrics: MetricsResponse): LineView {
  const { memory, swap } = metrics;
  const swapText = swap.totalBytes > 0 ? ` · swap ${formatBytes(swap.usedBytes)} / ${formatBytes(swap.totalBytes)}` : '';
  return {
    label: ` Memory ${formatBytes(memory.usedBytes)} / ${formatBytes(memory.totalBytes)} (${round(memory.usedPercent)}%)${swapText} `,
    series: [{ title: 'used %', x: history.map((s) => clock(s.at)), y: history.map((s) => s.memoryPercent), color: 'magenta' }],
    maxY: 100,
  };
}

export function diskGauge(disk: DiskMetrics): GaugeView {
  const inodes = disk.inodesPercent !== null && disk.inodesPercent >= 80 ? ` · inodes ${round(disk.inodesPercent)}%` : '';
  return {
    // The numbers first: a long list of paths is what gets cut off in a narrow panel.
    label:
      `${formatBytes(disk.usedBytes)} / ${formatBytes(disk.sizeBytes)} (${round(disk.usedPercent)}%)${inodes}  ` + disk.paths.join(' '),
    value: gaugeValue(disk.usedPercent),
    color: alertColor(disk.usedPercent),
  };
}

export function trafficView(metrics: MetricsResponse): LineView {
  const { nginx } = metrics;
  const x = nginx.perMinute.map((m) => clock(m.minute).slice(0, 5));
  const requests = nginx.perMinute.map((m) => m.requests);
  const errors = nginx.perMinute.map((m) => m.errors5xx);
  const label = nginx.error
    ? ` Requests/min: ${nginx.error} `
    : ` Requests/min: ${nginx.requests} in ${nginx.minutes} min, ${nginx.errors5xx} 5xx${nginx.truncated ? ' (log partly read)' : ''} `;
  return {
    label,
    series: [
      { title: 'requests', x, y: requests, color: 'yellow' },
      { title: '5xx', x, y: errors, color: 'red' },
    ],
    // A flat zero line still needs a y axis; the 20% headroom matches blessed-contrib's own.
    maxY: Math.max(4, Math.ceil(Math.max(0, ...requests, ...errors) * 1.2)),
  };
}

/**
 * blessed-contrib's gauge reads a value below 1.001 as a fraction (0.5 = 50%); a disk
 * 0.5% full is handed over as 0.005 so it shows 0.5%, not 50%.
 */
export function gaugeValue(percent: number): number {
  const clamped = Math.min(100, Math.max(0, percent));
  return clamped < 1.001 ? clamped / 100 : clamped;
}

export function alertColor(percent: number): string {
  if (percent >= 90) return 'red';
  if (percent >= 80) return 'yellow';
  return 'green';
}

/** `18:02:11` in UTC, as `hms logs` shows times. */
export function clock(iso: string): string {
  return new Date(iso).toISOString().slice(11, 19);
}

function round(value: number): string {
  return value >= 10 ? value.toFixed(0) : value.toFixed(1);
}
