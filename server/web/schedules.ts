import { html } from 'hono/html';
import type { ScheduleStatus } from '../../src/api/schedules.js';
import { SCHEDULE_HEADERS, scheduleNext, scheduleRow } from '../../src/core/schedule-status.js';
import type { AgentDeps } from '../env.js';
import { listSchedules } from '../services/schedules/index.js';

const RESULT_CLASS: Record<ScheduleStatus['result'], string> = { ok: 'ok', failed: 'bad', running: 'warn', never: 'muted' };

/** The dashboard's schedules: the columns of `hms schedules`, a failed run red with how to see its output. */
export function schedulesTable(schedules: ScheduleStatus[], now: Date) {
  if (schedules.length === 0) return '';
  return html`<h2>Scheduled tasks</h2>
<div class="scroll"><table>
<tr>${SCHEDULE_HEADERS.map((header) => html`<th>${header[0]}${header.slice(1).toLowerCase()}</th>`)}</tr>
${schedules.map((s) => {
  const cells = scheduleRow(s, now);
  return html`<tr class="${s.result === 'failed' ? 'bad' : ''}">
${cells.map((cell, i) => html`<td class="${i === 4 ? RESULT_CLASS[s.result] : ''}">${cell}</td>`)}
</tr>${s.result === 'failed' ? html`<tr class="bad"><td colspan="7" class="bad">${scheduleNext(s)}</td></tr>` : ''}`;
})}
</table></div>`;
}

/** The section, or a line saying why the schedules could not be read (the rest of the page still shows). */
export async function schedulesSection(deps: AgentDeps, now: Date) {
  try {
    return schedulesTable((await listSchedules(deps)).schedules, now);
  } catch (error) {
    return html`<h2>Scheduled tasks</h2><p class="error">${(error as Error).message}</p>`;
  }
}
