/**
 * The rules read from the audit log, pure: entries newer than the last look move a
 * small memory (kept on disk with the cursor), and the memory gives the findings.
 *   deploy: a deploy or rollback that failed (its release rolled back or not) opens an
 *     incident for the app; the app's next successful deploy or rollback resolves it.
 *   agent-update: a self-update with result failed (rolled back) opens; the next ok one resolves.
 *   logins: rules.logins.failures refused logins (login.failed, login.limited) within
 *     windowMinutes open; no refused login for windowMinutes resolves.
 */
import type { AuditEntry } from '../../../src/api/core.js';
import type { AlertsConfig } from '../../config.js';
import type { Finding } from './incidents.js';

export interface AuditMemory {
  /** The failed deploy or rollback per app, until a good one. */
  deploys: Record<string, { at: string; action: string; detail: string }>;
  agentUpdate: { at: string; release: string; detail: string } | null;
  /** Times (ms) of refused logins within the window, and whether a burst is open. */
  logins: { times: number[]; open: boolean; last: number | null };
}

export const emptyAuditMemory = (): AuditMemory => ({ deploys: {}, agentUpdate: null, logins: { times: [], open: false, last: null } });

const MAX_LOGIN_TIMES = 1000;

export function judgeAudit(
  memory: AuditMemory,
  entries: readonly AuditEntry[],
  now: number,
  rules: AlertsConfig['rules']['logins'],
): { memory: AuditMemory; findings: Finding[] } {
  const deploys = { ...memory.deploys };
  let agentUpdate = memory.agentUpdate;
  const windowMs = rules.windowMinutes * 60_000;
  let times = [...memory.logins.times];
  let last = memory.logins.last;
  for (const entry of entries) {
    if (entry.action === 'deploy' || entry.action === 'rollback') {
      if (entry.result === 'failed') deploys[entry.target] = { at: entry.at, action: entry.action, detail: entry.detail ?? '' };
      else if (entry.result === 'ok') delete deploys[entry.target];
    } else if (entry.action === 'agent.update') {
      if (entry.result === 'failed') agentUpdate = { at: entry.at, release: entry.target, detail: entry.detail ?? '' };
      else if (entry.result === 'ok') agentUpdate = null;
    } else if (entry.action === 'login.failed' || entry.action === 'login.limited') {
      const at = Date.parse(entry.at);
      times.push(at);
      last = Math.max(last ?? at, at);
    }
  }
  times = times.filter((t) => t > now - windowMs).slice(-MAX_LOGIN_TIMES);
  const burst = times.length >= rules.failures;
  const open = burst || (memory.logins.open && last !== null && now - last < windowMs);
  const findings: Finding[] = [
    ...Object.entries(deploys).map(([app, failed]) => deployFinding(app, failed)),
    ...(agentUpdate ? [agentFinding(agentUpdate)] : []),
    ...(open ? [loginFinding(times.length, rules)] : []),
  ];
  return { memory: { deploys, agentUpdate, logins: { times, open, last } }, findings };
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function deployFinding(app: string, failed: AuditMemory['deploys'][string]): Finding {
  return {
    rule: 'deploy',
    subject: app,
    app,
    severity: 'critical',
    title: `${failed.action} of ${app} failed`,
    detail:
      `The ${failed.action} at ${failed.at} failed: ${firstLine(failed.detail) || 'see the audit log'}. ` +
      `Next: \`hms deploys ${app}\` and \`hms logs ${app}\`; the next good deploy resolves this.`,
  };
}

function agentFinding(update: NonNullable<AuditMemory['agentUpdate']>): Finding {
  return {
    rule: 'agent-update',
    subject: 'agent',
    app: null,
    severity: 'warning',
    title: `agent update to ${update.release} failed`,
    detail:
      `The self-update at ${update.at} failed and the agent went back to its previous release: ${firstLine(update.detail)}. ` +
      'Next: `hms doctor`, then `hms update-hosting-api` again once fixed.',
  };
}

function loginFinding(count: number, rules: AlertsConfig['rules']['logins']): Finding {
  return {
    rule: 'logins',
    subject: 'login',
    app: null,
    severity: 'warning',
    title: 'many refused logins',
    detail:
      `${count} refused logins in the last ${rules.windowMinutes} min (threshold ${rules.failures}). ` +
      'Next: `hms audit` for where they come from; the login limit already slows them down.',
  };
}
