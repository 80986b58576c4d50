import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRootfs } from './rootfs.js';
import { serverCgroups } from './test-server-cgroup.js';
import { mountsUnder } from './test-server-mounts.js';
import { RUN_DIR, vethName } from './test-server-paths.js';
import { withLock } from './test-server-lock.js';
import { cmdline, findTool, run } from './test-server-process.js';
import { startTestServer, testServerSupport, type TestServer } from './test-server.js';

const support = testServerSupport();
if (!support.ok) console.log(`[test-server] skipping the test server suite: ${support.reason}`);

// OpenSSH exactly as a person would use it, with nothing from ~/.ssh or /etc/ssh.
function ssh(server: TestServer, knownHostsFile: string, command: string[]) {
  return run(
    [
      'ssh',
      '-F',
      '/dev/null',
      '-i',
      server.identityFile,
      '-o',
      `UserKnownHostsFile=${knownHostsFile}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=10',
      '-p',
      String(server.port),
      `${server.user}@${server.host}`,
      '--',
      ...command,
    ],
    { timeoutMs: 60_000 },
  );
}

function processesMentioning(text: string): string[][] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => cmdline(Number(pid)) ?? [])
    .filter((argv) => argv.some((arg) => arg.includes(text)));
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

describe.skipIf(!support.ok)('a disposable test server', () => {
  let cached: TestServer; // with the apt cache
  let bare: TestServer; // without, started alongside

  beforeAll(async () => {
    const { buildMs } = await ensureRootfs();
    if (buildMs !== undefined) console.log(`[test-server] rootfs build: ${seconds(buildMs)}`);
    // Started together, as parallel vitest workers would, to exercise the address lock.
    const results = await Promise.allSettled([startTestServer({ aptCache: true }), startTestServer()]);
    const [first, second] = results;
    if (first?.status === 'fulfilled') cached = first.value;
    if (second?.status === 'fulfilled') bare = second.value;
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const server of [cached, bare]) {
      console.log(
        `[test-server] ${server.name}: copy ${seconds(server.timings.copyMs)}, boot to ssh ${seconds(server.timings.bootToSshMs)}`,
      );
    }
  });

  afterAll(async () => {
    await Promise.all([cached?.stop(), bare?.stop()]);
  });

  it('Given a started server, When OpenSSH connects in strict host key mode, Then the key verifies and systemd is running', async () => {
    const result = await ssh(cached, cached.knownHostsFile, ['systemctl', 'is-system-running', '--wait']);

    expect(result.stderr).not.toMatch(/verification failed/i);
    expect(result).toMatchObject({ code: 0, stdout: 'running\n' });
  });

  it('Given the fingerprint reported for a server, Then it is the one of the key that server actually holds', async () => {
    const inside = await cached.exec(['ssh-keygen', '-lf', '/etc/ssh/ssh_host_ed25519_key.pub']);

    expect(cached.hostKeyFingerprint).toMatch(/^SHA256:/);
    expect(inside.stdout.split(' ')[1]).toBe(cached.hostKeyFingerprint);
  });

  it("Given another server's host key under this server's address, When OpenSSH connects, Then it refuses", async () => {
    const wrong = join(dirname(cached.identityFile), 'wrong_known_hosts');
    await writeFile(wrong, readFileSync(bare.knownHostsFile, 'utf8').replace(bare.host, cached.host));

    const result = await ssh(cached, wrong, ['true']);

    expect(bare.hostKeyFingerprint).not.toBe(cached.hostKeyFingerprint);
    expect(result.code).toBe(255);
    expect(result.stderr).toMatch(/host key verification failed/i);
  });

  it('Given a server, When exec runs argv through nsenter, Then it runs inside the container with input and exit code', async () => {
    expect((await cached.exec(['hostname'])).stdout).toBe(`${cached.name}\n`);
    expect((await cached.exec(['cat'], { input: 'given on stdin' })).stdout).toBe('given on stdin');
    expect((await cached.exec(['sh', '-c', 'exit 3'])).code).toBe(3);
    expect((await cached.exec(['ip', '-4', '-o', 'addr', 'show', 'host0'])).stdout).toContain(`inet ${cached.host}/30`);
  });

  it('Given two servers at once, Then each has its own addresses and answers ssh as itself', async () => {
    expect(new Set([cached.host, bare.host, cached.hostSideAddress, bare.hostSideAddress]).size).toBe(4);
    const [fromCached, fromBare] = await Promise.all([
      ssh(cached, cached.knownHostsFile, ['hostname']),
      ssh(bare, bare.knownHostsFile, ['hostname']),
    ]);

    expect(fromCached.stdout).toBe(`${cached.name}\n`);
    expect(fromBare.stdout).toBe(`${bare.name}\n`);
    expect(bare.aptProxy).toBeUndefined();
  });

  it('Given the apt cache, When apt installs a small package, Then it comes through the proxy', { timeout: 600_000 }, async () => {
    expect(cached.aptProxy).toBe(`http://${cached.hostSideAddress}:3142`);
    const started = Date.now();
    const update = await cached.exec(['apt-get', 'update'], { timeoutMs: 300_000 });
    expect(update.code, update.stderr).toBe(0);
    const install = await cached.exec(['apt-get', 'install', '-y', '--no-install-recommends', 'curl'], { timeoutMs: 300_000 });
    console.log(`[test-server] apt-get update + install curl through the cache: ${seconds(Date.now() - started)}`);

    expect(install.code, install.stderr).toBe(0);
    expect((await cached.exec(['curl', '--version'])).code).toBe(0);
  });

  it('Given running servers, When stopped, Then no process, link, copy, mount, cgroup or record of theirs is left', async () => {
    const started = Date.now();
    await Promise.all([cached.stop(), bare.stop()]);
    console.log(`[test-server] stop (two servers, in parallel): ${seconds(Date.now() - started)}`);

    for (const server of [cached, bare]) {
      const tempDir = dirname(server.identityFile);
      expect(processesMentioning(`--machine=${server.name}`)).toEqual([]);
      expect(processesMentioning(tempDir)).toEqual([]); // its apt-cacher-ng
      expect(existsSync(`/sys/class/net/${vethName(server.name)}`)).toBe(false);
      expect(mountsUnder(server.rootDir)).toEqual([]);
      expect(existsSync(server.rootDir)).toBe(false);
      expect(existsSync(tempDir)).toBe(false);
      expect(serverCgroups(server.name).filter((dir) => existsSync(dir))).toEqual([]);
      expect(existsSync(join(RUN_DIR, `${server.name}.json`))).toBe(false);
    }
    await expect(cached.stop()).resolves.toBeUndefined();
  });
});

describe('the lock that serialises rootfs builds and address picks', () => {
  it.skipIf(!findTool('flock'))('Given two holders of one lock file, Then their critical sections never overlap', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hms-lock-'));
    const events: string[] = [];
    const hold = (who: string) =>
      withLock(join(dir, 'lock'), 5_000, async () => {
        events.push(`${who} in`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        events.push(`${who} out`);
      });

    await Promise.all([hold('a'), hold('b')]);
    await rm(dir, { recursive: true });

    const oneAfterTheOther = [
      ['a in', 'a out', 'b in', 'b out'],
      ['b in', 'b out', 'a in', 'a out'],
    ];
    expect(oneAfterTheOther).toContainEqual(events);
  });
});
