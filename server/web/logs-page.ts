/**
 * The /logs page's form and what it shows: the allow-listed sources, the newest lines
 * of one (filtered by the same query the API takes), and a live mode that refreshes
 * every few seconds without JavaScript or follows the API's SSE stream with it.
 */
import { html, raw } from 'hono/html';
import { logQuerySchema, type LogLine, type LogLinesResponse, type LogQuery, type LogSourceInfo } from '../../src/api/logs.js';
import type { Actor, AgentDeps } from '../env.js';
import { ApiError } from '../errors.js';
import { listLogSources, readLog } from '../services/logs/index.js';
import { bytes } from './format.js';
import { layout } from './layout.js';
import { LIVE_LOG_SCRIPT } from './logs-live-page.js';
import { problemBox, problemOf, type PageProblem } from './error-page.js';

export const LIVE_REFRESH_SECONDS = 3;

/** The page's query string as the user typed it (kept as text, so the form shows it back). */
export interface LogsForm {
  source: string;
  grep: string;
  lines: string;
  since: string;
  ignoreCase: boolean;
  live: boolean;
}

export interface LogsView {
  status: PageProblem['status'] | 200;
  sources: LogSourceInfo[];
  result?: LogLinesResponse;
  problem?: PageProblem;
}

const on = (value: string | undefined): boolean => value === '1' || value === 'on' || value === 'true';

export function logsForm(query: Record<string, string>): LogsForm {
  const text = (name: string, max: number) => (query[name] ?? '').trim().slice(0, max);
  return {
    source: text('source', 100),
    grep: text('grep', 1000),
    lines: text('lines', 20),
    since: text('since', 100),
    ignoreCase: on(query.ignoreCase),
    live: on(query.live),
  };
}

/** The API's query from the form; empty fields are left out. A bad value is a 400 naming it. */
export function logQueryOf(form: LogsForm): LogQuery {
  const parsed = logQuerySchema.safeParse({
    ...(form.lines ? { lines: form.lines } : {}),
    ...(form.grep ? { grep: form.grep } : {}),
    ...(form.since ? { since: form.since } : {}),
    ...(form.ignoreCase ? { ignoreCase: '1' } : {}),
  });
  if (parsed.success) return parsed.data;
  throw new ApiError(400, `${parsed.error.issues[0]!.message}.`, { hint: 'Fix the field and show the log again.' });
}

export async function loadLogs(options: { deps: AgentDeps; form: LogsForm; credential: string }): Promise<LogsView> {
  const sources = await listLogSources(options.deps.config);
  if (!options.form.source) return { status: 200, sources };
  try {
    const result = await readLog({
      deps: options.deps,
      source: options.form.source,
      query: logQueryOf(options.form),
      credential: options.credential,
    });
    return { status: 200, sources, result };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const problem = problemOf(error);
    return { status: problem.status, sources, problem };
  }
}

/** The page's own URL for a form, e.g. to switch live mode on or off. */
export function logsUrl(form: LogsForm, changes: Partial<LogsForm> = {}): string {
  const next = { ...form, ...changes };
  const params = new URLSearchParams({ source: next.source });
  if (next.grep) params.set('grep', next.grep);
  if (next.lines) params.set('lines', next.lines);
  if (next.since) params.set('since', next.since);
  if (next.ignoreCase) params.set('ignoreCase', '1');
  if (next.live) params.set('live', '1');
  return `/logs?${params}`;
}

/** The API's follow stream for the live mode with JavaScript: new lines only, same filter. */
export function followUrl(form: LogsForm): string {
  const params = new URLSearchParams({ lines: '0' });
  if (form.grep) params.set('grep', form.grep);
  if (form.ignoreCase) params.set('ignoreCase', '1');
  return `/api/logs/${encodeURIComponent(form.source)}/follow?${params}`;
}

/** Control characters (an ANSI colour's ESC, a stray NUL) as their visible Unicode pictures. */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (char) =>
    String.fromCharCode(char === '\u007f' ? 0x2421 : 0x2400 + char.charCodeAt(0)),
  );
}

function line(entry: LogLine) {
  const number = entry.lineNumber === undefined ? '' : html`<span class="ts">${entry.lineNumber}:</span>`;
  const ts = entry.ts ? html`<span class="ts">${entry.ts}</span> ` : '';
  return html`<span class="${entry.context ? 'line ctx' : 'line'}">${number}${ts}${visible(entry.text)}\n</span>`;
}

function sourceOption(source: LogSourceInfo, chosen: string) {
  const note = source.kind === 'journal' ? `journal of ${source.unit}` : source.exists ? bytes(source.size) : 'no file yet';
  return html`<option value="${source.name}"${source.name === chosen ? raw(' selected') : ''}>${source.name} (${note})</option>`;
}

function queryForm(form: LogsForm, sources: LogSourceInfo[]) {
  const checked = (value: boolean) => (value ? raw(' checked') : '');
  return html`<form method="get" action="/logs" class="fields">
<label>Log <select name="source" required><option value="">Choose a log…</option>\
${sources.map((source) => sourceOption(source, form.source))}</select></label>
<label>Filter (regex) <input name="grep" value="${form.grep}" placeholder="error|timeout" maxlength="200"></label>
<label>Lines <input name="lines" value="${form.lines}" placeholder="200" inputmode="numeric" size="6"></label>
<label>Since <input name="since" value="${form.since}" placeholder="-1h, today, 2026-11-25T18:00" size="22"></label>
<label class="check"><input type="checkbox" name="ignoreCase" value="1"${checked(form.ignoreCase)}> Ignore case</label>
<label class="check"><input type="checkbox" name="live" value="1"${checked(form.live)}> Live</label>
<button>Show</button>
</form>`;
}

function liveBar(form: LogsForm) {
  if (!form.live) return html`<p><a href="${logsUrl(form, { live: true })}">Live: follow new lines</a></p>`;
  return html`<p class="notice">Live: <span id="live-status">this page refreshes every ${LIVE_REFRESH_SECONDS} seconds</span>.
<button type="button" id="pause" hidden>Pause</button> <a href="${logsUrl(form, { live: false })}">Stop live</a></p>`;
}

function lines(form: LogsForm, result: LogLinesResponse) {
  const summary = result.matched === undefined ? `${result.lines.length} lines` : `${result.matched} matching lines`;
  const follow = form.live ? html` data-follow="${followUrl(form)}"` : '';
  return html`<p class="muted">${result.source}: ${summary}${result.truncated ? ', older ones left out' : ''}.</p>
${liveBar(form)}
<div class="tail"><pre id="log" class="log"${follow}>${result.lines.map(line)}</pre></div>`;
}

export function logsPage(options: { form: LogsForm; view: LogsView; actor: Actor; nonce: string | undefined }) {
  const { form, view } = options;
  const live = form.live && view.result !== undefined;
  // The refresh is inside <noscript>: with JavaScript the SSE stream appends instead.
  const head = html`${live ? html`<noscript><meta http-equiv="refresh" content="${LIVE_REFRESH_SECONDS}"></noscript>` : ''}`;
  const script = live ? html`<script nonce="${options.nonce ?? ''}">${raw(LIVE_LOG_SCRIPT)}</script>` : '';
  return layout(
    form.source ? `Logs · ${form.source}` : 'Logs',
    html`${queryForm(form, view.sources)}
${view.problem ? problemBox(view.problem) : ''}
${
  view.result
    ? lines(form, view.result)
    : form.source
      ? ''
      : html`<p class="muted">Choose a log. \
Files are read from the end; journal logs come from journalctl.</p>`
}
${script}`,
    { actor: options.actor, head },
  );
}
