/**
 * The rules judged from one reading of a fact, pure: health probes in a row, the 5xx
 * share of an app's requests, disks, memory, certificates, backups. Each returns the
 * findings of now; an incident whose finding is gone is resolved by the caller.
 */
import type { HealthResult } from '../../../src/api/apps.js';
import type { AppBackupStatus } from '../../../src/api/backups.js';
import type { CertRecord } from '../../../src/core/certificates.js';
import type { AlertsConfig } from '../../config.js';
import type { Finding } from './incidents.js';

type Rules = AlertsConfig['rules'];

export interface HealthLook {
  app: string;
  /** null: not probed (its unit is not running: the unit rule speaks for it). */
  result: HealthResult | null;
}

/**
 * Failing `failures` probes in a row opens; the first success resolves. An incident
 * already open (say, before an agent restart) stays open while probes still fail.
 */
export function judgeHealth(
  counts: Readonly<Record<string, number>>,
  looks: readonly HealthLook[],
  rules: Rules['health'],
  open: ReadonlySet<string>,
): { counts: Record<string, number>; findings: Finding[] } {
  const next: Record<string, number> = {};
  const findings: Finding[] = [];
  for (const { app, result } of looks) {
    const count = result === null || result.ok ? 0 : (counts[app] ?? 0) + 1;
    next[app] = count;
    if (count >= rules.failures || (count > 0 && open.has(app))) {
      findings.push({
        rule: 'health',
        subject: app,
        app,
        severity: 'critical',
        title: `${app} fails its health check`,
        detail:
          `The health probe failed ${count} time${count === 1 ? '' : 's'} in a row: ${result?.error ?? 'no answer'}. ` +
          `Next: \`hms logs ${app}\` for the app's errors, \`hms status\`; \`hms rollback ${app}\` if a deploy caused it.`,
      });
    }
  }
  return { counts: next, findings };
}

export interface TrafficLook {
  app: string;
  requests: number;
  errors5xx: number;
}

export function judgeErrors(looks: readonly TrafficLook[], rules: Rules['errors']): Finding[] {
  return looks.flatMap(({ app, requests, errors5xx }) => {
    if (requests < rules.minRequests) return [];
    const share = (errors5xx / requests) * 100;
    if (share < rules.percent) return [];
    return [
      {
        rule: 'errors' as const,
        subject: app,
        app,
        severity: share >= 50 ? ('critical' as const) : ('warning' as const),
        title: `${app} answers ${Math.round(share)}% of requests with 5xx`,
        detail:
          `${errors5xx} of ${requests} requests in the last ${rules.windowMinutes} min were answered 5xx ` +
          `(threshold ${rules.percent}%). Next: \`hms logs ${app} --grep " 5[0-9][0-9] "\`, \`hms logs ${app}\`.`,
      },
    ];
  });
}

export interface DiskLook {
  path: string;
  paths: string[];
  usedPercent: number;
}

export function judgeDisks(looks: readonly DiskLook[], rules: Rules['disk']): Finding[] {
  return looks.flatMap((disk) => {
    if (disk.usedPercent < rules.warningPercent) return [];
    const critical = disk.usedPercent >= rules.criticalPercent;
    return [
      {
        rule: 'disk' as const,
        subject: disk.path,
        app: null,
        severity: critical ? ('critical' as const) : ('warning' as const),
        title: `${disk.path} is ${Math.round(disk.usedPercent)}% full`,
        detail:
          `The file system of ${disk.paths.join(', ')} is ${disk.usedPercent}% full (warning at ${rules.warningPercent}%, ` +
          `critical at ${rules.criticalPercent}%). Next: \`hms run check_disk_space.sh\`, \`hms backups\` for kept databases.`,
      },
    ];
  });
}

export interface MemoryLook {
  availablePercent: number;
  /** /proc/pressure/memory `some avg60`; null where the kernel has no PSI. */
  pressureSome60: number | null;
}

export function judgeMemory(look: MemoryLook, rules: Rules['memory']): Finding[] {
  const low = look.availablePercent < rules.availablePercent;
  const pressed = look.pressureSome60 !== null && look.pressureSome60 > rules.pressurePercent;
  if (!low && !pressed) return [];
  const said = [
    `${look.availablePercent}% of memory available (threshold ${rules.availablePercent}%)`,
    ...(look.pressureSome60 !== null ? [`tasks stalled on memory ${look.pressureSome60}% of the last minute`] : []),
  ];
  return [
    {
      rule: 'memory',
      subject: 'memory',
      app: null,
      severity: low && look.availablePercent < rules.availablePercent / 2 ? 'critical' : 'warning',
      title: low ? `memory low: ${Math.round(look.availablePercent)}% available` : 'memory pressure',
      detail: `${said.join('; ')}. Next: \`hms metrics\` for each unit's memory, \`hms status\`.`,
    },
  ];
}

export function judgeCertificates(records: readonly CertRecord[], rules: Rules['certificate']): Finding[] {
  return records.flatMap((cert) => {
    const failed = cert.lastAttempt?.ok === false;
    if (!failed && cert.daysLeft >= rules.days) return [];
    const left = cert.daysLeft < 0 ? 'has expired or is missing' : `expires in ${cert.daysLeft} days`;
    const title = failed ? `certificate renewal for ${cert.site} failed` : `certificate of ${cert.site} ${left}`;
    const why = failed ? ` The last renewal failed: ${cert.lastAttempt?.message ?? 'see certbot'}.` : '';
    return [
      {
        rule: 'certificate' as const,
        subject: cert.site,
        app: null,
        severity: failed || cert.daysLeft < rules.criticalDays ? ('critical' as const) : ('warning' as const),
        title,
        detail:
          `${cert.domain || cert.site}: ${left} (${cert.notAfter || 'no date'}).${why} ` +
          `Next: \`hms certs\`, then \`hms certs renew ${cert.site}\`.`,
      },
    ];
  });
}

export function judgeBackups(apps: readonly AppBackupStatus[]): Finding[] {
  return apps.flatMap((status) => {
    if (status.state !== 'failed' && status.state !== 'overdue') return [];
    const drill = status.state === 'failed' && !status.failure && status.drill && !status.drill.ok;
    const what = status.state === 'overdue' ? 'missed' : drill ? 'restore drill failed' : 'failed';
    return [
      {
        rule: 'backup' as const,
        subject: status.app,
        app: status.app,
        severity: status.state === 'failed' ? ('critical' as const) : ('warning' as const),
        title: `backup of ${status.app} ${what}`,
        detail: `${status.message}. Next: \`hms backups ${status.app}\`, then \`hms backup ${status.app} --drill\`.`,
      },
    ];
  });
}
