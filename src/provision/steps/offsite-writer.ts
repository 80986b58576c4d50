/**
 * On the server whose backups are copied offsite: the key it logs in with, the keeping
 * server's host keys as it dials it, the repository's password (root-only files), and
 * the repository itself, made once with the local repository's chunker parameters.
 * Provision the keeping server first: until it has the user and key, this step fails
 * and says so.
 */
import { HmsError } from '../../core/errors.js';
import { offsiteResticUrl } from '../../core/offsite.js';
import { hostPattern } from '../../ssh/known-hosts.js';
import { diffFiles, type ManagedFile, writeFiles } from '../files.js';
import type { Host } from '../host.js';
import type { ProvisionInput } from '../input.js';
import type { Step } from '../step.js';
import { LOCAL_PASSWORD_FILE, LOCAL_REPOSITORY } from './backup.js';
import { OFFSITE_DIR, OFFSITE_KNOWN_HOSTS, OFFSITE_PASSWORD_FILE, offsiteKeyFile, offsiteSecrets, offsiteSshCommand } from './offsite.js';

type Target = NonNullable<ProvisionInput['offsiteTarget']>;

function writerFiles(input: ProvisionInput, target: Target): ManagedFile[] {
  const { password, key } = offsiteSecrets(input, target.repository);
  const root = { mode: 0o600, owner: 'root', group: 'root' } as const;
  const dialled = hostPattern(target.host, target.port);
  return [
    {
      path: offsiteKeyFile(target.repository),
      content: key.private_key.endsWith('\n') ? key.private_key : `${key.private_key}\n`,
      ...root,
      redact: 'whole',
    },
    { path: OFFSITE_PASSWORD_FILE, content: `${password}\n`, ...root, redact: 'whole' },
    { path: OFFSITE_KNOWN_HOSTS, content: target.hostKeys.map((k) => `${dialled} ${k.type} ${k.base64}\n`).join(''), ...root, mode: 0o644 },
  ];
}

/** restic's argv against the offsite repository (the password and ssh command from files and options, never argv secrets). */
export const offsiteResticArgv = (target: Target, ...args: string[]): string[] => [
  'restic',
  '--repo',
  offsiteResticUrl(target.repository, target.host),
  '--password-file',
  OFFSITE_PASSWORD_FILE,
  '-o',
  `sftp.command=${offsiteSshCommand(target)}`,
  ...args,
];

/** "ok", "missing" (no repository there yet), or restic's own words when it cannot be reached or opened. */
async function repositoryState(host: Host, target: Target): Promise<{ state: 'ok' | 'missing' | 'error'; detail: string }> {
  const result = await host.run(offsiteResticArgv(target, 'cat', 'config'), { timeoutMs: 60_000 });
  if (result.code === 0) return { state: 'ok', detail: '' };
  const detail = result.stderr.trim().split('\n').slice(-3).join(' / ');
  const missing = /does not exist|unable to open config file|no such file/i.test(detail) && !/Permission denied|Host key/i.test(detail);
  return { state: missing ? 'missing' : 'error', detail };
}

function unreachable(target: Target, detail: string): HmsError {
  const wrongPassword = /wrong password/i.test(detail);
  return new HmsError(`The offsite repository on ${target.server} (${target.host}:${target.port}) cannot be opened: ${detail}`, {
    hint: wrongPassword
      ? `Put back the offsite password the repository was made with in .secrets.json (backup_passwords.offsite-${target.repository}).`
      : `Provision ${target.server} first (\`hms provision ${target.server}\`: it makes the user and authorizes the key), ` +
        `check that this server reaches ${target.host}:${target.port}, then run this again.`,
  });
}

export function offsiteWriterStep(input: ProvisionInput): Step {
  const target = input.offsiteTarget!;
  const url = offsiteResticUrl(target.repository, target.host);
  const INIT = `${url}: restic init (chunker parameters of ${LOCAL_REPOSITORY})`;
  return {
    id: 'offsite',
    title: `Backups: the offsite copy on ${target.server}`,
    doc: {
      why:
        `Every backup is copied (restic copy) into a repository on ${target.server} over SFTP, so that losing this server ` +
        'loses no data. The key, the password and the keeping server host keys are root-only files; ssh checks the host key.',
      commands: [
        `install -d -m 700 ${OFFSITE_DIR}`,
        `install -m 600 /dev/stdin ${offsiteKeyFile(target.repository)}   # offsite_keys.${target.repository}`,
        `install -m 600 /dev/stdin ${OFFSITE_PASSWORD_FILE}   # backup_passwords.offsite-${target.repository}`,
        `install -m 644 /dev/stdin ${OFFSITE_KNOWN_HOSTS}   # ${target.server}'s host keys, from the laptop's known_hosts`,
        `restic --repo ${url} init --copy-chunker-params --from-repo ${LOCAL_REPOSITORY} --from-password-file ${LOCAL_PASSWORD_FILE}`,
      ],
      verify: [`restic --repo ${url} --password-file ${OFFSITE_PASSWORD_FILE} -o sftp.command="…" snapshots`],
    },
    async check(host) {
      const files = writerFiles(input, target);
      const changes = await diffFiles(host, files);
      if (changes.length > 0) return [...changes, INIT];
      const { state, detail } = await repositoryState(host, target);
      if (state === 'error') throw unreachable(target, detail);
      return state === 'missing' ? [INIT] : [];
    },
    async apply(host) {
      await host.must(['install', '-d', '-m', '700', '-o', 'root', '-g', 'root', '--', OFFSITE_DIR], `mkdir ${OFFSITE_DIR}`);
      const files = writerFiles(input, target);
      await writeFiles(host, files, await diffFiles(host, files));
      const { state, detail } = await repositoryState(host, target);
      if (state === 'error') throw unreachable(target, detail);
      if (state === 'missing') {
        const init = offsiteResticArgv(target, 'init', '--copy-chunker-params', '--from-repo', LOCAL_REPOSITORY);
        await host.must([...init, '--from-password-file', LOCAL_PASSWORD_FILE], 'restic init (offsite)', { timeoutMs: 120_000 });
      }
    },
  };
}
