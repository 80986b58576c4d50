/**
 * One snapshot of the server for GET /api/metrics: /proc counters, disks, the
 * memory of every managed unit (from the same batched `systemctl show` as the apps
 * listing) and nginx traffic per minute.
 */
import { hostname } from 'node:os';
import type { MetricsResponse } from '../../../src/api/metrics.js';
import type { AgentDeps } from '../../env.js';
import { showUnitsOrUnknown, targets } from '../apps/index.js';
import { diskUsage } from './disks.js';
import { appNginxLogs } from '../logs/index.js';
import { allRequestsPerMinute } from './nginx.js';
import { CpuSampler, readProc } from './proc.js';

export interface MetricsOptions {
  deps: AgentDeps;
  /** nginx window in minutes. */
  minutes: number;
  /** Keeps the previous /proc/stat sample between calls. */
  cpu: CpuSampler;
  procDir?: string;
}

export async function collectMetrics(options: MetricsOptions): Promise<MetricsResponse> {
  const { deps } = options;
  const now = deps.clock();
  const all = Object.values(targets(deps.config));
  const watched = ['/', '/var', ...all.flatMap((target) => (target.app ? [target.app.root] : []))];

  const [cpu, proc, disks, { states }, nginx] = await Promise.all([
    options.cpu.measure(),
    readProc(options.procDir ?? '/proc'),
    diskUsage(watched),
    showUnitsOrUnknown(
      deps.exec,
      all.map((target) => target.unit),
    ),
    allRequestsPerMinute({
      main: deps.config.nginx.accessLog,
      apps: Object.keys(deps.config.apps).map((app) => appNginxLogs(deps.config, app).access),
      now,
      minutes: options.minutes,
    }),
  ]);
  const units = all.map((target, index) => ({
    name: target.name,
    kind: target.kind,
    unit: target.unit,
    activeState: states[index]!.activeState,
    memoryBytes: states[index]!.memoryBytes,
  }));
  return {
    hostname: hostname(),
    at: now.toISOString(),
    uptimeSeconds: proc.uptimeSeconds,
    cpu,
    memory: proc.memory,
    swap: proc.swap,
    load: proc.load,
    disks,
    units,
    nginx,
  };
}
