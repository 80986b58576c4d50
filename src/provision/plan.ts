import type { ProvisionInput } from './input.js';
import type { Step } from './step.js';
import { acmeStep } from './steps/acme.js';
import { agentConfigStep } from './steps/agent-config.js';
import { backupStep, wantsBackups } from './steps/backup.js';
import { backupScheduleStep } from './steps/backup-schedule.js';
import { databaseStep, wantsPostgres } from './steps/database.js';
import { offsiteKeeperStep } from './steps/offsite.js';
import { redisStep } from './steps/redis.js';
import { restartAppsStep } from './steps/restart-apps.js';
import { wantsRedis } from './redis.js';
import { offsiteWriterStep } from './steps/offsite-writer.js';
import { appEnvStep, authorizedKeysStep, deployKeyStep } from './steps/secrets.js';
import { schedulesStep } from './steps/schedules.js';
import { sharedFilesStep } from './steps/shared.js';
import { deployUserStep, foldersStep, packagesStep } from './steps/system.js';
import { logrotateStep, unitsStep } from './steps/units.js';
import { tlsStep } from './steps/tls.js';
import { nginxStep, pumaStep } from './steps/web.js';
import { loadTemplates } from './template-set.js';

/** The provisioning plan: the same input always gives the same steps, in this order. */
export async function provisioningPlan(input: ProvisionInput): Promise<Step[]> {
  const t = await loadTemplates();
  return [
    packagesStep(input),
    deployUserStep(),
    foldersStep(input),
    authorizedKeysStep(input),
    deployKeyStep(input),
    appEnvStep(input),
    ...(wantsPostgres(input) ? [databaseStep(input)] : []),
    ...(wantsRedis(input) ? [redisStep(input)] : []),
    ...(wantsBackups(input) ? [backupStep(input), backupScheduleStep(input, t)] : []),
    ...(wantsBackups(input) && input.offsiteTarget ? [offsiteWriterStep(input)] : []),
    ...((input.offsiteKept?.length ?? 0) > 0 ? [offsiteKeeperStep(input)] : []),
    agentConfigStep(input),
    sharedFilesStep(input),
    pumaStep(input, t),
    tlsStep(input),
    nginxStep(input, t),
    unitsStep(input, t),
    schedulesStep(input, t),
    logrotateStep(input, t),
    // After the units and Redis: the restarted processes find what their new settings point at.
    restartAppsStep(input),
    // Last: a CA that cannot validate a site must not hold back the rest of the server.
    acmeStep(input, t),
  ];
}
