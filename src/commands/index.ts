/**
 * The commands `hms` knows: each one's help (name, summary, usage, flags, examples) is here,
 * its `run` in a module imported only when that command runs, so `hms --version`, `hms --help`
 * and one command load only what they need (and esbuild gives each module its own chunk).
 */
import type { Command, CommandHelp } from './command.js';
import { actionHelps } from './help/index.js';
import { alertsHelp } from './help/index.js';
import { auditHelp } from './help/index.js';
import { backupHelp, backupsHelp } from './help/index.js';
import { certsHelp } from './help/index.js';
import { configHelp } from './help/index.js';
import { consoleHelp } from './help/index.js';
import { deployHelp, releasesHelp, rollbackHelp, lockHelp, unlockHelp } from './help/index.js';
import { deployHostingApiHelp } from './help/index.js';
import { doctorHelp } from './help/index.js';
import { envHelp } from './help/index.js';
import { execHelp } from './help/index.js';
import { fullDeployHelp } from './help/index.js';
import { initHelp } from './help/index.js';
import { loginHelp, logoutHelp } from './help/index.js';
import { logsHelp } from './help/index.js';
import { maintenanceHelp } from './help/index.js';
import { metricsHelp } from './help/index.js';
import { provisionHelp } from './help/index.js';
import { restoreHelp } from './help/index.js';
import { runHelp } from './help/index.js';
import { schedulesHelp } from './help/index.js';
import { secretsHelp } from './help/index.js';
import { sharedHelp } from './help/index.js';
import { statusHelp } from './help/index.js';
import { trustHelp } from './help/index.js';
import { disconnectHelp } from './help/index.js';
import { updateHostingApiHelp } from './help/index.js';

/** A command as the help knows it; `load` imports the module that runs it. */
export interface LazyCommand extends CommandHelp {
  load(): Promise<Command>;
}

const lazy = (help: CommandHelp, load: () => Promise<Command>): LazyCommand => ({ ...help, load });

const action = (name: keyof typeof actionHelps): LazyCommand =>
  lazy(actionHelps[name], async () => (await import('./app-action.js')).actionCommands.find((command) => command.name === name)!);

/** Every one-shot command, in the order the help lists them. */
export const commands: LazyCommand[] = [
  lazy(statusHelp, async () => (await import('./status.js')).statusCommand),
  action('start'),
  action('stop'),
  action('restart'),
  action('reload'),
  lazy(logsHelp, async () => (await import('./logs.js')).logsCommand),
  lazy(configHelp, async () => (await import('./config.js')).configCommand),
  lazy(runHelp, async () => (await import('./run.js')).runCommand),
  lazy(execHelp, async () => (await import('./exec.js')).execCommand),
  lazy(envHelp, async () => (await import('./env.js')).envCommand),
  lazy(consoleHelp, async () => (await import('./console.js')).consoleCommand),
  lazy(deployHelp, async () => (await import('./deploy.js')).deployCommand),
  lazy(releasesHelp, async () => (await import('./deploy.js')).releasesCommand),
  lazy(rollbackHelp, async () => (await import('./deploy.js')).rollbackCommand),
  lazy(lockHelp, async () => (await import('./deploy.js')).lockCommand),
  lazy(unlockHelp, async () => (await import('./deploy.js')).unlockCommand),
  lazy(maintenanceHelp, async () => (await import('./maintenance.js')).maintenanceCommand),
  lazy(backupHelp, async () => (await import('./backup.js')).backupCommand),
  lazy(backupsHelp, async () => (await import('./backup.js')).backupsCommand),
  lazy(restoreHelp, async () => (await import('./restore.js')).restoreCommand),
  lazy(schedulesHelp, async () => (await import('./schedules.js')).schedulesCommand),
  lazy(alertsHelp, async () => (await import('./alerts.js')).alertsCommand),
  lazy(metricsHelp, async () => (await import('./metrics.js')).metricsCommand),
  lazy(auditHelp, async () => (await import('./audit.js')).auditCommand),
  lazy(doctorHelp, async () => (await import('./doctor.js')).doctorCommand),
  lazy(provisionHelp, async () => (await import('./provision.js')).provisionCommand),
  lazy(certsHelp, async () => (await import('./certs.js')).certsCommand),
  lazy(sharedHelp, async () => (await import('./shared.js')).sharedCommand),
  lazy(deployHostingApiHelp, async () => (await import('./deploy-hosting-api.js')).deployHostingApiCommand),
  lazy(updateHostingApiHelp, async () => (await import('./update-hosting-api.js')).updateHostingApiCommand),
  lazy(fullDeployHelp, async () => (await import('./full-deploy.js')).fullDeployCommand),
  lazy(initHelp, async () => (await import('./init.js')).initCommand),
  lazy(trustHelp, async () => (await import('./trust.js')).trustCommand),
  lazy(disconnectHelp, async () => (await import('./disconnect.js')).disconnectCommand),
  lazy(loginHelp, async () => (await import('./login.js')).loginCommand),
  lazy(logoutHelp, async () => (await import('./login.js')).logoutCommand),
  lazy(secretsHelp, async () => (await import('./secrets.js')).secretsCommand),
];

/** The command named, its module loaded; undefined for a name no command has. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  return commands.find((command) => command.name === name)?.load();
}
