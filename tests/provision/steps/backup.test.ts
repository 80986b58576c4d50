/**
 * The backup step's plan on a server held in memory (dpkg, the password file, the
 * repository folder): a stand-in at the host door because restic and root-owned
 * /var/backups cannot be made here; tests/e2e/backups.e2e.test.ts runs the step on a
 * real server. Every command is recorded, to check that the password is in none.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Host } from '../../../src/provision/host.js';
import { provisioningPlan } from '../../../src/provision/plan.js';
import { backupStep, LOCAL_PASSWORD_FILE, LOCAL_REPOSITORY } from '../../../src/provision/steps/backup.js';
import type { RemoteExecResult } from '../../../src/ssh/remote-exec.js';
import { CIGAR, inputFor } from '../../support/provision-input.js';

const pg = { ...CIGAR, database: { adapter: 'postgresql' } };

function backupHost() {
  const state = { installed: false, initialised: false, folder: 'missing', files: new Map<string, { content: string; mode: number }>() };
  const commands: string[][] = [];
  const result = (code: number, stdout = ''): RemoteExecResult => ({
    argv: [],
    code,
    stdout,
    stderr: '',
    signal: null,
    timedOut: false,
    aborted: false,
    truncated: false,
  });
  const answer = (argv: readonly string[]): RemoteExecResult => {
    const [command] = argv;
    if (command === 'dpkg-query') return state.installed ? result(0, 'installed') : result(1);
    if (command === 'test') return result(state.initialised ? 0 : 1);
    if (command === 'stat') return state.folder === 'missing' ? result(1) : result(0, `${state.folder}\n`);
    if (command === 'cat') return result(0, state.files.get(argv.at(-1)!)?.content ?? '');
    if (command === 'sh' && argv[3] === 'inspect') {
      const lines = argv.slice(4).map((path) => {
        const file = state.files.get(path);
        if (!file) return `missing - - - ${path}`;
        return `${createHash('sha256').update(file.content).digest('hex')} ${file.mode.toString(8)} root root ${path}`;
      });
      return result(0, lines.join('\n'));
    }
    if (argv.includes('apt-get') && argv.includes('install')) state.installed = true;
    if (command === 'install' && argv[1] === '-d') state.folder = '700 root';
    if (command === 'restic' && argv[1] === 'init') state.initialised = true;
    return result(0);
  };
  const host: Host = {
    name: 'test',
    async run(argv) {
      commands.push([...argv]);
      return answer(argv);
    },
    async must(argv, what) {
      const ran = await host.run(argv);
      if (ran.code !== 0) throw new Error(`${what} failed`);
      return ran.stdout;
    },
    async upload(content, path, mode) {
      state.files.set(path, { content: content.toString(), mode });
    },
  };
  return { host, state, commands };
}

describe('the backup step', () => {
  it('Given a SQLite app only, When the plan is made, Then its file is backed up too: the backup step and its password', async () => {
    const input = await inputFor({ cigar: CIGAR });
    expect((await provisioningPlan(input)).map((step) => step.id)).toContain('backups');
    expect(input.secrets.backup_passwords.local!.length).toBeGreaterThanOrEqual(32);
  });

  it('Given no apps, When the plan is made, Then there is no backup step and no backup password is asked for', async () => {
    const input = await inputFor({});
    expect((await provisioningPlan(input)).map((step) => step.id)).not.toContain('backups');
    expect(input.secrets.backup_passwords.local).toBeUndefined();
  });

  it(
    'Given a PostgreSQL app and a bare server, When the step runs twice, ' +
      'Then restic is installed, the password file is root only, the repository is made once, and the password is in no argv',
    async () => {
      const input = await inputFor({ cigar: pg });
      const password = input.secrets.backup_passwords.local!;
      expect(password.length).toBeGreaterThanOrEqual(32);
      expect((await provisioningPlan(input)).map((step) => step.id)).toContain('backups');
      const { host, state, commands } = backupHost();
      const step = backupStep(input);
      const changes = await step.check(host);
      expect(changes).toEqual([
        "restic: install (Debian's)",
        `${LOCAL_PASSWORD_FILE}: create`,
        `${LOCAL_REPOSITORY}: mode 700, root only`,
        `${LOCAL_REPOSITORY}: restic init (root only)`,
      ]);
      await step.apply(host, changes);
      expect(state.files.get(LOCAL_PASSWORD_FILE)).toEqual({ content: `${password}\n`, mode: 0o600 });
      expect(commands).toContainEqual([
        'install',
        '-d',
        '-m',
        '700',
        '-o',
        'root',
        '-g',
        'root',
        '--',
        '/var/backups/hms',
        LOCAL_REPOSITORY,
      ]);
      expect(commands).toContainEqual(['restic', 'init', '--repo', LOCAL_REPOSITORY, '--password-file', LOCAL_PASSWORD_FILE]);
      expect(await step.check(host)).toEqual([]);
      expect(commands.filter((argv) => argv[0] === 'restic')).toHaveLength(1);
      expect(commands.some((argv) => argv.some((arg) => arg.includes(password)))).toBe(false);
    },
  );

  it(
    'Given a repository made with another password, When the step checks, ' + 'Then it refuses rather than lock the repository away',
    async () => {
      const input = await inputFor({ cigar: pg });
      const { host, state } = backupHost();
      Object.assign(state, { installed: true, initialised: true, folder: '700 root' });
      state.files.set(LOCAL_PASSWORD_FILE, { content: 'the-old-password-made-the-repository\n', mode: 0o600 });
      await expect(backupStep(input).check(host)).rejects.toThrow(/does not open the repository/);
    },
  );
});
