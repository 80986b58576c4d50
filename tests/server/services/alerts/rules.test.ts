/**
 * The rules judged from one reading (health, 5xx share, disks, memory, certificates,
 * backups) and those read from the audit log (deploy, agent-update, logins), pure.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../../src/api/core.js';
import { alertsConfigSchema } from '../../../../src/core/alert-settings.js';
import { emptyAuditMemory, judgeAudit } from '../../../../server/services/alerts/rules-audit.js';
import {
  judgeBackups,
  judgeCertificates,
  judgeDisks,
  judgeErrors,
  judgeHealth,
  judgeMemory,
} from '../../../../server/services/alerts/rules-facts.js';

const { rules } = alertsConfigSchema.parse({});
const fail = { ok: false, via: 'socket' as const, status: 500, ms: 3, error: 'HTTP 500' };
const ok = { ...fail, ok: true, status: 200, error: null };

describe('rules judged from one reading', () => {
  it('Given health failing 3 looks in a row, Then critical on the third; the first success resolves', () => {
    let counts: Record<string, number> = {};
    const seen = [fail, fail, fail, ok].map((result) => {
      const judged = judgeHealth(counts, [{ app: 'cigar', result }], rules.health, new Set());
      counts = judged.counts;
      return judged.findings.length;
    });
    expect(seen).toEqual([0, 0, 1, 0]);
  });

  it('Given a health incident already open (an agent restart), When the first probe fails again, Then it stays', () => {
    expect(judgeHealth({}, [{ app: 'cigar', result: fail }], rules.health, new Set(['cigar'])).findings).toHaveLength(1);
    expect(judgeHealth({}, [{ app: 'cigar', result: null }], rules.health, new Set(['cigar'])).findings).toHaveLength(0);
  });

  it('Given 5xx shares, Then only an app with enough requests over the percent is an incident', () => {
    const findings = judgeErrors(
      [
        { app: 'cigar', requests: 100, errors5xx: 6 },
        { app: 'tobacco', requests: 10, errors5xx: 10 },
        { app: 'pipe', requests: 100, errors5xx: 4 },
        { app: 'cuban', requests: 40, errors5xx: 30 },
      ],
      rules.errors,
    );
    expect(findings.map((f) => [f.subject, f.severity])).toEqual([
      ['cigar', 'warning'],
      ['cuban', 'critical'],
    ]);
  });

  it('Given disks at 80, 90 and 96 %, Then nothing, warning, critical', () => {
    const disks = [80, 90, 96].map((usedPercent, i) => ({ path: `/d${i}`, paths: [`/d${i}`], usedPercent }));
    expect(judgeDisks(disks, rules.disk).map((f) => [f.subject, f.severity])).toEqual([
      ['/d1', 'warning'],
      ['/d2', 'critical'],
    ]);
  });

  it('Given low memory or PSI pressure, Then a memory incident; absent PSI is skipped', () => {
    expect(judgeMemory({ availablePercent: 50, pressureSome60: null }, rules.memory)).toEqual([]);
    expect(judgeMemory({ availablePercent: 50, pressureSome60: 35 }, rules.memory)[0]!.title).toBe('memory pressure');
    expect(judgeMemory({ availablePercent: 4, pressureSome60: null }, rules.memory)[0]!.severity).toBe('critical');
  });

  it('Given certificates with 30, 10, 2 days left and a failed renewal, Then nothing, warning, critical, critical', () => {
    const cert = (site: string, daysLeft: number, failed = false) => ({
      site,
      domain: `${site}.example.org`,
      names: [],
      issuer: 'R3',
      serial: '1',
      notAfter: '2027-01-01T00:00:00Z',
      daysLeft,
      selfSigned: false,
      grade: 'ok' as const,
      ...(failed ? { lastAttempt: { ok: false, at: '2026-12-07T02:00:00Z', message: 'Open port 80' } } : {}),
    });
    const findings = judgeCertificates([cert('a', 30), cert('b', 10), cert('c', 2), cert('d', 60, true)], rules.certificate);
    expect(findings.map((f) => [f.subject, f.severity])).toEqual([
      ['b', 'warning'],
      ['c', 'critical'],
      ['d', 'critical'],
    ]);
    expect(findings[2]!.title).toBe('certificate renewal for d failed');
  });

  it('Given backups ok, overdue, failed and a failed drill, Then missed (warning), failed and drill failed (critical)', () => {
    const drill = { at: '2026-12-07T02:00:00Z', ok: false, snapshot: 'abc', tables: 1, mismatches: ['users'], seconds: 1 };
    const findings = judgeBackups([
      { app: 'a', state: 'ok', message: 'fine' },
      { app: 'b', state: 'overdue', message: 'no backup for 2d' },
      { app: 'c', state: 'failed', message: 'failed', failure: { at: '2026-12-07T02:00:00Z', error: 'disk full' } },
      { app: 'd', state: 'failed', message: 'drill failed', drill: drill as never },
    ]);
    expect(findings.map((f) => f.title)).toEqual(['backup of b missed', 'backup of c failed', 'backup of d restore drill failed']);
  });
});

describe('rules read from the audit log', () => {
  const entry = (action: string, target: string, result: AuditEntry['result'], at = '2026-12-07T10:00:00Z'): AuditEntry => ({
    at,
    actor: 'alice',
    action,
    target,
    result,
    detail: 'health check failed; back on 20261206',
  });
  const now = Date.parse('2026-12-07T10:01:00Z');

  it('Given a failed deploy, Then an incident for the app until its next good deploy', () => {
    let judged = judgeAudit(emptyAuditMemory(), [entry('deploy', 'cigar', 'failed')], now, rules.logins);
    expect(judged.findings.map((f) => [f.rule, f.subject, f.title])).toEqual([['deploy', 'cigar', 'deploy of cigar failed']]);
    judged = judgeAudit(judged.memory, [entry('deploy', 'tobacco', 'ok')], now, rules.logins);
    expect(judged.findings).toHaveLength(1);
    judged = judgeAudit(judged.memory, [entry('deploy', 'cigar', 'ok')], now, rules.logins);
    expect(judged.findings).toEqual([]);
  });

  it('Given a rolled-back agent update, Then an agent-update incident until an ok one', () => {
    let judged = judgeAudit(emptyAuditMemory(), [entry('agent.update', '20261207-1', 'failed')], now, rules.logins);
    expect(judged.findings.map((f) => f.rule)).toEqual(['agent-update']);
    judged = judgeAudit(judged.memory, [entry('agent.update', '20261207-2', 'ok')], now, rules.logins);
    expect(judged.findings).toEqual([]);
  });

  it('Given 10 refused logins within 5 minutes, Then an incident; quiet for the window, Then resolved', () => {
    const refused = Array.from({ length: 10 }, (_, i) =>
      entry(i % 2 ? 'login.failed' : 'login.limited', 'admin', 'refused', `2026-12-07T10:00:${String(i * 5).padStart(2, '0')}Z`),
    );
    let judged = judgeAudit(emptyAuditMemory(), refused.slice(0, 9), now, rules.logins);
    expect(judged.findings).toEqual([]);
    judged = judgeAudit(judged.memory, refused.slice(9), now, rules.logins);
    expect(judged.findings.map((f) => f.rule)).toEqual(['logins']);
    judged = judgeAudit(judged.memory, [], now + 3 * 60_000, rules.logins);
    expect(judged.findings.map((f) => f.rule)).toEqual(['logins']);
    judged = judgeAudit(judged.memory, [], now + 6 * 60_000, rules.logins);
    expect(judged.findings).toEqual([]);
  });
});
