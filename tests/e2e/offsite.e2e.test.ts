/**
 * Offsite backups through `hms` alone, on three real servers: `prod` serves cigar (the
 * sample app, deployed) on PostgreSQL and copies every backup over SFTP into a
 * repository on `vault`; a copy that cannot reach vault keeps the local backup and is
 * made up by the next one; then prod is destroyed, and a third server provisioned from
 * bare takes over prod's offsite repository, fetches the latest backup and restores it:
 * its site serves the rows prod had. The git host stands in for GitHub (git-host.ts).
 *
 * Each test server has a route to the host only, so the servers reach vault's sshd
 * through a TCP relay on the host side of their own veth (tests/support/tcp-relay.ts),
 * as servers reach each other over a private network: `offsite.host`/`port` in the
 * config are that address. Stopping the relay is vault becoming unreachable.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupListSchema, backupResultSchema, restoreResultSchema } from '../../src/api/backups.js';
import { runHms } from '../support/run-hms.js';
import { startRelay, type TcpRelay } from '../support/tcp-relay.js';
import { startTestServer, type TestServer, testServerSupport } from '../support/test-server.js';
import { type GitHost, startGitHost } from './git-host.js';
import { siteRequest } from './site-client.js';
import { timedAs } from '../support/timed.js';

const support = testServerSupport();
const VAULT_REPOSITORY = '/var/backups/hms-offsite/prod';

describe.skipIf(!support.ok)('offsite backups on another server, and a rebuilt server restored from them', { timeout: 1_200_000 }, () => {
  let dir = '';
  let prod: TestServer;
  let vault: TestServer;
  let rebuilt: TestServer;
  const relays: TcpRelay[] = [];
  const hms = (args: string[]) => runHms(args, { cwd: dir, env: { HMS_NO_KEYCHAIN: '1' } });
  const secrets = async () => JSON.parse(await readFile(path.join(dir, '.secrets.json'), 'utf8'));
  const config = async () => JSON.parse(await readFile(path.join(dir, 'hms.config.json'), 'utf8'));
  const saveConfig = (value: unknown) => writeFile(path.join(dir, 'hms.config.json'), JSON.stringify(value, null, 2));
  const gitHosts: GitHost[] = [];
  const visits = async (server: TestServer) => {
    const answer = await siteRequest(server.host, 'http://cigar.test/visits');
    expect(answer.status, answer.body.slice(0, 300)).toBe(200);
    return (JSON.parse(answer.body) as Array<{ path: string }>).map((visit) => visit.path);
  };
  const addVisit = async (server: TestServer, visit: string) =>
    expect((await siteRequest(server.host, `http://cigar.test/visits?path=${visit}`, { method: 'POST' })).status).toBe(201);
  /** The sample app from a git host the server reaches, with Debian's gems (the server has no route to rubygems.org). */
  const deployable = async (server: TestServer) => {
    const git = await startGitHost(server.hostSideAddress);
    gitHosts.push(git);
    await git.create('cigar', {}, 'one');
    return { repo: git.url('cigar'), packages: ['ruby-rails', 'ruby-sqlite3', 'ruby-pg'] };
  };
  const ok = (run: { code: number; stdout: string; stderr: string }) => expect(run.code, run.stderr + run.stdout).toBe(0);
  const timed = timedAs('offsite');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hms-offsite-'));
    const booted = await Promise.all([1, 2, 3].map(() => startTestServer({ aptCache: true })));
    [prod, vault, rebuilt] = booted as [TestServer, TestServer, TestServer];
    // One laptop key that every server's root accepts, and the three host keys it trusts.
    await copyFile(prod.identityFile, path.join(dir, 'id_ed25519'));
    await copyFile(`${prod.identityFile}.pub`, path.join(dir, 'id_ed25519.pub'));
    const publicKey = await readFile(`${prod.identityFile}.pub`, 'utf8');
    for (const server of [vault, rebuilt]) await server.exec(['sh', '-c', 'cat >> /root/.ssh/authorized_keys'], { input: publicKey });
    const knownHosts = await Promise.all([prod, vault, rebuilt].map((server) => readFile(server.knownHostsFile, 'utf8')));
    await writeFile(path.join(dir, 'known_hosts'), knownHosts.join(''));
    for (const server of [prod, rebuilt]) relays.push(await startRelay(server.hostSideAddress, { host: vault.host, port: 22 }));
    const server = (s: TestServer) => ({ host: s.host, identityFile: 'id_ed25519', knownHostsFile: 'known_hosts' });
    const { repo, packages } = await deployable(prod);
    await saveConfig({
      servers: {
        prod: { ...server(prod), packages, offsite: { server: 'vault', host: relays[0]!.host, port: relays[0]!.port } },
        vault: server(vault),
      },
      apps: { cigar: { server: 'prod', repo, domain: 'cigar.test', database: { adapter: 'postgresql' } } },
    });
    ok(await hms(['secrets', 'init']));
  }, 300_000);
  afterAll(async () => {
    for (const relay of relays) await relay.close();
    for (const git of gitHosts) await git.stop();
    await Promise.all([prod, vault, rebuilt].map((server) => server?.stop()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'Given prod copying its backups to vault, When both are provisioned (vault first), ' +
      'Then vault keeps an SFTP-only repository for prod, prod made it, and a second provision changes nothing',
    async () => {
      ok(await timed('full-deploy vault', () => hms(['full-deploy', 'vault'])));
      const run = await timed('full-deploy prod', () => hms(['full-deploy', 'prod']));
      ok(run);
      expect(run.stderr).toMatch(/● Backups: the offsite copy on vault/);
      const { backup_passwords: passwords, offsite_keys: keys } = await secrets();
      for (const output of [run.stdout, run.stderr]) {
        expect(output.includes(passwords['offsite-prod'])).toBe(false);
        expect(output.includes(keys.prod.private_key.split('\n')[1])).toBe(false);
      }
      const owner = await vault.exec(['stat', '-c', '%a %U', VAULT_REPOSITORY, `${VAULT_REPOSITORY}/restic/config`]);
      expect(owner.stdout.trim().split('\n')[0]).toBe('700 hms-offsite-prod');
      const authorized = await vault.exec(['cat', `${VAULT_REPOSITORY}/.ssh/authorized_keys`]);
      expect(authorized.stdout).toMatch(/^restrict,command="\/usr\/lib\/openssh\/sftp-server" ssh-ed25519 /);
      // The key opens SFTP and nothing else: a shell command through it gets the sftp server, not a shell.
      const shell = await prod.exec([
        'sh',
        '-c',
        'ssh -i /etc/hosting-api/offsite/prod.key -o UserKnownHostsFile=/etc/hosting-api/offsite/known_hosts ' +
          `-o BatchMode=yes -p ${relays[0]!.port} hms-offsite-prod@${relays[0]!.host} id </dev/null`,
      ]);
      expect(shell.stdout).not.toMatch(/uid=/);

      for (const name of ['vault', 'prod']) {
        const again = await hms(['provision', name]);
        ok(again);
        expect(again.stdout).toMatch(/every step up to date; nothing changed/);
      }
      ok(await timed('deploy cigar on prod', () => hms(['deploy', 'cigar'])));
    },
  );

  it(
    'Given rows written through the site, When `hms backup cigar` runs, Then the snapshot is copied to vault with its row counts, ' +
      'and with vault unreachable the local backup is kept, the copy marked failed, and the next backup makes it up',
    async () => {
      for (const visit of ['first', 'second']) await addVisit(prod, visit);
      const first = backupResultSchema.parse(
        JSON.parse((await timed('backup + offsite copy', () => hms(['backup', 'cigar', '--json']))).stdout),
      );
      expect(first.ok, first.error).toBe(true);
      expect(first.offsite).toMatchObject({ server: 'vault', ok: true });
      const offsite = backupListSchema.parse(JSON.parse((await hms(['backups', 'cigar', '--offsite', '--json'])).stdout));
      // The deploy's pre-migration backup (an empty database) was copied too.
      expect(offsite.snapshots.map((snapshot) => [snapshot.kind, snapshot.rows?.visits])).toEqual([
        ['pre-migration', undefined],
        ['manual', 2],
      ]);

      await relays[0]!.close();
      await addVisit(prod, 'third');
      const cut = await hms(['backup', 'cigar', '--json']);
      const unreachable = backupResultSchema.parse(JSON.parse(cut.stdout));
      expect(unreachable.ok).toBe(true);
      expect(unreachable.offsite?.ok).toBe(false);
      expect(unreachable.offsite?.error).toMatch(/restic copy to vault failed/);
      const human = await hms(['backups', 'cigar']);
      expect(human.stdout.match(/ manual /g)).toHaveLength(2);
      const status = await hms(['status', 'cigar']);
      expect(status.stdout).toMatch(/offsite copy to vault failed .* \(the next backup retries\)/);

      await relays[0]!.open();
      const next = backupResultSchema.parse(JSON.parse((await hms(['backup', 'cigar', '--json'])).stdout));
      expect(next.offsite?.ok, next.offsite?.error).toBe(true);
      const all = backupListSchema.parse(JSON.parse((await hms(['backups', 'cigar', '--offsite', '--json'])).stdout));
      expect(all.snapshots.map((s) => s.rows?.visits)).toEqual([undefined, 2, 3, 3]);
    },
  );

  it(
    'Given prod destroyed, When a bare server is provisioned in its place taking over its offsite repository, ' +
      'Then the latest offsite backup, fetched and restored there with `hms restore`, serves exactly the rows prod had',
    async () => {
      const expected = await visits(prod);
      expect(expected).toEqual(['first', 'second', 'third']);
      await prod.stop();
      const { repo, packages } = await deployable(rebuilt);
      const next = await config();
      delete next.servers.prod;
      next.servers.rebuilt = {
        host: rebuilt.host,
        identityFile: 'id_ed25519',
        knownHostsFile: 'known_hosts',
        packages,
        offsite: { server: 'vault', repository: 'prod', host: relays[1]!.host, port: relays[1]!.port },
      };
      next.apps.cigar = { ...next.apps.cigar, server: 'rebuilt', repo };
      await saveConfig(next);
      ok(await timed('full-deploy of the rebuilt server', () => hms(['full-deploy', 'rebuilt'])));
      ok(await timed('deploy cigar on the rebuilt server', () => hms(['deploy', 'cigar'])));
      expect(await visits(rebuilt)).toEqual([]);

      const offsite = backupListSchema.parse(JSON.parse((await hms(['backups', 'cigar', '--offsite', '--json'])).stdout));
      expect(new Set(offsite.snapshots.map((snapshot) => snapshot.host)).size).toBe(2);
      expect((await hms(['backups', 'cigar', '--offsite'])).stdout.split('\n')[1]).toMatch(/^ID\s+WHEN\s+HOST\s+KIND/);
      // The rebuilt server's own first backup (before its migrations, an empty database) went there too: prod's latest is before it.
      const latest = offsite.snapshots.filter((snapshot) => snapshot.rows?.visits === 3).at(-1)!;
      const fetched = await timed('fetch from vault', () => hms(['backups', 'cigar', '--fetch', latest.shortId, '--json']));
      ok(fetched);
      const here = backupListSchema.parse(JSON.parse(fetched.stdout)).snapshots.find((s) => s.rows?.visits === 3);
      expect(here, fetched.stdout).toBeDefined();
      const restored = await timed('restore on the rebuilt server', () => hms(['restore', 'cigar', here!.shortId, '--yes', '--json']));
      ok(restored);
      expect(restoreResultSchema.parse(JSON.parse(restored.stdout))).toMatchObject({ ok: true });
      expect(await visits(rebuilt)).toEqual(expected);
    },
  );
});
