/** The apps table's rows, from the agent's /api/apps snapshot: pure. */
import type { AppStatus, AppsResponse } from '../../src/api/apps.js';
import { formatBytes, unitLabel } from '../../src/core/format.js';

export const APP_COLUMNS = ['APP', 'STATE', 'MEMORY', 'RESTARTS', 'HEALTH'];
/** Widths for the columns above, in terminal cells. */
export const APP_COLUMN_WIDTHS = [12, 17, 8, 8, 20];

export interface AppsView {
  rows: string[][];
  /** Why some state is unknown (e.g. no systemd here), once per distinct reason. */
  problems: string[];
}

export function appsView(snapshot: AppsResponse): AppsView {
  return {
    rows: snapshot.apps.map(appRow),
    problems: [...new Set(snapshot.apps.flatMap((app) => (app.problem ? [app.problem] : [])))],
  };
}

export function appRow(app: AppStatus): string[] {
  const s = app.state;
  const mark = s.activeState === 'active' ? '●' : s.activeState === 'unknown' ? '?' : '✗';
  const state = `${mark} ${s.activeState}/${s.subState}`;
  return [unitLabel(app), state, formatBytes(s.memoryBytes), String(s.restarts ?? '–'), health(app)].map(cell);
}

function health(app: AppStatus): string {
  if (!app.health) return '–';
  if (app.health.ok) return `ok ${Math.round(app.health.ms)}ms`;
  return `✗ ${app.health.error ?? app.health.status ?? 'failed'}`;
}

/** The table parses {tags}; a brace in an error message must show as text, not style it. */
function cell(text: string): string {
  return text.replace(/[{}]/g, (c) => (c === '{' ? '(' : ')')).replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}
