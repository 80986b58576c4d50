import { changedPath, diffFiles, fileSteps, writeFiles, type ManagedFile } from '../files.js';
import { PATHS, appRoot, type ProvisionInput } from '../input.js';
import type { Step } from '../step.js';
import type { Templates } from '../template-set.js';
import { keepFolder, RETIRE, retire, unwantedUnits } from '../retire.js';
import { workersOf } from '../../config/app-extras.js';
import type { AppConfig } from '../../config/schema.js';
import { systemdArgv } from '../../core/systemd-quote.js';

export const AGENT_UNIT = 'hms-agent.service';
/**
 * What every app's unit runs (templates/systemd/web-start): the command the agent
 * chose for the release, from shared/config/web-command, argv one word per line.
 */
export const WEB_START = '/usr/local/lib/hms/web-start';
/** The line every worker's unit file carries (templates/systemd/process.service). */
const WORKER_MARKER = '# hms-worker:';
/** What every worker's unit runs (templates/systemd/process-start): its argv, in the current release. */
export const PROCESS_START = '/usr/local/lib/hms/process-start';

const rootFile = (path: string, content: string, mode = 0o644): ManagedFile => ({ path, content, mode, owner: 'root', group: 'root' });

/** An app's service and the socket it takes over from systemd (kept open across restarts). */
export function appUnitFiles(name: string, t: Templates): ManagedFile[] {
  const values = { app: name, user: PATHS.deployUser, root: appRoot(name), envFile: `${PATHS.envDir}/${name}.env`, launcher: WEB_START };
  return [
    rootFile(`${PATHS.units}/${name}.service`, t.fill('systemd/app.service', values)),
    rootFile(`${PATHS.units}/${name}.socket`, t.fill('systemd/app.socket', values)),
  ];
}

/** One unit per worker (apps.<name>.processes but web): `<app>-<process>.service`. */
export function workerUnitFiles(name: string, app: AppConfig, t: Templates): ManagedFile[] {
  return workersOf(app).map((worker) =>
    rootFile(
      `${PATHS.units}/${name}-${worker.name}.service`,
      t.fill('systemd/process.service', {
        app: name,
        process: worker.name,
        user: PATHS.deployUser,
        root: appRoot(name),
        envFile: `${PATHS.envDir}/${name}.env`,
        launcher: PROCESS_START,
        command: systemdArgv(worker.command),
        stopTimeoutSeconds: String(worker.stopTimeoutSeconds),
        settleSeconds: String(worker.settleSeconds),
        serviceType: worker.notify ? 'notify' : 'simple',
      }),
    ),
  );
}

export function webStartFile(t: Templates): ManagedFile {
  return rootFile(WEB_START, t.fill('systemd/web-start', {}), 0o755);
}

const launchers = (t: Templates): ManagedFile[] => [webStartFile(t), rootFile(PROCESS_START, t.fill('systemd/process-start', {}), 0o755)];

export function unitFiles(input: ProvisionInput, t: Templates): ManagedFile[] {
  return [
    ...launchers(t),
    ...input.apps.flatMap(([name, app]) => [...appUnitFiles(name, t), ...workerUnitFiles(name, app, t)]),
    rootFile(
      `${PATHS.units}/${AGENT_UNIT}`,
      t.fill('systemd/hms-agent.service', {
        nodeBinary: '/usr/bin/node',
        installDir: PATHS.installDir,
        configFile: PATHS.agentConfig,
        stateDir: PATHS.stateDir,
      }),
    ),
  ];
}

function templateOf(file: string, name: string, input: ProvisionInput): string {
  if (file === WEB_START) return 'web-start';
  if (file === PROCESS_START) return 'process-start';
  if (name === AGENT_UNIT) return 'hms-agent.service';
  return input.apps.some(([app]) => name === `${app}.service` || name === `${app}.socket`)
    ? `app${name.slice(name.lastIndexOf('.'))}`
    : 'process.service';
}

export function unitsStep(input: ProvisionInput, t: Templates): Step {
  const files = () => unitFiles(input, t);
  // Services only: an app's socket is started by its service (Wants=), never alone.
  const units = () =>
    files()
      .map((f) => f.path.slice(f.path.lastIndexOf('/') + 1))
      .filter((name) => name.endsWith('.service'));
  const sources = () =>
    files().map((f) => {
      const name = f.path.slice(f.path.lastIndexOf('/') + 1);
      const template = templateOf(f.path, name, input);
      return `templates/systemd/${template} -> ${f.path}`;
    });
  return {
    id: 'systemd-units',
    title: 'systemd units for each app, its workers and the agent',
    doc: {
      why:
        'Apps and the agent restart on failure and start at boot. ' +
        'An app starts once it has a release (`hms deploy <app>`); the agent once it is installed (`hms deploy-hosting-api`). ' +
        "An app's unit runs the web-start launcher, which runs the command its deploy chose " +
        "(puma from the bundle, the system's puma, or webCommand), on a socket systemd keeps open across restarts. " +
        "Each worker (apps.<name>.processes, e.g. Sidekiq) is a unit of its own, <app>-<process>.service, started by the app's deploys; " +
        'one removed from the config is stopped, disabled, and its file kept in /var/lib/hms/replaced/.',
      commands: [
        `mkdir -p ${WEB_START.slice(0, WEB_START.lastIndexOf('/'))}`,
        ...sources(),
        'systemctl daemon-reload',
        `systemctl enable ${units().join(' ')}`,
        `systemctl try-restart ${AGENT_UNIT}   # when its unit changed: a running agent keeps its old flags`,
      ],
      verify: [`systemctl is-enabled ${units().join(' ')}`],
    },
    async check(host) {
      const changes = await diffFiles(host, files());
      const wanted = new Set(units());
      for (const unit of await unwantedUnits(host, 'service', WORKER_MARKER, wanted)) changes.push(`${unit}${RETIRE}`);
      const enabled = await host.run(['systemctl', 'is-enabled', ...units()]);
      const states = enabled.stdout.trim().split('\n');
      units().forEach((unit, i) => {
        if (states[i] !== 'enabled') changes.push(`${unit}: enable`);
      });
      return changes;
    },
    async apply(host, changes) {
      await host.must(['mkdir', '-p', '--', WEB_START.slice(0, WEB_START.lastIndexOf('/'))], 'mkdir for web-start');
      await writeFiles(host, files(), changes);
      const keep = keepFolder();
      for (const change of changes.filter((c) => c.endsWith(RETIRE))) {
        const unit = change.slice(0, change.indexOf(':'));
        await retire(host, [unit], [`${PATHS.units}/${unit}`], keep);
      }
      await host.must(['systemctl', 'daemon-reload'], 'systemctl daemon-reload');
      await host.must(['systemctl', 'enable', '--quiet', ...units()], 'systemctl enable');
      // A running agent keeps the command line and environment it started with: restart it
      // onto a changed unit (Node's flags, its environment). One not running starts later with it.
      if (changes.some((change) => changedPath(change) === `${PATHS.units}/${AGENT_UNIT}`)) {
        await host.must(['systemctl', 'try-restart', AGENT_UNIT], `restart ${AGENT_UNIT} onto its new unit`);
      }
    },
  };
}

export function logrotateStep(input: ProvisionInput, t: Templates): Step {
  const file: ManagedFile = {
    path: '/etc/logrotate.d/hms',
    content: t.fill('logrotate/hms', { appRoots: PATHS.appsRoot, stateDir: PATHS.stateDir }),
    mode: 0o644,
    owner: 'root',
    group: 'root',
  };
  return {
    id: 'logrotate',
    title: 'Log rotation for app and agent logs',
    doc: {
      why:
        `Daily rotation of ${PATHS.appsRoot}/*/shared/log/*.log (14 kept) and weekly of the agent's audit log (12 kept), ` +
        'compressed, with copytruncate so nothing restarts.',
      commands: [`templates/logrotate/hms -> /etc/logrotate.d/hms`],
      verify: ['logrotate --debug /etc/logrotate.d/hms'],
    },
    ...fileSteps(() => [file]),
  };
}
