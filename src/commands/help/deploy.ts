import type { CommandHelp } from '../../core/command-help.js';

export const deployHelp: CommandHelp = {
  name: 'deploy',
  summary: 'Deploy an app: its tests here first, then each step as it runs; rolled back when unhealthy',
  usage: ['hms deploy <app> [--ref REF]', '  [--reason TEXT] [--skip-tests] [--json]'],
  flags: [
    ['--ref REF', "the branch, tag or commit to deploy (default: the app's branch)"],
    ['--reason TEXT', 'why, for the audit log and the release list'],
    ['--skip-tests', "do not run the app's tests here first (recorded in the audit log)"],
    ['--json', 'one result at the end instead of each step as it runs'],
  ],
  examples: ['hms deploy cigar', 'hms deploy cigar --ref v1.4.2 --reason "invoice fix"'],
};

export const releasesHelp: CommandHelp = {
  name: 'releases',
  summary: "An app's releases on the server: sha, when, by whom, health, migrations; → marks current",
  usage: ['hms releases <app>'],
  flags: [],
  examples: ['hms releases cigar', 'hms releases cigar --json'],
};

export const rollbackHelp: CommandHelp = {
  name: 'rollback',
  summary: 'Back to the previous release (or the one named), health-checked; the database stays',
  usage: ['hms rollback <app> [release] [--restore-database] [--yes]'],
  flags: [
    ['--yes, -y', 'do not ask first'],
    ['--reason TEXT', 'why, for the audit log'],
    ['--restore-database', "first restore the backup taken before the current release's migrations (the replaced database is kept)"],
  ],
  examples: ['hms rollback cigar', 'hms rollback cigar 20261125180211 --yes', 'hms rollback cigar --restore-database'],
};

export const lockHelp: CommandHelp = {
  name: 'lock',
  summary: 'Lock deploys of an app (who, when, why) until `hms unlock`; without --reason, show the lock',
  usage: ['hms lock <app> [--reason TEXT]'],
  flags: [['--reason TEXT', 'lock, and say why; without it, show the lock']],
  examples: ['hms lock cigar', 'hms lock cigar --reason "database migration in progress"'],
};

export const unlockHelp: CommandHelp = {
  name: 'unlock',
  summary: "Remove an app's deploy lock (a manual or stale one)",
  usage: ['hms unlock <app>'],
  flags: [],
  examples: ['hms unlock cigar'],
};
