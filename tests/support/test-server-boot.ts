import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { childPids, cmdline, hostEnv, isRunning, runOk, tail } from './test-server-process.js';
import { vethName } from './test-server-paths.js';
import { waitUntil } from './wait-for.js';

// sh only moves itself into the server's cgroups and then becomes nspawn (same PID).
// The script is constant; every value reaches it as an argument.
const ENTER_CGROUPS = 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1/cgroup.procs" || exit 125; shift; n=$((n - 1)); done; exec "$@"';

/** Starts the container detached, inside cgroups; returns the systemd-nspawn PID. */
export function launchContainer(rootDir: string, name: string, cgroups: string[], logFile: string): number {
  const log = openSync(logFile, 'a');
  try {
    // --register=no --keep-unit: this host has no systemd on the system bus to register with.
    const nspawn = ['-D', rootDir, '--boot', `--machine=${name}`, '--register=no', '--keep-unit', '--network-veth', '--console=read-only'];
    // detached: setsid(2), so a terminal's Ctrl-C reaches vitest, which stops us in order.
    const child = spawn('sh', ['-c', ENTER_CGROUPS, 'sh', String(cgroups.length), ...cgroups, 'systemd-nspawn', ...nspawn], {
      detached: true,
      stdio: ['ignore', log, log],
      env: hostEnv(),
    });
    child.on('error', () => {}); // surfaces below as "nspawn exited"
    child.unref();
    if (child.pid === undefined) throw new Error('could not start systemd-nspawn');
    return child.pid;
  } finally {
    closeSync(log);
  }
}

export function isOurNspawn(pid: number, name: string): boolean {
  const argv = cmdline(pid) ?? [];
  return (argv[0] ?? '').endsWith('systemd-nspawn') && argv.includes(`--machine=${name}`);
}

function bootFailure(what: string, logFile: string): Error {
  let log = '';
  try {
    log = tail(readFileSync(logFile, 'utf8'));
  } catch {
    log = '(no boot log)';
  }
  return new Error(`test server ${what}. Last lines of ${logFile}:\n${log}`);
}

/**
 * Waits for nspawn to create the host side of the veth, then gives it the host's address.
 * The container configures its own side (systemd-networkd, host0).
 */
export async function configureHostVeth(
  nspawnPid: number,
  name: string,
  hostAddress: string,
  logFile: string,
  deadline: number,
): Promise<void> {
  const veth = vethName(name);
  const appeared = await waitUntil(() => existsSync(`/sys/class/net/${veth}`) || !isRunning(nspawnPid), deadline - Date.now());
  if (!isRunning(nspawnPid)) throw bootFailure('exited during boot', logFile);
  if (!appeared) throw bootFailure(`never created ${veth}`, logFile);
  await runOk(['ip', 'addr', 'add', `${hostAddress}/30`, 'dev', veth]);
  await runOk(['ip', 'link', 'set', veth, 'up']);
}

/**
 * nspawn's child that is PID 1 of the new PID namespace: the container's init, the
 * target for nsenter. nspawn may have other short-lived children, hence the NSpid test.
 */
export async function findContainerInit(nspawnPid: number, logFile: string, deadline: number): Promise<number> {
  let init: number | undefined;
  await waitUntil(() => {
    init = childPids(nspawnPid).find(isNamespaceInit);
    return init !== undefined || !isRunning(nspawnPid);
  }, deadline - Date.now());
  if (init === undefined) throw bootFailure('has no init process', logFile);
  return init;
}

function isNamespaceInit(pid: number): boolean {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^NSpid:\s+(.*)$/m)?.[1] ?? '';
    const ids = line.trim().split(/\s+/);
    return ids.length > 1 && ids[ids.length - 1] === '1';
  } catch {
    return false;
  }
}

/** Polls until sshd sends its banner: a TCP accept alone could be the kernel, not sshd. */
export async function waitForSsh(nspawnPid: number, host: string, port: number, logFile: string, deadline: number): Promise<void> {
  const up = await waitUntil(async () => !isRunning(nspawnPid) || (await sshBanner(host, port)), deadline - Date.now(), 100);
  if (!isRunning(nspawnPid)) throw bootFailure('exited during boot', logFile);
  if (!up) throw bootFailure(`did not answer ssh on ${host}:${port} in time`, logFile);
}

function sshBanner(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1_000 });
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      data += chunk;
      if (data.includes('\n')) done(data.startsWith('SSH-'));
    });
    socket.on('timeout', () => done(false));
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}
