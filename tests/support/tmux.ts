/**
 * A private tmux server for driving a full-screen program as a person would: its
 * own socket (never the user's tmux), a fixed-size pane running a clean shell,
 * keys in, the screen out. Always `kill()` it (afterAll): that ends the server and
 * everything running in it.
 */
import { randomBytes } from 'node:crypto';
import { exec } from '../../src/platform/exec.js';
import { findTool } from './test-server-process.js';
import { holderRuntimeFor } from './holders.js';
import { waitFor } from './wait-for.js';

export const SHELL_PROMPT = 'hms-e2e$ ';

/** Whether tmux can run here; suites skip and say why when it cannot. */
export function tmuxSupport(): { ok: true } | { ok: false; reason: string } {
  return findTool('tmux') ? { ok: true } : { ok: false, reason: 'the terminal tests need tmux: apt-get install tmux' };
}

export interface TmuxOptions {
  cwd: string;
  /** The shell's whole environment (nothing is inherited but PATH). */
  env?: Record<string, string>;
  width?: number;
  height?: number;
}

export interface Tmux {
  socket: string;
  /** tmux key names: `Enter`, `Escape`, `Up`, `C-c`, or literal characters. */
  keys(...keys: string[]): Promise<void>;
  /** Types `text` exactly (send-keys -l). */
  type(text: string): Promise<void>;
  /** Types a command line and presses Enter. */
  run(line: string): Promise<void>;
  screen(): Promise<string>;
  /** Waits until the screen matches; resolves with it, or fails showing the last one. */
  waitFor(match: RegExp | ((screen: string) => boolean), timeoutMs?: number, everyMs?: number): Promise<string>;
  /** A tmux format of the pane, e.g. `#{alternate_on}`. */
  display(format: string): Promise<string>;
  /** The pid of the program the shell is running now (its newest child). */
  foregroundPid(): Promise<number | undefined>;
  kill(): Promise<void>;
}

export async function startTmux(options: TmuxOptions): Promise<Tmux> {
  const socket = `hms-e2e-${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmux = async (...args: string[]): Promise<string> => {
    const result = await exec(['tmux', '-L', socket, ...args], { timeoutMs: 10_000 });
    if (result.code !== 0) throw new Error(`tmux ${args.join(' ')}: ${result.stderr.trim()}`);
    return result.stdout;
  };
  const env = Object.entries({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    PS1: SHELL_PROMPT,
    // hms's connection holders live in a folder of the test's, stopped after the file (tests/support/holders.ts).
    XDG_RUNTIME_DIR: options.env?.XDG_RUNTIME_DIR ?? holderRuntimeFor(options.cwd),
    ...options.env,
  }).map(([key, value]) => `${key}=${value}`);
  await tmux(
    '-f',
    '/dev/null',
    'new-session',
    '-d',
    '-x',
    String(options.width ?? 160),
    '-y',
    String(options.height ?? 48),
    '-c',
    options.cwd,
    'env',
    '-i',
    ...env,
    'bash',
    '--norc',
    '--noprofile',
  );
  const session: Tmux = {
    socket,
    async keys(...keys) {
      await tmux('send-keys', ...keys);
    },
    async type(text) {
      await tmux('send-keys', '-l', text);
    },
    async run(line) {
      await tmux('send-keys', '-l', line);
      await tmux('send-keys', 'Enter');
    },
    screen: () => tmux('capture-pane', '-p'),
    async waitFor(match, timeoutMs = 15_000, everyMs = 50) {
      const test = typeof match === 'function' ? match : (screen: string) => match.test(screen);
      let screen = '';
      const shows = async () => test((screen = await session.screen()));
      await waitFor(shows, () => `${String(match)}; the screen:\n${screen}`, timeoutMs, everyMs);
      return screen;
    },
    async display(format) {
      return (await tmux('display-message', '-p', format)).trim();
    },
    async foregroundPid() {
      const shell = await session.display('#{pane_pid}');
      const children = await exec(['pgrep', '-n', '-P', shell]);
      const pid = Number(children.stdout.trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    },
    async kill() {
      await exec(['tmux', '-L', socket, 'kill-server'], { timeoutMs: 10_000 });
    },
  };
  await session.waitFor((screen) => screen.includes(SHELL_PROMPT.trim()));
  return session;
}

/** The cells of the box-drawn table row (tui/state/box-table.ts) whose cells include `cell`, trimmed; undefined when not on screen. */
export function tableRow(screen: string, cell: string): string[] | undefined {
  const line = screen.split('\n').find((l) => l.startsWith('│') && l.split('│').some((c) => c.trim() === cell));
  return line
    ?.split('│')
    .slice(1, -1)
    .map((c) => c.trim());
}
