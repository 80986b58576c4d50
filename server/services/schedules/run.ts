/**
 * A schedule run now (`hms schedules run <app> <name>`): its unit started as the timer
 * would start it, its journal streamed until the run ends, then how it ended. The
 * run is systemd's: it keeps its bounds (TimeoutStartSec, MemoryMax) and goes on if
 * the client goes away. Audited: who, which app and schedule, and how it ended.
 */
import { stat } from 'node:fs/promises';
import { constants } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ScriptRunResult } from '../../../src/api/scripts.js';
import type { AgentDeps } from '../../env.js';
import { allowed, ApiError } from '../../errors.js';
import { journalFromNow } from './journal.js';
import { parseBlocks, type Properties, runOf, SCHEDULE_PROPERTIES } from './show.js';

const POLL_MS = 300;
/** How long systemd may take to begin the run it was asked for. */
const START_WITHIN_MS = 15_000;

export interface ScheduleRunOptions {
  deps: AgentDeps;
  app: string;
  name: string;
  actor: string;
  signal?: AbortSignal;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

async function showService(deps: AgentDeps, unit: string): Promise<Properties> {
  const argv = ['systemctl', 'show', '--no-pager', '--timestamp=utc', '-p', SCHEDULE_PROPERTIES.join(','), '--', unit];
  const shown = await deps.exec(argv, { timeoutMs: 10_000, maxOutputBytes: 64 * 1024 });
  return parseBlocks(shown.stdout)[0] ?? new Map();
}

/** The checks before anything runs or any stream opens: the app, the schedule, a release to run in, no run going on. */
export async function prepareScheduleRun(deps: AgentDeps, app: string, name: string) {
  const agentApp = allowed('app', app, deps.config.apps);
  const schedule = allowed('schedule', name, agentApp.schedules);
  const cwd = path.join(agentApp.root, 'current');
  if (!(await stat(cwd).catch(() => undefined))?.isDirectory()) {
    throw new ApiError(409, `${app} has no release to run ${name} in yet (${cwd} does not exist).`, {
      hint: `Deploy it first: \`hms deploy ${app}\`.`,
    });
  }
  const before = await showService(deps, schedule.unit);
  const last = runOf(before);
  if (!schedule.overlap && last.result === 'running') {
    throw new ApiError(409, `${app} ${name} is running now (since ${last.lastRun ?? 'a moment ago'}); it does not overlap.`, {
      hint: `Wait for it to end (\`hms schedules ${app}\`), or set overlap: true for apps.${app}.schedules.${name}.`,
    });
  }
  return { schedule, before };
}

const SIGNALS = new Map(Object.entries(constants.signals).map(([signal, number]) => [number, signal]));

function exitOf(after: Properties): Pick<ScriptRunResult, 'code' | 'signal' | 'timedOut'> {
  const result = after.get('Result') || 'success';
  const status = Number(after.get('ExecMainStatus') ?? 'NaN');
  if (result === 'success') return { code: 0, signal: null, timedOut: false };
  if (result === 'exit-code' && Number.isInteger(status)) return { code: status, signal: null, timedOut: false };
  if (result === 'signal' || result === 'core-dump')
    return { code: null, signal: SIGNALS.get(status) ?? `signal ${status}`, timedOut: false };
  return { code: null, signal: result === 'timeout' ? 'SIGTERM' : result, timedOut: result === 'timeout' };
}

export async function runSchedule(options: ScheduleRunOptions): Promise<ScriptRunResult> {
  const { deps, app, name, actor } = options;
  const { schedule, before } = await prepareScheduleRun(deps, app, name);
  const record = (result: 'ok' | 'failed', ending: string) =>
    deps.audit.record({ actor, action: 'schedule.run', target: app, result, detail: `schedule ${name}: ${ending}` });
  const journal = await journalFromNow(deps, schedule.unit);
  const begun = Date.now();
  const start = await deps.exec(['systemctl', 'start', '--no-block', '--', schedule.unit], { timeoutMs: 30_000 });
  if (start.code !== 0) {
    await record('failed', `could not start: ${start.stderr.trim()}`);
    throw new ApiError(502, `systemctl could not start ${schedule.unit}: ${start.stderr.trim()}`);
  }
  let stdout = '';
  const forward = (lines: string[]) => {
    if (lines.length === 0) return;
    const text = lines.map((line) => `${line}\n`).join('');
    if (stdout.length < 1024 * 1024) stdout += text;
    options.onStdout?.(Buffer.from(text));
  };
  const deadline = begun + (schedule.timeoutSeconds + 30) * 1000;
  let after = before;
  let started = false;
  while (!options.signal?.aborted && Date.now() < deadline) {
    await sleep(POLL_MS);
    forward(await journal.read());
    after = await showService(deps, schedule.unit);
    started ||= (after.get('InvocationID') ?? '') !== (before.get('InvocationID') ?? '');
    if (started && runOf(after).result !== 'running') break;
    if (!started && Date.now() - begun > START_WITHIN_MS) break;
  }
  // journald may hand over the last lines a moment after the process ended.
  for (let quiet = 0; quiet < 2 && !options.signal?.aborted; ) {
    await sleep(POLL_MS);
    const lines = await journal.read();
    forward(lines);
    quiet = lines.length === 0 ? quiet + 1 : 0;
  }
  const ended = started && runOf(after).result !== 'running';
  if (!ended) {
    const why = options.signal?.aborted ? 'the client went away; the run goes on' : 'still running when the agent stopped waiting';
    await record('ok', `started; ${why}`);
    return { code: null, signal: null, timedOut: !options.signal?.aborted, durationMs: Date.now() - begun, stdout, stderr: `${why}\n` };
  }
  const exit = exitOf(after);
  const run = runOf(after);
  if (schedule.overlap) {
    const note = `${app} ${name} runs as a unit of its own (overlap: true); its output: journalctl -t ${app}-${name}\n`;
    options.onStderr?.(Buffer.from(note));
  }
  await record(exit.code === 0 ? 'ok' : 'failed', exit.code !== null ? `exit ${exit.code}` : `${after.get('Result')} (${exit.signal})`);
  return { ...exit, durationMs: run.durationMs ?? Date.now() - begun, stdout, stderr: '' };
}
