/**
 * How deploys, releases, rollbacks and locks read in a terminal. Pure functions of
 * the API's data; text from the server (command output) is shown, never obeyed.
 */
import { restoreSummary } from './restore-render.js';
import type { DeployDone, DeployLock, ReleaseSummary, RollbackResult, StepEvent } from '../api/deploys.js';
import { printable } from './text.js';
import { formatTime } from './format.js';
import { table } from './table.js';

const MARK: Record<StepEvent['status'], string> = { start: '▸', ok: '✓', failed: '✗', skipped: '–' };

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `✓ bundle     0.8 s  every gem is already installed`; a start is just `▸ bundle`. */
export function stepLine(event: StepEvent): string {
  if (event.status === 'start') return `${MARK.start} ${event.name}`;
  const detail = event.detail ? `  ${printable(event.detail)}` : '';
  return `${MARK[event.status]} ${event.name.padEnd(9)} ${seconds(event.ms).padStart(7)}${detail}`;
}

/** Command output arrives in chunks; lines are shown indented under their step, whole. */
export class OutputLines {
  private pending = '';

  push(text: string): string {
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop() ?? '';
    return lines.map((line) => `  │ ${printable(line)}\n`).join('');
  }

  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return rest ? `  │ ${printable(rest)}\n` : '';
  }
}

export function doneSummary(app: string, done: DeployDone): string {
  const sha = done.sha ? ` (${done.sha.slice(0, 12)})` : '';
  const took = done.ms === undefined ? '' : ` in ${seconds(done.ms)}`;
  if (done.ok) return `Deployed ${app}: release ${done.release}${sha} is live${took}.`;
  return `The deploy of ${app} failed${done.failedStep ? ` at ${done.failedStep}` : ''}${took}: ${done.error ?? 'no reason given'}`;
}

/** What to do after a failed deploy: the agent's hint, then where to look. */
export function nextSteps(app: string, done: DeployDone): string {
  const look = `See \`hms logs ${app}\` and \`hms releases ${app}\`; fix, then \`hms deploy ${app}\` again.`;
  return done.hint ? `${done.hint} ${look}` : look;
}

export function releasesTable(releases: readonly ReleaseSummary[]): string {
  if (releases.length === 0) return 'No releases yet.';
  const rows = releases.map((r) => [
    `${r.current ? '→ ' : '  '}${r.id}`,
    r.sha?.slice(0, 12) ?? '–',
    r.ref ?? '–',
    formatTime(r.at),
    r.by ?? '–',
    r.status === 'ok'
      ? r.health
        ? `ok ${r.health.status ?? ''}`.trim()
        : 'ok'
      : r.status === 'failed'
        ? `✗ ${r.health?.error ?? 'failed'}`
        : '?',
    String(r.migrations),
  ]);
  return table(['RELEASE', 'SHA', 'REF', 'DEPLOYED', 'BY', 'HEALTH', 'MIGRATIONS'], rows);
}

export function rollbackSummary(result: RollbackResult): string {
  const lines = result.restore ? [restoreSummary(result.restore)] : [];
  lines.push(...result.warnings.map((warning) => `warning: ${warning}`));
  if (result.ok) lines.push(`${result.app}: ${result.to} is live again (was ${result.from ?? 'none'}), healthy, in ${seconds(result.ms)}.`);
  else lines.push(`${result.app}: rollback to ${result.to} failed: ${result.error ?? 'unknown'}`);
  return lines.join('\n');
}

/** `cigar unlocked (was: locked by alice since … )`. */
export function unlockedLine(app: string, was: DeployLock | null): string {
  return `${app} unlocked (was: ${lockLine(app, was).replace(`${app} is `, '')})`;
}

export function lockLine(app: string, lock: DeployLock | null): string {
  if (!lock) return `${app} is not locked.`;
  return (
    `${app} is locked by ${lock.by} since ${lock.at} (${lock.kind}; reason: ${printable(lock.reason)})` +
    `${lock.stale ? ' — STALE: the process that took it is gone' : ''}.`
  );
}
