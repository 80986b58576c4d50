/**
 * The SSH door against a real sshd: a disposable Debian 12 container with systemd
 * (tests/support/test-server.ts). Nothing here is replaced.
 */
import { createServer, type Server } from 'node:net';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../src/platform/exec.js';
import { connectSsh, type SshConnection } from '../../src/ssh/connection.js';
import { HostKeyError } from '../../src/ssh/errors.js';
import { SshPool } from '../../src/ssh/pool.js';
import type { SshTarget } from '../../src/ssh/target.js';
import { tunnelDispatcher } from '../../src/client/tunnel-dispatcher.js';
import { runHms } from '../support/run-hms.js';
import { startTestServer, testServerSupport, type TestServer } from '../support/test-server.js';
import { waitUntil } from '../support/wait-for.js';

const support = testServerSupport();

// A one-file HTTP server on the container's loopback (perl-base is in every Debian).
const HTTP_SERVER = `
use IO::Socket::INET;
my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 8799, Listen => 16, ReuseAddr => 1) or die $!;
while (my $c = $s->accept) {
  my $req = ''; while (my $l = <$c>) { $req .= $l; last if $l eq "\\r\\n"; }
  my ($path) = $req =~ m{^GET (\\S+)};
  my $body = "hello from the server: $path";
  print $c "HTTP/1.1 200 OK\\r\\nContent-Type: text/plain\\r\\nContent-Length: " . length($body)
    . "\\r\\nConnection: keep-alive\\r\\n\\r\\n$body";
  close $c;
}`;

describe.skipIf(!support.ok)('SSH door against a real server', () => {
  let server: TestServer;
  let target: SshTarget;
  let ssh: SshConnection;

  beforeAll(async () => {
    server = await startTestServer();
    console.log(`[ssh suite] boot to ssh: ${server.timings.bootToSshMs} ms (copy ${server.timings.copyMs} ms)`);
    target = {
      host: server.host,
      port: 22,
      user: 'root',
      identityFile: server.identityFile,
      knownHostsFile: server.knownHostsFile,
      label: 'test',
    };
    ssh = await connectSsh(target);
  });

  afterAll(async () => {
    ssh?.close();
    await server?.stop();
  });

  it('Given a known host key, When exec runs argv, Then stdout, stderr and the exit code come back', async () => {
    const result = await ssh.exec(['sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(result).toMatchObject({ code: 7, stdout: 'out\n', stderr: 'err\n' });
    expect((await ssh.exec(['hostname'])).stdout.trim()).toBe(server.name);
  });

  it('Given shell metacharacters in argv, When run remotely, Then they arrive literally', async () => {
    const args = ['$(id)', 'a;b', "it's", '`x`', '*', 'two words', ''];
    const result = await ssh.exec(['printf', '[%s]', ...args]);
    expect(result.stdout).toBe(args.map((a) => `[${a}]`).join(''));
  });

  it('Given a command that prints over time, When exec streams, Then chunks arrive before it ends', async () => {
    const arrivals: number[] = [];
    const started = Date.now();
    await ssh.exec(['sh', '-c', 'for i in 1 2 3; do echo $i; sleep 0.3; done'], { onStdout: () => arrivals.push(Date.now() - started) });
    expect(arrivals.length).toBeGreaterThanOrEqual(2);
    expect(arrivals[0]!).toBeLessThan(500);
  });

  it('Given a timeout, When the command runs too long, Then it is stopped on the server too', async () => {
    const result = await ssh.exec(['sleep', '47'], { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    await waitUntil(async () => (await server.exec(['pgrep', '-x', 'sleep'])).code !== 0, 5_000, 100);
    expect((await server.exec(['pgrep', '-af', 'sleep 47'])).stdout).toBe('');
  });

  it('Given input, When exec runs, Then it reaches stdin', async () => {
    expect((await ssh.exec(['wc', '-c'], { input: 'x'.repeat(100_000) })).stdout.trim()).toBe('100000');
  });

  it('Given data and a mode, When uploaded by SFTP, Then the file has both and no temp file is left', async () => {
    await ssh.upload('secret=1\n', '/etc/hms-upload-test.env', 0o600);
    const stat = await server.exec(['stat', '-c', '%a %s', '/etc/hms-upload-test.env']);
    expect(stat.stdout.trim()).toBe('600 9');
    await ssh.upload(Buffer.from('second\n'), '/etc/hms-upload-test.env', 0o640);
    expect((await server.exec(['cat', '/etc/hms-upload-test.env'])).stdout).toBe('second\n');
    expect((await server.exec(['stat', '-c', '%a', '/etc/hms-upload-test.env'])).stdout.trim()).toBe('640');
    expect((await server.exec(['sh', '-c', 'ls -a /etc | grep -c hms-upload-test'])).stdout.trim()).toBe('1');
  });

  it('Given a folder that does not exist, When uploading, Then the error says so', async () => {
    await expect(ssh.upload('x', '/no/such/dir/file', 0o600)).rejects.toThrow(/Upload to .*\/no\/such\/dir\/file failed/);
  });

  it('Given an HTTP server on the server loopback, When requested through the tunnel dispatcher, Then it answers', async () => {
    await server.exec(['systemd-run', '--unit=hms-test-http', '--quiet', 'perl', '-e', HTTP_SERVER]);
    await server.exec(['sh', '-c', 'for i in $(seq 50); do ss -ltn | grep -q 127.0.0.1:8799 && exit 0; sleep 0.1; done; exit 1']);
    const pool = new SshPool();
    const dispatcher = tunnelDispatcher(() => pool.get(target), 8799);
    try {
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) => request(`http://agent/item/${i}`, { dispatcher }).then((r) => r.body.text())),
      );
      expect(responses).toEqual(Array.from({ length: 10 }, (_, i) => `hello from the server: /item/${i}`));
    } finally {
      await dispatcher.close();
      await pool.closeAll();
    }
  });

  it('Given a pool, When many calls run at once, Then they share one connection', async () => {
    const pool = new SshPool();
    const [a, b] = await Promise.all([pool.get(target), pool.get(target)]);
    expect(a).toBe(b);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => a!.exec(['echo', String(i)])));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    const sshdChildren = await server.exec(['sh', '-c', "ps -eo args | grep -c '^sshd: root@notty'"]);
    expect(Number(sshdChildren.stdout.trim())).toBeLessThanOrEqual(2);
    a!.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const reopened = await pool.get(target);
    expect(reopened).not.toBe(a);
    expect((await reopened.exec(['true'])).code).toBe(0);
    await pool.closeAll();
  });

  it('Given an empty known_hosts, When connecting, Then an unknown-host error shows the fingerprint and `hms trust`', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hms-kh-'));
    const error = await connectSsh({ ...target, knownHostsFile: path.join(dir, 'known_hosts') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyError);
    expect((error as HostKeyError).kind).toBe('unknown');
    expect((error as HostKeyError).message).toContain(server.hostKeyFingerprint);
    expect((error as HostKeyError).hint).toContain('hms trust test');
  });

  it('Given a key the server does not know, When connecting, Then authentication fails with a clear message', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hms-key-'));
    await exec(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'id')]);
    await expect(connectSsh({ ...target, identityFile: path.join(dir, 'id') })).rejects.toThrow(/SSH authentication as root on .* failed/);
    await writeFile(path.join(dir, 'garbage'), 'not a key');
    await expect(connectSsh({ ...target, identityFile: path.join(dir, 'garbage') })).rejects.toThrow(/Cannot use the SSH key .*garbage/);
  });

  it('Given a closed port, When connecting, Then the refusal is reported with what to check', async () => {
    await expect(connectSsh({ ...target, port: 2222 })).rejects.toThrow(/refused/);
  });

  it('Given a host that accepts TCP but never speaks SSH, When connecting, Then it times out clearly', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const kh = path.join(await mkdtemp(path.join(tmpdir(), 'hms-kh-')), 'known_hosts');
    try {
      await expect(connectSsh({ ...target, host: '127.0.0.1', port, knownHostsFile: kh, readyTimeoutMs: 500 })).rejects.toThrow(
        /timed out/,
      );
    } finally {
      silent.close();
    }
  });

  it(
    'Given hms trust, When the key is new, Then it is recorded; ' +
      'when the server key changes, Then connecting and trusting are refused loudly',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'hms-trust-'));
      const knownHosts = path.join(dir, 'known_hosts');
      await copyFile(server.identityFile, path.join(dir, 'id'));
      const config = { servers: { test: { host: server.host, user: 'root', identityFile: 'id', knownHostsFile: 'known_hosts' } } };
      await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify(config));

      const refused = await runHms(['trust', 'test'], { cwd: dir });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(server.hostKeyFingerprint);
      expect(refused.stderr).toContain('--yes');

      const added = await runHms(['trust', 'test', '--yes'], { cwd: dir });
      expect(added.code).toBe(0);
      expect(added.stdout).toContain(server.hostKeyFingerprint);
      expect(await readFile(knownHosts, 'utf8')).toMatch(new RegExp(`^${server.host.replace(/\./g, '\\.')} ssh-ed25519 `));
      expect((await runHms(['trust', 'test', '--yes'], { cwd: dir })).stdout).toMatch(/already trusted/);

      const trustedTarget = { ...target, knownHostsFile: knownHosts };
      (await connectSsh(trustedTarget)).close();

      // The server is "reinstalled": new host keys.
      await server.exec(['sh', '-c', 'rm -f /etc/ssh/ssh_host_* && ssh-keygen -A >/dev/null && systemctl restart ssh']);
      const changed = await connectSsh(trustedTarget).catch((e: unknown) => e);
      expect(changed).toBeInstanceOf(HostKeyError);
      expect((changed as HostKeyError).kind).toBe('changed');
      expect((changed as HostKeyError).message).toMatch(/HAS CHANGED/);
      const retrust = await runHms(['trust', 'test', '--yes'], { cwd: dir });
      expect(retrust.code).toBe(1);
      expect(retrust.stderr).toMatch(/WARNING: .* holds a different key/);
      expect(retrust.stderr).toContain('ssh-keygen -R');
    },
  );
});
