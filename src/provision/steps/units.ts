import { diffFiles, fileSteps, writeFiles, type ManagedFile } from '../files.js';
import { PATHS, appRoot, type ProvisionInput } from '../input.js';
import type { Step } from '../step.js';
import type { Templates } from '../template-set.js';

export const AGENT_UNIT = 'hms-agent.service';
/** How an app's unit starts puma: the app's own bundle (puma.rb prunes it so phased restarts load each release's). */
export const PUMA_COMMAND = '/usr/bin/bundle exec puma';

export function unitFiles(input: ProvisionInput, t: Templates): ManagedFile[] {
  const unit = (name: string, content: string): ManagedFile => ({ path: `${PATHS.units}/${name}`, content, mode: 0o644, owner: 'root', group: 'root' });
  return [
    ...input.apps.map(([name]) =>
      unit(
        `${name}.service`,
        t.fill('systemd/app.service', { app: name, user: PATHS.deployUser, root: appRoot(name), envFile: `${PATHS.envDir}/${name}.env`, pumaCommand: PUMA_COMMAND }),
      ),
    ),
    unit(AGENT_UNIT, t.fill('systemd/hms-agent.service', { nodeBinary: '/usr/bin/node', installDir: PATHS.installDir, configFile: PATHS.agentConfig, stateDir: PATHS.stateDir })),
  ];
}

export function unitsStep(input: ProvisionInput, t: Templates): Step {
  const files = () => unitFiles(input, t);
  const units = () => files().map((f) => f.path.slice(f.path.lastIndexOf('/') + 1));
  return {
    id: 'systemd-units',
    title: 'systemd units for each app and the agent',
    doc: {
      why: 'Apps and the agent restart on failure and start at boot. An app starts once it has a release (`hms deploy <app>`); the agent once it is installed (`hms deploy-hosting-api`).',
      commands: [...units().map((u) => `templates/systemd/${u === AGENT_UNIT ? 'hms-agent' : 'app'}.service -> ${PATHS.units}/${u}`), 'systemctl daemon-reload', `systemctl enable ${units().join(' ')}`],
      verify: [`systemctl is-enabled ${units().join(' ')}`],
    },
    async check(host) {
      const changes = await diffFiles(host, files());
      const enabled = await host.run(['systemctl', 'is-enabled', ...units()]);
      const states = enabled.stdout.trim().split('\n');
      units().forEach((unit, i) => {
        if (states[i] !== 'enabled') changes.push(`${unit}: enable`);
      });
      return changes;
    },
    async apply(host, changes) {
      await writeFiles(host, files(), changes);
      await host.must(['systemctl', 'daemon-reload'], 'systemctl daemon-reload');
      await host.must(['systemctl', 'enable', '--quiet', ...units()], 'systemctl enable');
    },
  };
}

export function logrotateStep(input: ProvisionInput, t: Templates): Step {
  const file: ManagedFile = { path: '/etc/logrotate.d/hms', content: t.fill('logrotate/hms', { appRoots: PATHS.appsRoot, stateDir: PATHS.stateDir }), mode: 0o644, owner: 'root', group: 'root' };
  return {
    id: 'logrotate',
    title: 'Log rotation for app and agent logs',
    doc: {
      why: `Daily rotation of ${PATHS.appsRoot}/*/shared/log/*.log (14 kept) and weekly of the agent's audit log (12 kept), compressed, with copytruncate so nothing restarts.`,
      commands: [`templates/logrotate/hms -> /etc/logrotate.d/hms`],
      verify: ['logrotate --debug /etc/logrotate.d/hms'],
    },
    ...fileSteps(() => [file]),
  };
}
