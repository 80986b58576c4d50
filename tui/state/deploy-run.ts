/**
 * A deploy as the deploy view shows it: the CLI's transcript (each step as it
 * starts and ends, the command output under it, bounded like a script's output),
 * where each step stands, and how it ended. Pure; the text comes from
 * src/commands/deploy-render.ts.
 */
import { DEPLOY_STEPS, type DeployDone, type DeployStep, type StepEvent } from '../../src/api/deploys.js';
import { doneSummary, nextSteps } from '../../src/commands/deploy-render.js';
import { MAX_OUTPUT_LINES } from './script-run.js';

export interface DeployRun {
  server: string;
  app: string;
  ref: string;
  /** The app's test command, configured on this laptop but not run from the control center. */
  tests?: string[] | undefined;
  lines: string[];
  /** The latest event of each step. */
  steps: Partial<Record<DeployStep, StepEvent>>;
  running: boolean;
  done?: DeployDone | undefined;
  /** It never got going (a locked app: who holds the lock), or the connection dropped. */
  error?: { text: string; hint?: string | undefined } | undefined;
  /** `x` was pressed. */
  cancelled: boolean;
}

export function startRun(request: { server: string; app: string; ref: string; tests?: string[] | undefined }): DeployRun {
  return { ...request, lines: [], steps: {}, running: true, cancelled: false };
}

/** Whole lines, as deploy-render's OutputLines and stepLine give them (each ends with a newline). */
export function withText(run: DeployRun, text: string): DeployRun {
  if (text === '') return run;
  const added = text.replace(/\n$/, '').split('\n');
  return { ...run, lines: [...run.lines, ...added].slice(-MAX_OUTPUT_LINES) };
}

export function withStep(run: DeployRun, step: StepEvent): DeployRun {
  return { ...run, steps: { ...run.steps, [step.name]: step } };
}

const MARK: Record<StepEvent['status'], string> = { start: '▸', ok: '✓', failed: '✗', skipped: '–' };

/** `lock ✓ · check ✓ · fetch ▸`: the steps that started so far, in order. */
export function stepStrip(run: DeployRun): string {
  return DEPLOY_STEPS.flatMap((name) => {
    const step = run.steps[name];
    return step ? [`${name} ${MARK[step.status]}`] : [];
  }).join(' · ');
}

export type OutcomeLevel = 'ok' | 'failed' | 'stopped' | 'running';

/** The lines under the transcript: how it ended and, when it failed, what to do next. */
export function runOutcome(run: DeployRun): { level: OutcomeLevel; lines: string[] } {
  if (run.done?.ok) return { level: 'ok', lines: [`✓ ${doneSummary(run.app, run.done)}`] };
  if (run.done) return { level: 'failed', lines: [`✗ ${doneSummary(run.app, run.done)}`, nextSteps(run.app, run.done)] };
  if (run.cancelled && !run.running) {
    return {
      level: 'stopped',
      lines: [`Stopped; the agent on ${run.server} stops the deploy of ${run.app} before it switches, or finishes it safely after.`, 'The releases (Esc) and the audit (:audit) show how it ended.'],
    };
  }
  if (run.error) return { level: 'failed', lines: [`✗ ${run.error.text}`, ...(run.error.hint ? [run.error.hint] : [])] };
  return { level: 'running', lines: [] };
}

/** What the test gate would have done, said where the deploy is shown. */
export function testsNote(run: Pick<DeployRun, 'app' | 'tests'>): string | undefined {
  return run.tests ? `The tests of ${run.app} (\`${run.tests.join(' ')}\`) are not run from here; \`hms deploy ${run.app}\` runs them first. The audit log records them as skipped.` : undefined;
}
