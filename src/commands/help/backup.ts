import type { CommandHelp } from '../../core/command-help.js';

export const backupHelp: CommandHelp = {
  name: 'backup',
  summary: "Back up an app's database now into the server's restic repository (dump streamed, row counts recorded)",
  usage: ['hms backup <app> [--drill]', 'hms backup --all [--server NAME] [--drill]', 'hms backup pull <app> [backup-id]'],
  flags: [
    ['--drill', 'then restore it into a scratch database and compare the row counts (a restore drill)'],
    ['--all', 'every app with a PostgreSQL database, on every server (or on the one --server names)'],
    ['--json', 'the result as JSON'],
  ],
  examples: [
    'hms backup cigar',
    'hms backup cigar --drill --json',
    'hms backup --all --json',
    'hms backup pull cigar   # the latest dump, checked, as ./cigar-<id>.dump',
  ],
};

export const backupsHelp: CommandHelp = {
  name: 'backups',
  summary: "An app's database backups (id, when, kind, size, added size, row counts), the databases restores kept, the offsite copy",
  usage: ['hms backups <app> [--offsite] [--fetch <offsite-id>]', 'hms backups drop <app> <name> [--yes]'],
  flags: [
    ['--offsite', "the snapshots in the offsite repository (on another server) instead of the server's own"],
    ['--fetch <id>', "copy that offsite snapshot into the server's own repository (a rebuilt server), then list them"],
    ['--json', 'the list as JSON'],
    ['--yes, -y', 'drop: do not ask first'],
  ],
  examples: [
    'hms backups cigar',
    'hms backups cigar --offsite',
    'hms backups cigar --fetch 1a2b3c4d --json',
    'hms backups drop cigar cigar_before_restore_20260125180211',
  ],
};
