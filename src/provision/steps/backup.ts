/**
 * The local backup repository of a server with apps (their PostgreSQL or SQLite databases): Debian's
 * restic, one repository at /var/backups/hms/restic (root only) and its password from
 * backup_passwords.local of .secrets.json in a root-only file the agent reads. The
 * password reaches restic through that file only, never argv nor the output.
 */
import { HmsError } from '../../core/errors.js';
import { diffFiles, type ManagedFile, writeFiles } from '../files.js';
import type { Host } from '../host.js';
import { PATHS, type ProvisionInput } from '../input.js';
import type { Step } from '../step.js';
import { installPackage, packageInstalled } from '../debian-package.js';

export const RESTIC_PACKAGE = 'restic';
export const BACKUP_ROOT = '/var/backups/hms';
export const LOCAL_REPOSITORY = `${BACKUP_ROOT}/restic`;
export const LOCAL_PASSWORD_FILE = `${PATHS.configDir}/restic-local.pass`;

const INSTALL = `${RESTIC_PACKAGE}: install (Debian's)`;
const INIT = `${LOCAL_REPOSITORY}: restic init (root only)`;
const FOLDERS = `${LOCAL_REPOSITORY}: mode 700, root only`;

/** The plan has this step when the server has apps: each one's database (PostgreSQL or SQLite) is backed up. */
export const wantsBackups = (input: Pick<ProvisionInput, 'apps'>): boolean => input.apps.length > 0;

/** The argv that makes the repository; the password is read by restic from the file. */
export const resticInitArgv = (): string[] => ['restic', 'init', '--repo', LOCAL_REPOSITORY, '--password-file', LOCAL_PASSWORD_FILE];

function passwordFile(input: ProvisionInput): ManagedFile {
  const password = input.secrets.backup_passwords.local;
  if (!password) throw new HmsError('.secrets.json has no backup_passwords.local.', { hint: 'Run `hms secrets init` to add it.' });
  return { path: LOCAL_PASSWORD_FILE, content: `${password}\n`, mode: 0o600, owner: 'root', group: 'root', redact: 'whole' };
}

/** "config" when the repository exists, and the folder's mode and owner ("700 root"). */
async function repositoryState(host: Host): Promise<{ initialised: boolean; folder: string }> {
  const config = await host.run(['test', '-f', `${LOCAL_REPOSITORY}/config`]);
  const folder = await host.run(['stat', '-c', '%a %U', '--', LOCAL_REPOSITORY]);
  return { initialised: config.code === 0, folder: folder.code === 0 ? folder.stdout.trim() : 'missing' };
}

const WHY = [
  "Backups of the apps' PostgreSQL databases go into a restic repository on the server (encrypted, deduplicated,",
  'with retention and integrity checks of its own): /var/backups/hms/restic, readable by root only. Its password is',
  'backup_passwords.local of .secrets.json, kept on the server in a root-only file that the agent gives restic;',
  'without it the repository cannot be read, so keep .secrets.json safe. A password that changes after the',
  'repository exists is refused: restic would no longer open it.',
].join(' ');

export function backupStep(input: ProvisionInput): Step {
  return {
    id: 'backups',
    title: 'Backups: the local restic repository',
    doc: {
      why: WHY,
      commands: [
        `DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${RESTIC_PACKAGE}`,
        `install -m 600 -o root -g root /dev/stdin ${LOCAL_PASSWORD_FILE}   # backup_passwords.local`,
        `install -d -m 700 -o root -g root ${BACKUP_ROOT} ${LOCAL_REPOSITORY}`,
        resticInitArgv().join(' '),
      ],
      verify: [`restic snapshots --repo ${LOCAL_REPOSITORY} --password-file ${LOCAL_PASSWORD_FILE}`, `hms backups <app>`],
    },
    async check(host) {
      const file = passwordFile(input);
      if (!(await packageInstalled(host, RESTIC_PACKAGE))) return [INSTALL, `${file.path}: create`, FOLDERS, INIT];
      const state = await repositoryState(host);
      const changes = await diffFiles(host, [file]);
      if (state.initialised && changes.some((change) => change.startsWith(`${file.path}: content`))) {
        throw new HmsError(`backup_passwords.local of .secrets.json does not open the repository ${LOCAL_REPOSITORY} on ${host.name}.`, {
          hint:
            'Put back the password the repository was made with (restic cannot open it with another), ' +
            'or add the new one to it with `restic key add` on the server first.',
        });
      }
      return [
        ...changes,
        ...(state.folder !== '700 root' ? [`${FOLDERS} (now ${state.folder})`] : []),
        ...(state.initialised ? [] : [INIT]),
      ];
    },
    async apply(host, changes) {
      if (changes.includes(INSTALL)) {
        await installPackage(host, RESTIC_PACKAGE, 'Installing restic');
      }
      const file = passwordFile(input);
      await writeFiles(host, [file], await diffFiles(host, [file]));
      await host.must(['install', '-d', '-m', '700', '-o', 'root', '-g', 'root', '--', BACKUP_ROOT, LOCAL_REPOSITORY], 'mkdir backups');
      if (!(await repositoryState(host)).initialised) await host.must(resticInitArgv(), 'restic init', { timeoutMs: 120_000 });
    },
  };
}
