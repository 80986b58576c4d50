import { HmsError } from '../core/errors.js';
import type { Host } from './host.js';
import type { Step } from './step.js';

export interface StepReport {
  id: string;
  title: string;
  changes: string[];
  /** What the check reported without changing it (files kept as edited on the server). */
  notes: string[];
  status: 'up-to-date' | 'planned' | 'changed' | 'failed';
  ms: number;
  error?: string;
}

export interface PlanReport {
  server: string;
  dryRun: boolean;
  steps: StepReport[];
  changed: number;
  ms: number;
}

export type ProgressListener = (event: { index: number; total: number; report: StepReport }) => void;

/**
 * Checks each step and applies only what differs, in order. Stops at the first
 * failure (later steps are not checked) and throws with what to do next.
 */
export async function runPlan(host: Host, steps: Step[], options: { dryRun: boolean; onStep?: ProgressListener }): Promise<PlanReport> {
  const started = Date.now();
  const reports: StepReport[] = [];
  for (const [index, step] of steps.entries()) {
    const stepStarted = Date.now();
    const report: StepReport = { id: step.id, title: step.title, changes: [], notes: [], status: 'up-to-date', ms: 0 };
    reports.push(report);
    try {
      report.changes = await step.check(host, (text) => report.notes.push(text));
      if (report.changes.length > 0) {
        if (options.dryRun) report.status = 'planned';
        else {
          await step.apply(host, report.changes);
          report.status = 'changed';
        }
      }
    } catch (error) {
      report.status = 'failed';
      report.error = (error as Error).message;
      report.ms = Date.now() - stepStarted;
      options.onStep?.({ index, total: steps.length, report });
      throw new HmsError(`Step ${index + 1}/${steps.length} "${step.title}" failed: ${(error as Error).message}`, {
        hint: (error as HmsError).hint ?? `Fix the cause, then run \`hms provision ${host.name}\` again: steps that are done are skipped.`,
        cause: error,
      });
    }
    report.ms = Date.now() - stepStarted;
    options.onStep?.({ index, total: steps.length, report });
  }
  return {
    server: host.name,
    dryRun: options.dryRun,
    steps: reports,
    changed: reports.filter((r) => r.status !== 'up-to-date').length,
    ms: Date.now() - started,
  };
}
