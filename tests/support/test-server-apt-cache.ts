import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { chown, mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { cmdline, findTool, hostEnv, isRunning, runOk, tail } from './test-server-process.js';
import { APT_CACHE_DIR } from './test-server-paths.js';
import { waitUntil } from './wait-for.js';

export const APT_CACHE_PORT = 3142;
// The Debian package's service runs as this user; so do we, so the shared cache stays its own.
const ACNG_USER = 'apt-cacher-ng';

/**
 * Starts an apt-cacher-ng of our own, bound to the host side of one server's veth.
 * Its config lives in workDir (passed with -c) so the machine's /etc/apt-cacher-ng and
 * any system instance stay untouched; only the cache dir is shared, so later runs are warm.
 * No Remap lines: the stock Debian backend list points at a different mirror.
 */
export async function startAptCache(bindAddress: string, workDir: string): Promise<number> {
  if (!findTool('apt-cacher-ng')) throw new Error('aptCache needs apt-cacher-ng on the host: apt-get install apt-cacher-ng');
  const ids = acngIds();
  const confDir = join(workDir, 'apt-cacher-ng');
  const logDir = join(confDir, 'log');
  await mkdir(logDir, { recursive: true });
  await mkdir(APT_CACHE_DIR, { recursive: true });
  if (ids) {
    await runOk(['chown', '-R', `${ids.uid}:${ids.gid}`, confDir]);
    if (statSync(APT_CACHE_DIR).uid !== ids.uid) await runOk(['chown', '-R', `${ids.uid}:${ids.gid}`, APT_CACHE_DIR]);
  }
  await writeFile(
    join(confDir, 'acng.conf'),
    [
      `CacheDir: ${APT_CACHE_DIR}`,
      `LogDir: ${logDir}`,
      `SocketPath: ${join(confDir, 'socket')}`,
      `PidFile: ${join(confDir, 'pid')}`,
      `BindAddress: ${bindAddress}`,
      `Port: ${APT_CACHE_PORT}`,
      'ForeGround: 1',
      'ExThreshold: 4',
      '',
    ].join('\n'),
  );
  if (ids) await chown(join(confDir, 'acng.conf'), ids.uid, ids.gid);

  const logFile = join(confDir, 'output.log');
  const log = openSync(logFile, 'a');
  const acng = ['apt-cacher-ng', '-c', confDir];
  const argv = ids ? ['setpriv', `--reuid=${ids.uid}`, `--regid=${ids.gid}`, '--clear-groups', '--', ...acng] : acng;
  const [cmd, ...args] = argv as [string, ...string[]];
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', log, log], env: hostEnv() });
  closeSync(log);
  child.on('error', () => {});
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start apt-cacher-ng');

  const listening = await waitUntil(async () => !isRunning(pid) || (await accepts(bindAddress, APT_CACHE_PORT)), 15_000, 50);
  if (!isRunning(pid) || !listening) {
    const out = existsSync(logFile) ? tail(readFileSync(logFile, 'utf8')) : '';
    throw new Error(`apt-cacher-ng did not start on ${bindAddress}:${APT_CACHE_PORT}\n${out}`);
  }
  return pid;
}

/** Ours: an apt-cacher-ng reading its config from this server's work dir. */
export function isOurAptCache(pid: number, workDir: string): boolean {
  const argv = cmdline(pid) ?? [];
  return argv.some((a) => a.endsWith('apt-cacher-ng')) && argv.includes(join(workDir, 'apt-cacher-ng'));
}

function acngIds(): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${ACNG_USER}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.on('connect', () => done(true));
    socket.on('timeout', () => done(false));
    socket.on('error', () => done(false));
  });
}
