/**
 * What starts an app's web process, chosen per release, and how a running one takes a
 * new release. The unit's ExecStart is a fixed launcher (templates/systemd/web-start):
 * it runs the argv in shared/config/web-command (one word per line, never a shell
 * string), and on each start copies that file and the release's Gemfile.lock to
 * shared/tmp/pids/, so the agent knows what the running puma master started with.
 *
 * The choice: `webCommand` from the config; else puma from the bundle when the
 * release's Gemfile.lock has it; else the system's puma (Debian's /usr/bin/puma).
 *
 * A phased restart (SIGUSR1) keeps the master: its command, and, unless it pruned its
 * bundle (puma's prune_bundler, which sets PUMA_BUNDLER_PRUNED=1 in its environment;
 * Debian's puma cannot), the gems it loaded. So a new command or a new Gemfile.lock
 * under such a master takes a full restart instead.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgentApp } from '../../config.js';
import type { RestartVerb } from './argv.js';
import type { AppLayout } from './releases.js';

export const BUNDLE = '/usr/bin/bundle';
export const SYSTEM_PUMA = '/usr/bin/puma';

export interface WebCommand {
  argv: string[];
  /** Why this one, for the step's output. */
  why: string;
}

/** The files the launcher reads and writes, under shared/. */
export function webCommandFiles(layout: AppLayout): { command: string; startedCommand: string; startedLock: string } {
  return {
    command: path.join(layout.shared, 'config', 'web-command'),
    startedCommand: path.join(layout.shared, 'tmp', 'pids', 'web-start.command'),
    startedLock: path.join(layout.shared, 'tmp', 'pids', 'web-start.Gemfile.lock'),
  };
}

/** A gem's own entry in Gemfile.lock's specs (four spaces in), not a dependency line. */
export function lockHasPuma(lock: string | null): boolean {
  return lock !== null && /^ {4}puma \(/m.test(lock);
}

export function chooseWebCommand(app: Pick<AgentApp, 'webCommand'>, lock: string | null, layout: AppLayout): WebCommand {
  if (app.webCommand) return { argv: [...app.webCommand], why: 'webCommand from the config' };
  const config = ['-C', path.join(layout.shared, 'config', 'puma.rb')];
  if (lockHasPuma(lock)) return { argv: [BUNDLE, 'exec', 'puma', ...config], why: 'puma is in Gemfile.lock: bundle exec puma' };
  return { argv: [SYSTEM_PUMA, ...config], why: `no puma in Gemfile.lock: the system's puma (${SYSTEM_PUMA})` };
}

/** One word a line: what the launcher reads back into argv. */
export function webCommandText(argv: readonly string[]): string {
  return `${argv.join('\n')}\n`;
}

export interface RunningWeb {
  /** active or reloading */
  running: boolean;
  /** What the launcher recorded at the master's start; null when it did not (a unit from before the launcher). */
  startedCommand: string | null;
  startedLock: string | null;
  /** The master dropped its bundle (prune_bundler). */
  pruned: boolean;
  /**
   * The app's socket unit: held (active: systemd keeps the socket across restarts),
   * pending (installed, not active: this puma bound the path itself), none (no unit).
   */
  socket: 'held' | 'pending' | 'none';
}

export interface RestartPlan {
  verb: RestartVerb;
  why: string;
  /** Stop, then start: a puma that bound the socket itself removes it when it stops, so it must be gone before systemd binds it. */
  stopFirst?: boolean;
}

/** start, phased restart or full restart, and why. */
export function planRestart(running: RunningWeb, next: { command: string; lock: string | null }): RestartPlan {
  if (!running.running) return { verb: 'start', why: 'not running: started' };
  if (running.socket === 'pending')
    return { verb: 'restart', why: 'puma holds its own socket (started before socket activation): stop, then start', stopFirst: true };
  if (running.startedCommand === null) return { verb: 'restart', why: 'the running puma predates the web-start launcher: full restart' };
  if (running.startedCommand !== next.command) {
    return {
      verb: 'restart',
      why: `the web command changes (${oneLine(running.startedCommand)} -> ${oneLine(next.command)}): full restart`,
    };
  }
  if ((running.startedLock ?? '') !== (next.lock ?? '') && !running.pruned) {
    return { verb: 'restart', why: 'Gemfile.lock changed and this puma cannot prune its bundle: full restart' };
  }
  return { verb: 'reload', why: 'phased restart (systemctl reload)' };
}

/** What the running master started with, from the launcher's records and its environment. */
export async function runningWeb(
  layout: AppLayout,
  unit: Pick<RunningWeb, 'running' | 'socket'> & { mainPid: number | null },
  procDir = '/proc',
): Promise<RunningWeb> {
  const { mainPid, running, socket } = unit;
  const files = webCommandFiles(layout);
  const [startedCommand, startedLock, environ] = await Promise.all([
    readOrNull(files.startedCommand),
    readOrNull(files.startedLock),
    mainPid ? readOrNull(path.join(procDir, String(mainPid), 'environ')) : Promise.resolve(null),
  ]);
  const pruned = environ?.split('\0').includes('PUMA_BUNDLER_PRUNED=1') ?? false;
  return { running, startedCommand, startedLock, pruned, socket };
}

export function readOrNull(file: string): Promise<string | null> {
  return readFile(file, 'utf8').catch(() => null);
}

function oneLine(command: string): string {
  return command.trim().split('\n').join(' ');
}
