import type { Command } from './command.js';
import { actionCommands } from './app-action.js';
import { alertsCommand } from './alerts.js';
import { auditCommand } from './audit.js';
import { backupCommand, backupsCommand } from './backup.js';
import { certsCommand } from './certs.js';
import { configCommand } from './config.js';
import { doctorCommand } from './doctor.js';
import { deployHostingApiCommand } from './deploy-hosting-api.js';
import { disconnectCommand } from './disconnect.js';
import { deployCommand, lockCommand, releasesCommand, rollbackCommand, unlockCommand } from './deploy.js';
import { fullDeployCommand } from './full-deploy.js';
import { provisionCommand } from './provision.js';
import { restoreCommand } from './restore.js';
import { updateHostingApiCommand } from './update-hosting-api.js';
import { initCommand } from './init.js';
import { consoleCommand } from './console.js';
import { envCommand } from './env.js';
import { execCommand } from './exec.js';
import { logsCommand } from './logs.js';
import { maintenanceCommand } from './maintenance.js';
import { runCommand } from './run.js';
import { schedulesCommand } from './schedules.js';
import { loginCommand, logoutCommand } from './login.js';
import { metricsCommand } from './metrics.js';
import { secretsCommand } from './secrets.js';
import { sharedCommand } from './shared.js';
import { statusCommand } from './status.js';
import { trustCommand } from './trust.js';

/** Every one-shot command, in the order the help lists them. */
export const commands: Command[] = [
  statusCommand,
  ...actionCommands,
  logsCommand,
  configCommand,
  runCommand,
  execCommand,
  envCommand,
  consoleCommand,
  deployCommand,
  releasesCommand,
  rollbackCommand,
  lockCommand,
  unlockCommand,
  maintenanceCommand,
  backupCommand,
  backupsCommand,
  restoreCommand,
  schedulesCommand,
  alertsCommand,
  metricsCommand,
  auditCommand,
  doctorCommand,
  provisionCommand,
  certsCommand,
  sharedCommand,
  deployHostingApiCommand,
  updateHostingApiCommand,
  fullDeployCommand,
  initCommand,
  trustCommand,
  loginCommand,
  logoutCommand,
  disconnectCommand,
  secretsCommand,
];

export function findCommand(name: string): Command | undefined {
  return commands.find((command) => command.name === name);
}
