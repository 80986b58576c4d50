import { agentBackups } from '../../config/backups.js';
import { webProcessOf, workersOf } from '../../config/app-extras.js';
import type { AppConfig } from '../../config/schema.js';
import { agentAlerts, agentAlertSecrets } from '../alerts.js';
import { diffFiles, writeFiles, type ManagedFile } from '../files.js';
import { PATHS, appRoot, type ProvisionInput } from '../input.js';
import { sharedFilesOf, sqlitePath } from '../shared-files.js';
import type { Step } from '../step.js';
import { wantsBackups } from './backup.js';
import { offsiteAgentConfig } from './offsite.js';
import { schedulesOf } from './schedule-files.js';
import { AGENT_UNIT } from './units.js';

/** One app as the agent sees it (server/config.ts agentAppSchema): what it runs, and how deploys fetch and link it. */
export function agentApp(name: string, app: AppConfig) {
  const root = appRoot(name);
  return {
    unit: `${name}.service`,
    root,
    health: { socket: `${root}/shared/tmp/sockets/puma.sock`, path: app.healthPath },
    logFiles: Object.fromEntries(Object.entries(app.logFiles).map(([log, file]) => [log, file.startsWith('/') ? file : `${root}/${file}`])),
    repo: app.repo,
    branch: app.branch,
    keepReleases: app.keepReleases,
    sharedFiles: sharedFilesOf(app),
    sharedDirs: app.sharedDirs,
    processes: Object.fromEntries(
      workersOf(app).map((w) => [
        w.name,
        { unit: `${name}-${w.name}.service`, quietSignal: w.quietSignal, settleSeconds: w.settleSeconds },
      ]),
    ),
    releaseTasks: app.releaseTasks.map((task) => ({
      name: task.name,
      argv: task.command,
      when: task.when,
      timeoutSeconds: task.timeoutSeconds,
    })),
    ...(app.database.adapter === 'sqlite3' ? { sqlite: sqlitePath(name) } : {}),
    ...((app.webCommand ?? webProcessOf(app)) ? { webCommand: app.webCommand ?? webProcessOf(app) } : {}),
    ...(Object.keys(app.schedules).length > 0 ? { schedules: agentSchedules(name, app) } : {}),
  };
}

/** An app's schedules as the agent lists and runs them (agentAppSchema.schedules). */
function agentSchedules(name: string, app: AppConfig) {
  return Object.fromEntries(
    schedulesOf({ apps: [[name, app]] }).map((s) => [
      s.name,
      { unit: s.unit, timer: s.timer, when: s.config.when, timeoutSeconds: s.config.timeoutSeconds, overlap: s.config.overlap },
    ]),
  );
}

export function agentConfigFiles(input: ProvisionInput): ManagedFile[] {
  const apps = Object.fromEntries(input.apps.map(([name, app]) => [name, agentApp(name, app)]));
  const offsite = wantsBackups(input) ? offsiteAgentConfig(input) : undefined;
  const alerts = agentAlerts(input);
  const alertChannels = agentAlertSecrets(input);
  const config = {
    listen: { host: '127.0.0.1', port: input.server.agentPort },
    ...(input.server.publicUrl ? { publicUrl: input.server.publicUrl } : {}),
    stateDir: PATHS.stateDir,
    secretsFile: PATHS.agentSecrets,
    scriptsDir: `${PATHS.installDir}/current/remote-cli-tools`,
    apps,
    nginx: { sites: [...input.apps.map(([name]) => name), 'hosting'] },
    ...(wantsBackups(input) ? { backups: { ...agentBackups(input.server.backups), ...(offsite ? { offsite } : {}) } } : {}),
    ...(alerts ? { alerts } : {}),
  };
  const m = input.secrets.hosting_management;
  const secrets = {
    hosting_management: {
      admin_username: m.admin_username,
      admin_password: m.admin_password,
      jwt_secret: m.jwt_secret,
      api_token: m.api_token,
    },
    ...(Object.keys(alertChannels).length > 0 ? { alert_channels: alertChannels } : {}),
  };
  return [
    { path: PATHS.agentConfig, content: `${JSON.stringify(config, null, 2)}\n`, mode: 0o600, owner: 'root', group: 'root' },
    {
      path: PATHS.agentSecrets,
      content: `${JSON.stringify(secrets, null, 2)}\n`,
      mode: 0o600,
      owner: 'root',
      group: 'root',
      redact: 'json',
    },
  ];
}

export function agentConfigStep(input: ProvisionInput): Step {
  return {
    id: 'agent-config',
    title: "The agent's configuration and credentials",
    doc: {
      why:
        'What the agent manages (apps, units, health sockets, nginx sites), ' +
        "each app's repository, branch, shared files and folders, log files and releases kept, " +
        'and the hosting_management section of .secrets.json (login, session key, API token), both 0600 root. ' +
        "With `alerts` in hms.config.json, agent.json's `alerts` holds the incidents watcher's settings and channels " +
        '(named after this server), and the secrets file the alert_channels secrets (signing key, URL, SMTP password).',
      commands: [
        `hms-agent --example-config > ${PATHS.agentConfig}   # then edit; mode 600`,
        `install -m 600 /dev/stdin ${PATHS.agentSecrets}   # {"hosting_management": {...}, "alert_channels": {...}}`,
        `systemctl try-restart ${AGENT_UNIT}   # a running agent reads the new files`,
      ],
      verify: [`stat -c '%a %U' ${PATHS.agentConfig} ${PATHS.agentSecrets}   # 600 root`],
    },
    check: (host) => diffFiles(host, agentConfigFiles(input)),
    async apply(host, changes) {
      await writeFiles(host, agentConfigFiles(input), changes);
      // The agent reads its configuration when it starts; one that is not running yet starts later with it.
      const active = await host.run(['systemctl', 'is-active', AGENT_UNIT]);
      if (active.stdout.trim() === 'active') await host.must(['systemctl', 'restart', AGENT_UNIT], `restart ${AGENT_UNIT}`);
    },
  };
}
