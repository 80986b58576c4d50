/**
 * `hms backup <app>` and `hms backups <app>`: thin commands over
 * src/client/backups-client.ts; the agent does the work and the core words it.
 */
import { drillBackup, listBackups, takeBackup } from '../client/backups-client.js';
import { backupSummary, backupsTable, drillLine } from '../core/backup-render.js';
import { HmsError } from '../core/errors.js';
import type { Command } from './command.js';
import { withApp } from './app-command.js';
import { backUpAll } from './backup-all.js';

export const backupCommand: Command = {
  name: 'backup',
  summary: "Back up an app's database now into the server's restic repository (dump streamed, row counts recorded)",
  usage: ['hms backup <app> [--drill]', 'hms backup --all [--server NAME] [--drill]'],
  flags: [
    ['--drill', 'then restore it into a scratch database and compare the row counts (a restore drill)'],
    ['--all', 'every app with a PostgreSQL database, on every server (or on the one --server names)'],
    ['--json', 'the result as JSON'],
  ],
  examples: ['hms backup cigar', 'hms backup cigar --drill --json', 'hms backup --all --json'],
  run: (context) =>
    context.flags.all
      ? backUpAll(context)
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
  name: 'backups',
  summary: "An app's database backups: id, when, kind, size, added size, row counts",
  usage: ['hms backups <app>'],
  flags: [['--json', 'the list as JSON']],
  examples: ['hms backups cigar', 'hms backups cigar --json'],
  run: (context) =>
    withApp(context, 'hms backups <app>', async (app, connected) => {
      const list = await listBackups(connected.client, app);
      return { data: list, human: backupsTable(list) };
    }),
};
