/**
 * A fleet of bare test servers (tests/support/test-server.ts) booted concurrently and
 * provisioned through `hms` as a user does it: one hms.config.json naming them all
 * (s1 .. sN), `hms secrets init`, then `hms full-deploy sN` for every server at once.
 * No apps: the agent and nginx are what status, the overview and logs show, and the
 * provisioning stays the lightest hms has (its standard packages, no Rails app, no deploy).
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runHms, type HmsRun } from './run-hms.js';
import { startTestServer, type TestServer } from './test-server.js';

export interface Fleet {
  dir: string;
  names: string[];
  servers: TestServer[];
  /** The API token every server's agent accepts (api_token of the one .secrets.json). */
  token: string;
  /** The built hms in the fleet's folder, with the fleet's API token. */
  hms(args: string[], env?: NodeJS.ProcessEnv): Promise<HmsRun>;
  timings: { bootMs: number; provisionMs: number; slowestProvisionMs: number };
  close(): Promise<void>;
}

export const must = (what: string, run: HmsRun): HmsRun => {
  if (run.code !== 0) throw new Error(`${what} failed (exit ${run.code}):\n${run.stderr}\n${run.stdout.slice(-4000)}`);
  return run;
};

/** Boots and provisions `count` servers; stops whatever it started when a step fails. */
export async function startFleet(count: number, prefix: string): Promise<Fleet> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const names = Array.from({ length: count }, (_, i) => `s${i + 1}`);
  const servers: TestServer[] = [];
  let token = '';
  const hms = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runHms(args, { cwd: dir, env: { HMS_NO_KEYCHAIN: '1', ...(token ? { HMS_TOKEN: token } : {}), ...env } });
  const close = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const bootStarted = Date.now();
    const booted = await Promise.allSettled(names.map(() => startTestServer({ aptCache: true })));
    for (const result of booted) if (result.status === 'fulfilled') servers.push(result.value);
    const failed = booted.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const bootMs = Date.now() - bootStarted;
    await laptopForFleet(dir, names, servers);
    must('hms secrets init', await hms(['secrets', 'init']));
    token = JSON.parse(await readFile(path.join(dir, '.secrets.json'), 'utf8')).hosting_management.api_token;
    const started = Date.now();
    const slowest = await Promise.all(
      names.map(async (name) => {
        must(`hms full-deploy ${name}`, await hms(['full-deploy', name]));
        return Date.now() - started;
      }),
    );
    return {
      dir,
      names,
      servers,
      token,
      hms,
      timings: { bootMs, provisionMs: Date.now() - started, slowestProvisionMs: Math.max(...slowest) },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** One key for the laptop (the first server's), accepted by every server's root; one known_hosts with every host key. */
async function laptopForFleet(dir: string, names: string[], servers: TestServer[]): Promise<void> {
  const first = servers[0]!;
  await copyFile(first.identityFile, path.join(dir, 'id_ed25519'));
  await copyFile(`${first.identityFile}.pub`, path.join(dir, 'id_ed25519.pub'));
  const publicKey = await readFile(`${first.identityFile}.pub`, 'utf8');
  await Promise.all(servers.slice(1).map((server) => server.exec(['sh', '-c', 'cat >> /root/.ssh/authorized_keys'], { input: publicKey })));
  const knownHosts = await Promise.all(servers.map((server) => readFile(server.knownHostsFile, 'utf8')));
  await writeFile(path.join(dir, 'known_hosts'), knownHosts.join(''));
  const config = {
    servers: Object.fromEntries(
      names.map((name, i) => [name, { host: servers[i]!.host, identityFile: 'id_ed25519', knownHostsFile: 'known_hosts' }]),
    ),
  };
  await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify(config, null, 2));
}

/** The server drops every packet that comes in (nftables in its own network namespace), as a blackholed host does. */
export async function dropPackets(server: TestServer): Promise<void> {
  const installed = await server.exec(['apt-get', 'install', '-y', '-q', 'nftables'], { timeoutMs: 120_000 });
  if (installed.code !== 0) throw new Error(`apt-get install nftables: ${installed.stderr}`);
  const rule = "nft add table inet fleet && nft 'add chain inet fleet in { type filter hook input priority 0 ; policy drop ; }'";
  const dropped = await server.exec(['sh', '-c', rule]);
  if (dropped.code !== 0) throw new Error(`nft: ${dropped.stderr}`);
}

/** sshd stopped (its port refuses) for the length of `body`, then started again. */
export async function withSshStopped<T>(server: TestServer, body: () => Promise<T>): Promise<T> {
  // Its sessions too (sshd leaves them running when it stops): a holder's kept connection ends, as on a server that went down.
  const stopped = await server.exec([
    'sh',
    '-c',
    "systemctl stop ssh.service; systemctl stop ssh.socket 2>/dev/null; pkill -f '^sshd: ' ; true",
  ]);
  if (stopped.code !== 0) throw new Error(`systemctl stop ssh: ${stopped.stderr}`);
  try {
    return await body();
  } finally {
    await server.exec(['systemctl', 'start', 'ssh.service']);
  }
}
