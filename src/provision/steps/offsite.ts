/**
 * Offsite copies of the backups, over SFTP between two configured servers. The keeping
 * server gets, per repository, a user of its own whose one key may only speak SFTP
 * (`restrict` + sftp-server as forced command) and whose home, root-readable only by
 * it, holds the repository. The writing server gets that key, the keeper's host keys
 * as it dials it (checked, never learnt on first use), the repository's password, and
 * the repository itself, made with the local one's chunker parameters so that copies
 * deduplicate.
 */
import { HmsError } from '../../core/errors.js';
import { OFFSITE_ROOT, offsiteHome, offsitePasswordKey, offsiteResticUrl, offsiteSshKey, offsiteUser } from '../../core/offsite.js';
import { diffFiles, type ManagedFile, writeFiles } from '../files.js';
import { PATHS, type ProvisionInput } from '../input.js';
import type { Step } from '../step.js';
import { installPackage, packageInstalled } from '../debian-package.js';

const SFTP_PACKAGE = 'openssh-sftp-server';
const SFTP_SERVER = '/usr/lib/openssh/sftp-server';
export const OFFSITE_DIR = `${PATHS.configDir}/offsite`;
export const OFFSITE_PASSWORD_FILE = `${OFFSITE_DIR}/restic.pass`;
export const OFFSITE_KNOWN_HOSTS = `${OFFSITE_DIR}/known_hosts`;
export const offsiteKeyFile = (repository: string): string => `${OFFSITE_DIR}/${repository}.key`;

export function offsiteSecrets(
  input: ProvisionInput,
  repository: string,
): { password: string; key: { private_key: string; public_key: string } } {
  const password = input.secrets.backup_passwords[`offsite-${repository}`];
  const key = input.secrets.offsite_keys[repository];
  if (!password || !key) {
    throw new HmsError(`.secrets.json has no ${offsitePasswordKey(repository)} or ${offsiteSshKey(repository)}.`, {
      hint: 'Run `hms secrets init` to add them.',
    });
  }
  return { password, key };
}

/** The command restic runs to reach the repository: the key, the known hosts, nothing asked. */
export function offsiteSshCommand(target: NonNullable<ProvisionInput['offsiteTarget']>): string {
  return [
    'ssh',
    ...['-i', offsiteKeyFile(target.repository), '-o', `UserKnownHostsFile=${OFFSITE_KNOWN_HOSTS}`, '-o', 'StrictHostKeyChecking=yes'],
    ...['-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'ConnectTimeout=20', '-o', 'ServerAliveInterval=30'],
    ...['-p', String(target.port), `${offsiteUser(target.repository)}@${target.host}`, '-s', 'sftp'],
  ].join(' ');
}

/** What the agent config says about the copy (server/config.ts backups.offsite). */
export function offsiteAgentConfig(input: ProvisionInput) {
  const target = input.offsiteTarget;
  if (!target) return undefined;
  return {
    server: target.server,
    repository: offsiteResticUrl(target.repository, target.host),
    passwordFile: OFFSITE_PASSWORD_FILE,
    sshCommand: offsiteSshCommand(target),
  };
}

function keeperFiles(kept: NonNullable<ProvisionInput['offsiteKept']>): ManagedFile[] {
  return kept.map(({ repository, publicKey }) => ({
    path: `${offsiteHome(repository)}/.ssh/authorized_keys`,
    content: `restrict,command="${SFTP_SERVER}" ${publicKey.trim()}\n`,
    mode: 0o600,
    owner: offsiteUser(repository),
    group: offsiteUser(repository),
  }));
}

/** On the keeping server: one SFTP-only user and folder per repository it keeps. */
export function offsiteKeeperStep(input: ProvisionInput): Step {
  const kept = input.offsiteKept ?? [];
  return {
    id: 'offsite-keeper',
    title: `Offsite backups kept here: ${kept.map((k) => k.repository).join(', ')}`,
    doc: {
      why:
        'Another server copies its backups here (restic over SFTP). Each repository has a user of its own, whose one key ' +
        'can only open an SFTP session (restrict, forced sftp-server) and whose home (mode 700) holds the repository.',
      commands: [
        `apt-get install -y --no-install-recommends ${SFTP_PACKAGE}`,
        `install -d -m 755 -o root -g root ${OFFSITE_ROOT}`,
        'useradd --system --user-group --home-dir <home> --shell /bin/sh <user>   # per repository',
        'install -d -m 700 -o <user> -g <user> <home> <home>/.ssh',
        `echo 'restrict,command="${SFTP_SERVER}" <the writer's public key>' > <home>/.ssh/authorized_keys`,
      ],
      verify: [`ls -l ${OFFSITE_ROOT}`, 'id <user>'],
    },
    async check(host) {
      const changes: string[] = [];
      if (!(await packageInstalled(host, SFTP_PACKAGE))) changes.push(`${SFTP_PACKAGE}: install`);
      for (const { repository } of kept) {
        const user = offsiteUser(repository);
        if ((await host.run(['id', '-u', user])).code !== 0) changes.push(`${user}: create (home ${offsiteHome(repository)})`);
        const mode = await host.run(['stat', '-c', '%a %U', '--', offsiteHome(repository), `${offsiteHome(repository)}/.ssh`]);
        if (mode.stdout.trim() !== `700 ${user}\n700 ${user}`) changes.push(`${offsiteHome(repository)}: mode 700, owner ${user}`);
      }
      const missingUsers = changes.some((change) => change.includes(': create (home'));
      return [...changes, ...(missingUsers ? keeperFiles(kept).map((f) => `${f.path}: create`) : await diffFiles(host, keeperFiles(kept)))];
    },
    async apply(host, changes) {
      if (changes.includes(`${SFTP_PACKAGE}: install`)) {
        await installPackage(host, SFTP_PACKAGE, `Installing ${SFTP_PACKAGE}`);
      }
      await host.must(['install', '-d', '-m', '755', '-o', 'root', '-g', 'root', '--', OFFSITE_ROOT], `mkdir ${OFFSITE_ROOT}`);
      for (const { repository } of kept) {
        const user = offsiteUser(repository);
        const home = offsiteHome(repository);
        if ((await host.run(['id', '-u', user])).code !== 0) {
          await host.must(['useradd', '--system', '--user-group', '--home-dir', home, '--shell', '/bin/sh', user], `useradd ${user}`);
        }
        await host.must(['install', '-d', '-m', '700', '-o', user, '-g', user, '--', home, `${home}/.ssh`], `mkdir ${home}`);
      }
      const files = keeperFiles(kept);
      await writeFiles(host, files, await diffFiles(host, files));
    },
  };
}
