/**
 * `hms backup <app>` and `hms backups <app>`: thin commands over
 * src/client/backups-client.ts; the agent does the work and the core words it.
 */
import { drillBackup, fetchOffsite, listBackups, listKept, listOffsite, takeBackup } from '../client/backups-client.js';
import { backupSummary, backupsTable, drillLine } from '../core/backup-render.js';
import { keptTable } from '../core/restore-render.js';
import { HmsError } from '../core/errors.js';
import type { Command } from './command.js';
import { backupHelp, backupsHelp } from './help/index.js';
import { withApp } from './app-command.js';
import { backUpAll } from './backup-all.js';
import { pullBackup } from './backup-pull.js';
import { dropKeptDatabase } from './restore.js';

export const backupCommand: Command = {
  ...backupHelp,
  run: (context) =>
    context.flags.all
      ? backUpAll(context)
      : // `pull` with an app after it; an app named "pull" is still backed up with `hms backup pull`.
        context.args[0] === 'pull' && context.args.length >= 2
        ? pullBackup(context)
        : withApp(context, 'hms backup <app>', async (app, connected) => {
            context.note(`Backing up ${app} on ${connected.name}…`);
            const result = await takeBackup(connected.client, app);
            if (!result.ok && !context.flags.json)
              throw new HmsError(backupSummary(result), {
                hint: `\`hms backups ${app}\` lists the backups kept; \`hms audit\` has this one.`,
              });
            if (!result.ok || !context.flags.drill) return { data: result, human: backupSummary(result), exitCode: result.ok ? 0 : 1 };
            context.note(`Restore drill of ${result.snapshot?.shortId}…`);
            const { drill } = await drillBackup(connected.client, app);
            const human = `${backupSummary(result)}\n  restore drill: ${drillLine(drill)}`;
            return { data: { ...result, drill }, human, exitCode: drill.ok ? 0 : 1 };
          }),
};

export const backupsCommand: Command = {
  ...backupsHelp,
  run: (context) => {
    // `drop` with two more words; an app named "drop" is still listed with `hms backups drop`.
    if (context.args[0] === 'drop' && context.args.length === 3) return dropKeptDatabase(context);
    return withApp(context, 'hms backups <app>', async (app, connected) => {
      const { fetch, offsite } = context.flags;
      if (offsite && !fetch) {
        const list = await listOffsite(connected.client, app);
        return { data: list, human: `Offsite backups of ${app}:\n${backupsTable(list)}` };
      }
      if (fetch) context.note(`Fetching ${fetch} from the offsite repository onto ${connected.name}…`);
      const list = fetch ? await fetchOffsite(connected.client, app, fetch) : await listBackups(connected.client, app);
      const kept = await listKept(connected.client, app);
      return { data: { ...list, kept }, human: `${backupsTable(list)}\n\n${keptTable(app, kept)}` };
    });
  },
};
