/**
 * `hms restore <app> <backup-id>`: asks first, showing what the live database holds and
 * what the snapshot does (the agent's dry run), then restores; the agent keeps what it
 * replaces. `hms backups drop <app> <name>` drops one kept database, asked first too.
 */
import { dropKept, restoreBackup, restoreStreamed } from '../client/backups-client.js';
import { HmsError, UsageError } from '../core/errors.js';
import { restoreQuestion, restoreSummary } from '../core/restore-render.js';
import type { Command, CommandContext, CommandOutput } from './command.js';
import { RESTORE_USAGE, restoreHelp } from './help/index.js';
import { withApp } from './app-command.js';

export const restoreCommand: Command = {
  ...restoreHelp,
  run: (context) =>
    withApp(context, RESTORE_USAGE, async (app, connected) => {
      const snapshot = context.args[1];
      if (!snapshot) throw new UsageError(`Which backup? \`${RESTORE_USAGE}\`.`, `\`hms backups ${app}\` lists them.`);
      const plan = await restoreBackup(connected.client, app, { snapshot, dryRun: true });
      if (!(await context.confirm(restoreQuestion(plan, connected.name, plan.snapshot.slice(0, 8))))) {
        return { data: { app, done: false }, human: 'Nothing done.', exitCode: 1 };
      }
      context.note(`Restoring ${plan.snapshot.slice(0, 8)} into ${app} on ${connected.name}…`);
      // Each step as it happens (stderr), then the whole account (stdout, or the JSON).
      const started = Date.now();
      const result = await restoreStreamed(connected.client, app, { snapshot: plan.snapshot }, (step) => {
        const seconds = Math.round((Date.now() - started) / 1000);
        context.note(`  ${step.doing ? '…' : '✓'} ${step.line}${step.doing ? ` (${seconds} s)` : ''}`);
      });
      if (!result.ok && !context.flags.json)
        throw new HmsError(restoreSummary(result), { hint: '`hms audit` has every step; `hms backups <app>` the kept databases.' });
      return { data: result, human: restoreSummary(result), exitCode: result.ok ? 0 : 1 };
    }),
};

/** `hms backups drop <app> <name>` (the backups command hands it over). */
export async function dropKeptDatabase(context: CommandContext): Promise<CommandOutput> {
  const usage = 'hms backups drop <app> <name>';
  const dropContext = { ...context, args: context.args.slice(1) };
  return withApp(dropContext, usage, async (app, connected) => {
    const name = dropContext.args[1];
    if (!name) throw new UsageError(`Which database? \`${usage}\`.`, `\`hms backups ${app}\` lists the kept ones.`);
    if (!(await context.confirm(`Drop the kept database ${name} of ${app} on ${connected.name}? This cannot be undone.`))) {
      return { data: { app, name, dropped: false }, human: 'Nothing done.', exitCode: 1 };
    }
    const dropped = await dropKept(connected.client, app, name);
    return { data: { ...dropped, dropped: true }, human: `Dropped ${dropped.name} of ${app}.` };
  });
}
