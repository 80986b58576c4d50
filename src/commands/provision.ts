import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { deploymentLog } from '../provision/log.js';
import { gatherInput } from '../provision/gather.js';
import { provisioningPlan } from '../provision/plan.js';
import { runPlan, type PlanReport, type StepReport } from '../provision/run.js';
import { openProvisionSession } from '../provision/session.js';
import { packageRoot } from '../platform/package-root.js';
import { exampleInput } from '../provision/example.js';
import { secretsPathFor } from '../secrets/service.js';
import type { Command, CommandContext } from './command.js';
import { provisionHelp } from './help/index.js';
import { pickServer } from '../client/server-target.js';

const MARK: Record<StepReport['status'], string> = { 'up-to-date': '✓', planned: '~', changed: '●', failed: '✗' };

/** A change or note under its step; a diff below it keeps its own columns. */
const indent = (text: string): string => text.replace(/^/gm, '          ');

export function describeStep(index: number, total: number, r: StepReport): string {
  const what =
    r.status === 'up-to-date'
      ? 'up to date'
      : r.status === 'failed'
        ? 'FAILED'
        : `${r.changes.length} change(s)${r.status === 'planned' ? ' planned' : ''}`;
  const lines = [
    `[${String(index + 1).padStart(2)}/${total}] ${MARK[r.status]} ${r.title.padEnd(58)} ${what.padEnd(22)} ${(r.ms / 1000).toFixed(1)} s`,
  ];
  if (r.status !== 'up-to-date')
    lines.push(...r.changes.slice(0, 12).map(indent), ...(r.changes.length > 12 ? [indent(`… and ${r.changes.length - 12} more`)] : []));
  lines.push(...r.notes.map(indent));
  return lines.join('\n');
}

export function summary(report: PlanReport): string {
  const seconds = (report.ms / 1000).toFixed(1);
  const notes = report.steps.reduce((sum, step) => sum + step.notes.length, 0);
  const kept = notes > 0 ? `\n${notes} file(s) on the server differ from what hms would write and were kept (shown above).` : '';
  if (report.changed === 0) return `${report.server}: every step up to date; nothing changed (${seconds} s).${kept}`;
  return report.dryRun
    ? `${report.server}: ${report.changed} step(s) would change. Run without --dry-run to apply.${kept}`
    : `${report.server}: ${report.changed} step(s) changed in ${seconds} s. A second run changes nothing.${kept}`;
}

export async function provision(context: CommandContext, name: string, dryRun: boolean): Promise<PlanReport> {
  const config = (await context.loadConfig())!;
  const input = await gatherInput(config, name, secretsPathFor(config, context.flags.secrets, context.cwd));
  const steps = await provisioningPlan(input);
  const session = await openProvisionSession(config, name);
  try {
    return await runPlan(session.host, steps, {
      dryRun,
      onStep: ({ index, total, report }) => context.note(describeStep(index, total, report)),
    });
  } finally {
    await session.close();
  }
}

export const provisionCommand: Command = {
  ...provisionHelp,
  async run(context) {
    if (context.flags.printLog) {
      const steps = await provisioningPlan(await exampleInput(await loadConfig(path.join(packageRoot(), 'hms.config.example.json'))));
      const text = deploymentLog(steps, 'the servers and apps of hms.config.example.json');
      return { data: { markdown: text }, human: text.trimEnd() };
    }
    const { name } = pickServer(await context.loadConfig(), context.args[0] ?? context.flags.server);
    const report = await provision(context, name, context.flags.dryRun === true);
    return { data: report, human: summary(report) };
  },
};
