import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureRootfs, rootfsBuildable } from './rootfs.js';
import { startAptCache, APT_CACHE_PORT } from './test-server-apt-cache.js';
import { configureHostVeth, findContainerInit, launchContainer, waitForSsh } from './test-server-boot.js';
import { createServerCgroups } from './test-server-cgroup.js';
import { prepareCopy } from './test-server-copy.js';
import { TEMP_PREFIX } from './test-server-paths.js';
import { findTool, run, runOk, signal, startTime, type RunResult } from './test-server-process.js';
import { processRef, reserveServer, saveRecord, type ServerRecord } from './test-server-registry.js';
import { teardown } from './test-server-teardown.js';

export interface TestServer {
  name: string;
  host: string;
  port: number;
  user: string;
  identityFile: string;
  knownHostsFile: string;
  hostKeyFingerprint: string;
  hostSideAddress: string;
  aptProxy?: string;
  rootDir: string;
  /** How long this server took to come up, for suites that report timings. */
  timings: { copyMs: number; bootToSshMs: number };
  /** Runs argv inside the container through nsenter: set-up and inspection, not the code under test. */
  exec(argv: string[], opts?: { input?: string; timeoutMs?: number }): Promise<RunResult>;
  /** Idempotent; resolves once the container, its apt cache, veth and files are gone. */
  stop(): Promise<void>;
}

const TOOLS: Array<[tool: string, pkg: string]> = [
  ['systemd-nspawn', 'systemd-container'],
  ['nsenter', 'util-linux'],
  ['flock', 'util-linux'],
  ['ip', 'iproute2'],
  ['ssh-keygen', 'openssh-client'],
  ['tar', 'tar'],
];

const BOOT_TIMEOUT_MS = 60_000;
// A root login's environment, not the test runner's (which may hold secrets); set-up
// through exec is unattended, so apt and debconf must never wait for answers.
const CONTAINER_ENV = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
  DEBIAN_FRONTEND: 'noninteractive',
};

export function testServerSupport(): { ok: true } | { ok: false; reason: string } {
  if (process.env.HMS_TEST_SERVER === 'off') return { ok: false, reason: 'test servers turned off by HMS_TEST_SERVER=off' };
  if (process.platform !== 'linux') return { ok: false, reason: 'test servers need Linux (systemd-nspawn)' };
  if (process.getuid?.() !== 0) {
    return { ok: false, reason: 'test servers need root (systemd-nspawn, veth links, nsenter); run the suite as root, as CI does' };
  }
  const missing = TOOLS.filter(([tool]) => !findTool(tool));
  if (missing.length > 0) {
    const packages = [...new Set(missing.map(([, pkg]) => pkg))].join(' ');
    return { ok: false, reason: `test servers need ${missing.map(([tool]) => tool).join(', ')}: apt-get install ${packages}` };
  }
  return rootfsBuildable();
}

/**
 * Boots a fresh server from the cached rootfs. `packages: 'base'` is the only set there
 * is: minbase Debian with sshd, like a new cloud server; suites install more themselves,
 * through the apt cache (`aptCache: true`) since the container has no route out.
 */
export async function startTestServer(opts: { aptCache?: boolean; packages?: 'base' } = {}): Promise<TestServer> {
  const support = testServerSupport();
  if (!support.ok) throw new Error(`cannot start a test server: ${support.reason}`);
  const { path: rootfsTar } = await ensureRootfs();
  const tempDir = await mkdtemp(TEMP_PREFIX);
  // Traversable, not readable: the unprivileged apt-cacher-ng reads its config below it.
  await chmod(tempDir, 0o711);
  const record = await reserveServer(tempDir).catch(async (err: unknown) => {
    await rm(tempDir, { recursive: true, force: true });
    throw err;
  });
  live.set(record.name, record);
  installExitNet();
  try {
    return await boot(record, rootfsTar, opts.aptCache === true);
  } catch (err) {
    await teardown(record);
    live.delete(record.name);
    throw err;
  }
}

async function boot(record: ServerRecord, rootfsTar: string, aptCache: boolean): Promise<TestServer> {
  const { name, tempDir, rootDir, hostAddress, containerAddress: host } = record;
  const identityFile = join(tempDir, 'id_ed25519');
  await runOk(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `hms-test@${name}`, '-f', identityFile]);
  const aptProxy = aptCache ? `http://${hostAddress}:${APT_CACHE_PORT}` : undefined;

  const copyStarted = Date.now();
  const hostKey = await prepareCopy({
    rootfsTar,
    rootDir,
    workDir: tempDir,
    name,
    containerAddress: host,
    authorizedKey: await readFile(`${identityFile}.pub`, 'utf8'),
    ...(aptProxy ? { aptProxy } : {}),
  });
  const copyMs = Date.now() - copyStarted;
  const knownHostsFile = join(tempDir, 'known_hosts');
  const [keyType, keyData] = hostKey.split(' ');
  await writeFile(knownHostsFile, `${host} ${keyType} ${keyData}\n`);
  const hostKeyFingerprint = (await runOk(['ssh-keygen', '-lf', knownHostsFile])).split(' ')[1] ?? '';

  const bootStarted = Date.now();
  const deadline = bootStarted + BOOT_TIMEOUT_MS;
  const logFile = join(tempDir, 'boot.log');
  const nspawnPid = launchContainer(rootDir, name, await createServerCgroups(name), logFile);
  record.nspawn = processRef(nspawnPid);
  await saveRecord(record);
  await configureHostVeth(nspawnPid, name, hostAddress, logFile, deadline);
  const initPid = await findContainerInit(nspawnPid, logFile, deadline);
  record.init = processRef(initPid);
  await saveRecord(record);
  if (aptCache) {
    record.aptCache = processRef(await startAptCache(hostAddress, tempDir));
    await saveRecord(record);
  }
  await waitForSsh(nspawnPid, host, 22, logFile, deadline);
  const bootToSshMs = Date.now() - bootStarted;

  let stopping: Promise<void> | undefined;
  return {
    name,
    host,
    port: 22,
    user: 'root',
    identityFile,
    knownHostsFile,
    hostKeyFingerprint,
    hostSideAddress: hostAddress,
    ...(aptProxy ? { aptProxy } : {}),
    rootDir,
    timings: { copyMs, bootToSshMs },
    exec(argv, execOpts = {}) {
      if (stopping) return Promise.reject(new Error(`test server ${name} is stopped`));
      const nsenter = ['nsenter', '-t', String(initPid), '-m', '-u', '-i', '-n', '-p', '-r', '-w', '--'];
      return run([...nsenter, ...argv], {
        env: CONTAINER_ENV,
        timeoutMs: execOpts.timeoutMs ?? 120_000,
        ...(execOpts.input !== undefined ? { input: execOpts.input } : {}),
      });
    },
    stop() {
      stopping ??= teardown(record).finally(() => live.delete(name));
      return stopping;
    },
  };
}

// Servers this process started and has not stopped. If the process exits without
// stopping them (a crash, process.exit), kill their processes at least; the copies
// and records are reaped by the next run's global setup.
const live = new Map<string, ServerRecord>();
let exitNetInstalled = false;

function installExitNet(): void {
  if (exitNetInstalled) return;
  exitNetInstalled = true;
  process.on('exit', () => {
    for (const record of live.values()) {
      for (const ref of [record.nspawn, record.init, record.aptCache]) {
        if (ref && startTime(ref.pid) === ref.start) signal(ref.pid, 'SIGKILL');
      }
    }
  });
}
