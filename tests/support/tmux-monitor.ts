/**
 * A real terminal for full-screen e2e tests: a private tmux server (its own socket,
 * no user config) with one shell in a pane of a fixed size. Tests type commands,
 * read the pane as text, and must call `kill()` (in afterAll) to end the server.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { exec } from '../../src/platform/exec.js';
import { holderRuntimeFor } from './holders.js';
import { waitFor } from './wait-for.js';

/** The shell's prompt: seeing it again means the program gave the terminal back. */
export const PROMPT = 'hms-e2e$ ';

export interface TmuxPane {
  socket: string;
  /** Types `text` and presses Enter. */
  type(text: string): Promise<void>;
  /** Presses keys by tmux name: `q`, `Escape`, `C-c`. */
  press(...keys: string[]): Promise<void>;
  /** The visible pane, one string, rows joined by newlines. */
  capture(): Promise<string>;
  /** Whether the program in the pane is on the alternate screen (full-screen mode). */
  alternateScreen(): Promise<boolean>;
  /** Captures until `check` holds; on timeout throws with the last capture to read. */
  waitFor(what: string, check: (screen: string) => boolean, timeoutMs?: number): Promise<string>;
  /** The process ids of the shell's children (the program typed). */
  programPids(): Promise<number[]>;
  kill(): Promise<void>;
}

export async function startTmux(options: { cwd: string; env: NodeJS.ProcessEnv; width?: number; height?: number }): Promise<TmuxPane> {
  const socket = `hms-monitor-${process.pid}-${randomBytes(4).toString('hex')}`;
  // A UTF-8 locale: without one blessed draws ASCII and tmux captures `?` for the rest.
  const env: NodeJS.ProcessEnv = {
    LANG: 'C.UTF-8',
    NCURSES_NO_UTF8_ACS: '1',
    // hms's connection holders live in a folder of the test's, stopped after the file (tests/support/holders.ts).
    XDG_RUNTIME_DIR: options.env.XDG_RUNTIME_DIR ?? holderRuntimeFor(options.cwd),
    ...options.env,
  };
  const tmux = async (...args: string[]): Promise<string> => {
    const result = await exec(['tmux', '-u', '-L', socket, '-f', '/dev/null', ...args], { env, cwd: options.cwd, timeoutMs: 10_000 });
    if (result.code !== 0) throw new Error(`tmux ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return result.stdout;
  };
  const width = String(options.width ?? 160);
  const height = String(options.height ?? 48);
  // The pane gets the server's environment (the one given here), but tmux sets TERM
  // and bash ignores an inherited PS1 unless told: both are set for the shell itself.
  await tmux(
    'new-session',
    '-d',
    '-x',
    width,
    '-y',
    height,
    '-c',
    options.cwd,
    `env TERM=xterm-256color PS1='${PROMPT}' bash --norc --noprofile`,
  );
  const pane: TmuxPane = {
    socket,
    async type(text) {
      await tmux('send-keys', '-l', text);
      await tmux('send-keys', 'Enter');
    },
    async press(...keys) {
      await tmux('send-keys', ...keys);
    },
    capture: () => tmux('capture-pane', '-p'),
    alternateScreen: async () => (await tmux('display-message', '-p', '#{alternate_on}')).trim() === '1',
    async waitFor(what, check, timeoutMs = 30_000) {
      let screen = '';
      const shows = async () => check((screen = await pane.capture()));
      await waitFor(shows, () => `${what}; the pane showed:\n${screen}`, timeoutMs, 200);
      return screen;
    },
    async programPids() {
      const shell = (await tmux('display-message', '-p', '#{pane_pid}')).trim();
      const ps = await exec(['ps', '-o', 'pid=', '--ppid', shell]);
      return ps.stdout
        .split('\n')
        .filter((line) => line.trim())
        .map(Number);
    },
    async kill() {
      // tmux 3.3 leaves the socket file behind when its server is killed.
      const socketPath = (await tmux('display-message', '-p', '#{socket_path}').catch(() => '')).trim();
      await exec(['tmux', '-L', socket, 'kill-server'], { env, timeoutMs: 10_000 });
      if (socketPath) await rm(socketPath, { force: true });
    },
  };
  try {
    await pane.waitFor('the shell prompt', (screen) => screen.includes(PROMPT.trim()), 10_000);
  } catch (error) {
    await pane.kill();
    throw error;
  }
  return pane;
}
