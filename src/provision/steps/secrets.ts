import { fileSteps, type ManagedFile } from '../files.js';
import { PATHS, type ProvisionInput } from '../input.js';
import { appEnvFileContent, appEnvVariables } from '../app-env.js';
import type { Step } from '../step.js';

const deploy = PATHS.deployUser;

export function authorizedKeysStep(input: ProvisionInput): Step {
  const file: ManagedFile = {
    path: `/home/${deploy}/.ssh/authorized_keys`,
    content: `${input.authorizedKeys.join('\n')}\n`,
    mode: 0o600,
    owner: deploy,
    group: deploy,
  };
  return {
    id: 'authorized-keys',
    title: `SSH keys allowed to log in as ${deploy}`,
    doc: {
      why: "The laptop's public key, so hms can reach the server as the deploy user.",
      commands: [`install -m 600 -o ${deploy} -g ${deploy} <your public key> ${file.path}`],
      verify: [`ssh ${deploy}@<server> true`],
    },
    ...fileSteps(() => (input.authorizedKeys.length > 0 ? [file] : [])),
  };
}

export function deployKeyStep(input: ProvisionInput): Step {
  const files: ManagedFile[] = input.deployKey
    ? [
        {
          path: `/home/${deploy}/.ssh/deploy_key`,
          content: input.deployKey.endsWith('\n') ? input.deployKey : `${input.deployKey}\n`,
          mode: 0o600,
          owner: deploy,
          group: deploy,
          redact: 'whole',
        },
      ]
    : [];
  return {
    id: 'deploy-key',
    title: 'The git deploy key',
    doc: {
      why: "Deploys fetch each app's repository with this key (read-only on the git host). It is never printed.",
      commands: [`install -m 600 -o ${deploy} -g ${deploy} deployment_key /home/${deploy}/.ssh/deploy_key`],
      verify: [`sudo -u ${deploy} ssh -i /home/${deploy}/.ssh/deploy_key -T git@<git host>`],
    },
    ...fileSteps(() => files),
  };
}

/**
 * One systemd EnvironmentFile per app: secrets reach puma without touching the app's
 * folder. RAILS_LOG_TO_STDOUT stays unset so Rails logs to log/production.log, which
 * each release links to shared/log/. A PostgreSQL app also gets DATABASE_URL, which
 * Rails prefers to what database.yml says; an app with Redis, REDIS_URL; then its
 * settings (app-env.ts).
 */
export function appEnvFiles(input: ProvisionInput): ManagedFile[] {
  return input.apps.map(([name]) => ({
    path: appEnvPath(name),
    content: appEnvFileContent(name, appEnvVariables(input, name)),
    mode: 0o600,
    owner: 'root',
    group: 'root',
    redact: 'env' as const,
  }));
}

export const appEnvPath = (app: string): string => `${PATHS.envDir}/${app}.env`;

export function appEnvStep(input: ProvisionInput): Step {
  return {
    id: 'app-secrets',
    title: "Each app's secrets as a 0600 environment file",
    doc: {
      why:
        'SECRET_KEY_BASE and DATABASE_PASSWORD from .secrets.json (and DATABASE_URL for a PostgreSQL app, REDIS_URL ' +
        'for an app with Redis), then the plain settings of apps.<name>.env and the secret ones of app_env.<name>, ' +
        "quoted so that systemd reads each value back verbatim; read by systemd (as root) when it starts the app's " +
        'processes; mode 0600, owned by root. A step at the end restarts the running processes of an app whose file changed.',
      commands: input.apps.map(
        ([name]) => `install -m 600 -o root -g root /dev/stdin ${appEnvPath(name)}   # RAILS_ENV, SECRET_KEY_BASE, ..., settings`,
      ),
      verify: [`stat -c '%a %U' ${PATHS.envDir}/*.env   # 600 root`],
    },
    ...fileSteps(() => appEnvFiles(input)),
  };
}
