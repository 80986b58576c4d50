import { HmsError } from '../../core/errors.js';
import type { AppConfig } from '../../config/schema.js';
import type { ProvisionInput } from '../input.js';
import { PATHS, appRoot } from '../input.js';
import type { Step } from '../step.js';

/** What Rails apps need to build and run, the agent's Node.js, and the tools the steps use. */
export const PACKAGES = [
  'nginx',
  'ruby',
  'ruby-dev',
  'ruby-bundler',
  'puma',
  'build-essential',
  'git',
  'nodejs',
  'libsqlite3-dev',
  'sqlite3',
  'libpq-dev',
  'postgresql-client',
  'libyaml-dev',
  'zlib1g-dev',
  'curl',
  'ca-certificates',
  'openssl',
  'logrotate',
  'procps',
];

/** The standard set, then the server's own `packages` (config), each once. */
export function packagesFor(input: Pick<ProvisionInput, 'server'>): string[] {
  return [...new Set([...PACKAGES, ...input.server.packages])];
}

export function packagesStep(input: ProvisionInput): Step {
  const packages = packagesFor(input);
  return {
    id: 'packages',
    title: 'System packages',
    doc: {
      why:
        'nginx, Ruby with what Rails apps need to build native gems, puma and bundler, git for deploys, ' +
        'Node.js for the agent, the database clients.',
      commands: ['apt-get update', `DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages.join(' ')}`],
      verify: ['dpkg-query -W nginx ruby nodejs git', 'node --version   # v18 or later'],
    },
    async check(host) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format, not a template
      const result = await host.run(['dpkg-query', '-W', '-f=${Package} ${db:Status-Status}\\n', ...packages]);
      const installed = new Set(
        result.stdout
          .split('\n')
          .filter((line) => line.endsWith(' installed'))
          .map((line) => line.split(' ')[0]),
      );
      return packages.filter((name) => !installed.has(name)).map((name) => `install ${name}`);
    },
    async apply(host, changes) {
      const missing = changes.map((change) => change.replace(/^install /, ''));
      const env = ['env', 'DEBIAN_FRONTEND=noninteractive'];
      await host.must([...env, 'apt-get', 'update', '-q'], 'apt-get update');
      await host
        .must([...env, 'apt-get', 'install', '-y', '-q', '--no-install-recommends', ...missing], `apt-get install ${missing.join(' ')}`)
        .catch((error: unknown) => {
          throw unknownPackage(error, input) ?? error;
        });
    },
  };
}

/** apt's "Unable to locate package X" as what to change; apt installs nothing when one is unknown. */
function unknownPackage(error: unknown, input: ProvisionInput): HmsError | undefined {
  const name = /Unable to locate package (\S+)/.exec((error as Error).message)?.[1];
  if (!name) return undefined;
  const where = input.server.packages.includes(name)
    ? `\`servers.${input.serverName}.packages\` in hms.config.json`
    : 'the standard package set';
  return new HmsError(
    `${(error as Error).message}\nThe package ${name} is not known to apt on ${input.serverName}; nothing was installed.`,
    {
      hint:
        `Check the name in ${where} (\`apt-cache search ${name}\` on the server), ` +
        `then run \`hms provision ${input.serverName}\` again.`,
    },
  );
}

export function deployUserStep(): Step {
  const user = PATHS.deployUser;
  return {
    id: 'deploy-user',
    title: `The ${user} user`,
    doc: {
      why: `Apps run and are deployed as ${user}, never as root.`,
      commands: [`useradd --create-home --shell /bin/bash ${user}`],
      verify: [`id ${user}`],
    },
    async check(host) {
      return (await host.run(['id', '-u', user])).code === 0 ? [] : [`create user ${user}`];
    },
    async apply(host) {
      await host.must(['useradd', '--create-home', '--shell', '/bin/bash', user], `useradd ${user}`);
    },
  };
}

interface Folder {
  path: string;
  mode: string;
  owner: string;
}

export function folders(input: ProvisionInput): Folder[] {
  const deploy = PATHS.deployUser;
  const app = (name: string, config: AppConfig): Folder[] =>
    [
      ...new Set([
        '',
        '/releases',
        '/shared',
        '/shared/log',
        '/shared/tmp',
        '/shared/tmp/sockets',
        '/shared/tmp/pids',
        '/shared/config',
        '/shared/public',
        ...(config.database.adapter === 'sqlite3' ? ['/shared/db'] : []),
        ...config.sharedDirs.map((dir) => `/shared/${dir}`),
      ]),
    ].map((sub) => ({ path: `${appRoot(name)}${sub}`, mode: '755', owner: deploy }));
  return [
    { path: PATHS.appsRoot, mode: '755', owner: 'root' },
    ...input.apps.flatMap(([name, config]) => app(name, config)),
    { path: `/home/${deploy}/.ssh`, mode: '700', owner: deploy },
    { path: PATHS.installDir, mode: '755', owner: 'root' },
    { path: `${PATHS.installDir}/releases`, mode: '755', owner: 'root' },
    { path: PATHS.configDir, mode: '750', owner: 'root' },
    { path: PATHS.envDir, mode: '750', owner: 'root' },
    { path: PATHS.stateDir, mode: '750', owner: 'root' },
    { path: `${PATHS.stateDir}/provisioned`, mode: '700', owner: 'root' },
    { path: '/etc/nginx/ssl', mode: '755', owner: 'root' },
  ];
}

// Fixed script; the folders are its arguments.
const INSPECT_DIRS = 'for d in "$@"; do if [ -d "$d" ]; then stat -c "%a %U %n" -- "$d"; else printf "missing - %s\\n" "$d"; fi; done';

export function foldersStep(input: ProvisionInput): Step {
  const list = folders(input);
  return {
    id: 'folders',
    title: 'Folders for apps, releases, the agent and its state',
    doc: {
      why:
        'Each app gets releases/ and shared/ (logs, sockets, pids, config) owned by deploy; ' +
        'the agent gets its install, config and state folders. Nothing here is ever deleted.',
      commands: list.map((f) => `install -d -m ${f.mode} -o ${f.owner} -g ${f.owner} ${f.path}`),
      verify: [
        `ls -ld ${list
          .map((f) => f.path)
          .slice(0, 3)
          .join(' ')} ...`,
      ],
    },
    async check(host) {
      const output = await host.must(['sh', '-c', INSPECT_DIRS, 'inspect', ...list.map((f) => f.path)], 'Reading the folders');
      const seen = new Map(
        output
          .split('\n')
          .filter(Boolean)
          .map((line) => {
            const [mode, owner, ...rest] = line.split(' ');
            return [rest.join(' '), { mode, owner }] as const;
          }),
      );
      return list.flatMap((f) => {
        const state = seen.get(f.path);
        if (!state || state.mode === 'missing') return [`${f.path}: create`];
        return state.mode !== f.mode || state.owner !== f.owner ? [`${f.path}: ${state.mode} ${state.owner} -> ${f.mode} ${f.owner}`] : [];
      });
    },
    async apply(host, changes) {
      const targets = new Set(changes.map((c) => c.slice(0, c.indexOf(': '))));
      for (const f of list.filter((folder) => targets.has(folder.path))) {
        await host.must(['install', '-d', '-m', f.mode, '-o', f.owner, '-g', f.owner, f.path], `create ${f.path}`);
      }
    },
  };
}
