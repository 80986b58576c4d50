/**
 * Where the watcher's facts come from: the real readers by default (the other concerns'
 * faces), any of them replaceable by a test that feeds its own. The fast look is the
 * apps' own unit state (showUnits: the agent's watch on systemd, which asks systemd again
 * only after a change it signalled; `systemctl show` where systemd cannot be asked so).
 */
import { readFile } from 'node:fs/promises';
import type { HealthResult } from '../../../src/api/apps.js';
import type { AppBackupStatus } from '../../../src/api/backups.js';
import type { AuditEntry } from '../../../src/api/core.js';
import type { CertRecord } from '../../../src/core/certificates.js';
import type { AgentDeps } from '../../env.js';
import { appProbe, probeHttp, showUnits, targets } from '../apps/index.js';
import { backupOverview } from '../backups/index.js';
import { listCertificates } from '../certificates/index.js';
import { appNginxLogs } from '../logs/index.js';
import { diskUsage, parseMeminfo, requestsPerMinute } from '../metrics/index.js';
import type { UnitLook } from './rules-units.js';
import type { DiskLook, MemoryLook, TrafficLook } from './rules-facts.js';

export interface WatchedUnit {
  name: string;
  unit: string;
  app: string;
}

export interface FactSources {
  /** The app and worker units to watch (from the config). */
  watched(): WatchedUnit[];
  /** One look at every watched unit; throws when systemd cannot answer. */
  units(watched: readonly WatchedUnit[]): Promise<UnitLook[]>;
  /** The apps with a health probe. */
  probed(): string[];
  health(app: string): Promise<HealthResult>;
  traffic(minutes: number, now: Date): Promise<TrafficLook[]>;
  disks(paths: readonly string[]): Promise<DiskLook[]>;
  memory(): Promise<MemoryLook>;
  certificates(): Promise<CertRecord[]>;
  backups(): Promise<AppBackupStatus[]>;
  /** The audit log's newest entries (newest first): whether hms stopped a unit. */
  recentAudit(): Promise<AuditEntry[]>;
  /** The audit log's file, read from a cursor for the rules that follow it. */
  auditFile: string;
}

export function realFacts(deps: AgentDeps): FactSources {
  const { config } = deps;
  return {
    watched: () =>
      Object.values(targets(config)).flatMap((target) =>
        target.kind === 'app' || target.kind === 'worker'
          ? [{ name: target.name, unit: target.unit, app: target.parent?.app ?? target.name }]
          : [],
      ),
    async units(watched) {
      if (watched.length === 0) return [];
      const states = await showUnits(
        deps.exec,
        watched.map((w) => w.unit),
      );
      return watched.map((w, index) => {
        const { activeState, subState, restarts, result } = states[index]!;
        return { ...w, activeState, subState, restarts, result };
      });
    },
    probed: () => Object.entries(config.apps).flatMap(([name, app]) => (appProbe(app) ? [name] : [])),
    health: (app) => probeHttp(appProbe(config.apps[app]!)!),
    traffic: (minutes, now) =>
      Promise.all(
        Object.keys(config.apps).map(async (app) => {
          const read = await requestsPerMinute({ file: appNginxLogs(config, app).access, now, minutes, maxBytes: 32 * 1024 * 1024 });
          if (read.error && !/no such file/.test(read.error)) throw new Error(read.error);
          return { app, requests: read.requests, errors5xx: read.errors5xx };
        }),
      ),
    disks: async (paths) => (await diskUsage(paths)).map((disk) => ({ path: disk.path, paths: disk.paths, usedPercent: disk.usedPercent })),
    memory: () => readMemory('/proc'),
    certificates: () => listCertificates(deps),
    backups: async () => (await backupOverview(deps)).apps,
    recentAudit: () => deps.audit.recent(50),
    auditFile: deps.audit.file,
  };
}

/** MemAvailable's share, and PSI's `some avg60` where the kernel has /proc/pressure/memory. */
export async function readMemory(procDir: string): Promise<MemoryLook> {
  const { memory } = parseMeminfo(await readFile(`${procDir}/meminfo`, 'utf8'));
  const pressure = await readFile(`${procDir}/pressure/memory`, 'utf8').catch(() => undefined);
  const some = pressure ? /^some .*avg60=([\d.]+)/m.exec(pressure) : null;
  return {
    availablePercent: memory.totalBytes > 0 ? Math.round((memory.availableBytes / memory.totalBytes) * 1000) / 10 : 100,
    pressureSome60: some ? Number(some[1]) : null,
  };
}
