/**
 * How a deploy's steps, releases and outcome read on the /deploys pages: the
 * terminal's words (src/core/deploy-render.ts), in HTML.
 */
import { html } from 'hono/html';
import type { DeployLock, ReleaseSummary, StepEvent } from '../../src/api/deploys.js';
import { seconds } from '../../src/core/deploy-render.js';
import { formatTime } from '../../src/core/format.js';
import { visible } from './logs-page.js';

const MARK: Record<StepEvent['status'], string> = { start: '▸', ok: '✓', failed: '✗', skipped: '–' };
const TONE: Record<StepEvent['status'], string> = { start: 'muted', ok: 'ok', failed: 'bad', skipped: 'muted' };

export const deploysHref = (app: string): string => `/deploys/${encodeURIComponent(app)}`;

/** `✓ bundle 0.8 s every gem is already installed`; a start is `▸ bundle`. The end line has the step's id. */
export function stepItem(event: StepEvent) {
  if (event.status === 'start') return html`<p class="step muted">${MARK.start} ${event.name}</p>`;
  const detail = event.detail ? html` ${visible(event.detail)}` : '';
  return html`<p class="step ${TONE[event.status]}" id="step-${event.name}">${MARK[event.status]} <strong>${event.name}</strong> \
<span class="muted">${seconds(event.ms)}</span>${detail}</p>`;
}

export function shortSha(sha: string | null): string {
  return sha ? sha.slice(0, 12) : '–';
}

export function healthCell(release: Pick<ReleaseSummary, 'status' | 'health'>) {
  if (release.status === 'unknown') return html`<td class="muted">unknown (no release.json)</td>`;
  if (release.status === 'failed')
    return html`<td class="bad">✗ ${release.health?.error ?? (release.health?.status ? `HTTP ${release.health.status}` : 'failed')}</td>`;
  const detail = release.health ? ` ${release.health.status ?? ''} ${Math.round(release.health.ms)} ms` : '';
  return html`<td class="ok">ok${detail}</td>`;
}

/** Who holds the lock, since when, why; a stale one says the process that took it is gone. */
export function lockText(lock: DeployLock): string {
  const kind = lock.kind === 'manual' ? 'locked by hand' : `locked by a running ${lock.kind}`;
  const stale = lock.stale ? ' Stale: the process that took it is gone; check the app, then unlock.' : '';
  return `${kind}: held by ${lock.by} since ${formatTime(lock.at)} (reason: ${visible(lock.reason)}).${stale}`;
}
