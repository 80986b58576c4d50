/**
 * A deploy as the deploy view shows it: the app's own tests on this laptop first
 * (when configured, as `hms deploy` runs them), then the CLI's transcript (each step
 * as it starts and ends, the command output under it, bounded like a script's
 * output), where each step stands, and how it ended. Pure; the text comes from
 * src/core/deploy-render.ts.
 */
import { DEPLOY_STEPS, type DeployDone, type DeployStep, type StepEvent } from '../../src/api/deploys.js';
import { doneSummary, nextSteps, seconds } from '../../src/core/deploy-render.js';
import { MAX_OUTPUT_LINES } from './script-run.js';

/** An app's test gate from hms.config.json: `testCommand` (an argv) run in `checkout`. */
export interface TestGate {
  command: string[];
  checkout: string;
}

/** How the test gate went: running, passed, or failed (its exit code; null when killed or not started). */
export type GateState =
  | { status: 'running' }
  | { status: 'passed'; ms: number }
  | { status: 'failed'; code: number | null; ms: number; error?: string | undefined };

export interface DeployRun {
  server: string;
  app: string;
  ref: string;
  /** The app's test gate, when configured on this laptop. */
  tests?: TestGate | undefined;
  /** Deployed without its tests, on request (after they failed): the audit log records it. */
  skipTests?: boolean | undefined;
  gate?: GateState | undefined;
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

export function startRun(request: {
  server: string;
  app: string;
  ref: string;
  tests?: TestGate | undefined;
  skipTests?: boolean | undefined;
}): DeployRun {
  return { ...request, lines: [], steps: {}, running: true, cancelled: false };
}

/** Whether the tests run before this deploy: configured, and not skipped on request. */
export function gateOf(request: { tests?: TestGate | undefined; skipTests?: boolean | undefined }): TestGate | undefined {
  return request.skipTests ? undefined : request.tests;
}

/** The line the test gate starts with, as `hms deploy` says it. */
export function gateStartLine(app: string, gate: TestGate): string {
  return `▸ tests of ${app}: \`${gate.command.join(' ')}\` in ${gate.checkout}\n`;
}

/** How the tests ended, in words: `passed in 3.2 s`, `failed (exit 1 after 0.4 s)`. */
export function gateVerdict(gate: Exclude<GateState, { status: 'running' }>): string {
  if (gate.status === 'passed') return `passed in ${seconds(gate.ms)}`;
  return gate.error ? `could not run: ${gate.error}` : `failed (exit ${gate.code ?? 'by a signal'} after ${seconds(gate.ms)})`;
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

const GATE_MARK: Record<GateState['status'], string> = { running: '▸', passed: '✓', failed: '✗' };

/** `tests ✓ · lock ✓ · check ✓ · fetch ▸`: the test gate and the steps that started so far, in order. */
export function stepStrip(run: DeployRun): string {
  const steps = DEPLOY_STEPS.flatMap((name) => {
    const step = run.steps[name];
    return step ? [`${name} ${MARK[step.status]}`] : [];
  });
  return [...(run.gate ? [`tests ${GATE_MARK[run.gate.status]}`] : []), ...steps].join(' · ');
}

export type OutcomeLevel = 'ok' | 'failed' | 'stopped' | 'running';

/** The lines under the transcript: how it ended and, when it failed, what to do next. */
export function runOutcome(run: DeployRun): { level: OutcomeLevel; lines: string[] } {
  if (run.gate?.status === 'failed' && !run.running) {
    return {
      level: 'failed',
      lines: [
        `✗ The tests of ${run.app} ${gateVerdict(run.gate)}; nothing was deployed.`,
        'Fix them and deploy again (d), or y to deploy anyway (audited as tests skipped).',
      ],
    };
  }
  if (run.gate?.status === 'running' && run.cancelled && !run.running)
    return { level: 'stopped', lines: [`Stopped during the tests of ${run.app}; nothing was deployed.`] };
  if (run.done?.ok) return { level: 'ok', lines: [`✓ ${doneSummary(run.app, run.done)}`] };
  if (run.done) return { level: 'failed', lines: [`✗ ${doneSummary(run.app, run.done)}`, nextSteps(run.app, run.done)] };
  if (run.cancelled && !run.running) {
    return {
      level: 'stopped',
      lines: [
        `Stopped; the agent on ${run.server} stops the deploy of ${run.app} before it switches, or finishes it safely after.`,
        'The releases (Esc) and the audit (:audit) show how it ended.',
      ],
    };
  }
  if (run.error) return { level: 'failed', lines: [`✗ ${run.error.text}`, ...(run.error.hint ? [run.error.hint] : [])] };
  return { level: 'running', lines: [] };
}

/** A deploy without its tests says so where it is shown. */
export function testsNote(run: Pick<DeployRun, 'app' | 'tests' | 'skipTests'>): string | undefined {
  return run.tests && run.skipTests
    ? `Without the tests of ${run.app} (\`${run.tests.command.join(' ')}\`), on request: the audit log records them as skipped.`
    : undefined;
}
