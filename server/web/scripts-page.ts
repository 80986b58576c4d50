/** The /scripts pages: the list, the run form (arguments typed as one line, split on spaces) and a run's result. */
import { html } from 'hono/html';
import { DEFAULT_SCRIPT_TIMEOUT_SECONDS, runScriptRequestSchema, type ScriptList, type ScriptRunResult } from '../../src/api/scripts.js';
import type { Actor, AgentDeps } from '../env.js';
import { ApiError } from '../errors.js';
import { runScript, type ScriptFile } from '../services/scripts/index.js';
import { problemBox, problemOf, type PageProblem } from './error-page.js';
import { layout } from './layout.js';

export const scriptHref = (name: string): string => `/scripts/${encodeURIComponent(name)}`;

/** "a b  c" -> ["a", "b", "c"], each checked like the API checks it; a bad one is a 400 naming it. */
export function scriptArgsOf(line: string): string[] {
  const args = line.trim() === '' ? [] : line.trim().split(/\s+/);
  const parsed = runScriptRequestSchema.safeParse({ args });
  if (parsed.success) return parsed.data.args;
  const issue = parsed.error.issues[0]!;
  const index = issue.path[1];
  const which = typeof index === 'number' ? `Argument ${index + 1} (${args[index]!.slice(0, 40)})` : 'Arguments';
  throw new ApiError(400, `${which}: ${issue.message}.`, {
    hint: 'Arguments are split on spaces; quotes and shell syntax are not interpreted.',
  });
}

/** Runs a script from the form; arguments the API would refuse come back as a problem (400) beside the form. */
export async function runScriptForm(options: {
  deps: AgentDeps;
  actor: string;
  script: ScriptFile;
  line: string;
  signal?: AbortSignal;
}): Promise<{ result: ScriptRunResult; problem?: undefined } | { result?: undefined; problem: PageProblem }> {
  try {
    const args = scriptArgsOf(options.line);
    const run = { deps: options.deps, actor: options.actor, script: options.script, args, timeoutSeconds: DEFAULT_SCRIPT_TIMEOUT_SECONDS };
    return { result: await runScript({ ...run, ...(options.signal ? { signal: options.signal } : {}) }) };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 400) throw error;
    return { problem: problemOf(error) };
  }
}

/** What an exit code means for the remote-cli-tools (the Nagios convention). */
export function exitMeaning(result: Pick<ScriptRunResult, 'code' | 'signal' | 'timedOut'>): { label: string; tone: 'ok' | 'warn' | 'bad' } {
  if (result.timedOut) return { label: `timed out, stopped with ${result.signal ?? 'a signal'}`, tone: 'bad' };
  if (result.code === null) return { label: `killed by ${result.signal ?? 'a signal'}`, tone: 'bad' };
  const meanings: Record<number, { label: string; tone: 'ok' | 'warn' | 'bad' }> = {
    0: { label: 'OK', tone: 'ok' },
    1: { label: 'WARNING', tone: 'warn' },
    2: { label: 'CRITICAL', tone: 'bad' },
    3: { label: 'UNKNOWN', tone: 'warn' },
  };
  return meanings[result.code] ?? { label: 'not one of the usual codes (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)', tone: 'bad' };
}

export function scriptsPage(options: { list: ScriptList; actor: Actor }) {
  return layout(
    'Scripts',
    html`<p class="muted">Troubleshooting scripts on the server. Each run is recorded in the audit log.</p>
<div class="scroll"><table>
<tr><th>Script</th><th>What it does</th></tr>
${options.list.scripts.map(
  (script) => html`<tr><td><a href="${scriptHref(script.name)}">${script.name}</a></td>\
<td>${script.description || '–'}</td></tr>`,
)}
</table></div>`,
    { actor: options.actor },
  );
}

function runForm(name: string, args: string, csrf: string | undefined) {
  return html`<form method="post" action="${scriptHref(name)}">
<input type="hidden" name="_csrf" value="${csrf ?? ''}">
<label>Arguments <input name="args" value="${args}" size="40" autocapitalize="off" spellcheck="false" placeholder="e.g. --help"></label>
<p><button>Run ${name}</button> <span class="muted">Runs now on the server, for at most a minute.</span></p>
</form>`;
}

function runResult(result: ScriptRunResult) {
  const meaning = exitMeaning(result);
  return html`<h2>Result</h2>
<p class="${meaning.tone}" id="exit"><strong>Exit ${result.code ?? '–'}: ${meaning.label}</strong> \
<span class="muted">after ${result.durationMs} ms</span></p>
<h3>Output</h3>
<pre id="stdout">${result.stdout || '(nothing)'}</pre>
${result.stderr ? html`<h3>Errors (stderr)</h3><pre id="stderr" class="bad">${result.stderr}</pre>` : ''}`;
}

export function scriptPage(options: {
  name: string;
  description: string;
  actor: Actor;
  args?: string;
  result?: ScriptRunResult | undefined;
  problem?: PageProblem | undefined;
}) {
  const { name, actor } = options;
  return layout(
    `Script · ${name}`,
    html`<p>${options.description || html`<span class="muted">No description.</span>`}</p>
${options.problem ? problemBox(options.problem) : ''}
${runForm(name, options.args ?? '', actor.csrf)}
${options.result ? runResult(options.result) : ''}
<p><a href="/scripts">All scripts</a></p>`,
    { actor },
  );
}
