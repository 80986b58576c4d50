/**
 * `hms` in a terminal: the control center, full screen. Sets the terminal up
 * (alternate screen, restored on every way out), renders the app, and closes
 * the connections when it ends.
 */
import { writeFileSync } from 'node:fs';
import { render, type Instance } from 'ink';
import type { ClientContext } from '../src/client/connect.js';
import { App } from './app.js';
import { prepareTui, type PreparedTui } from './connections.js';
import type { TuiSession } from './session.js';
import type { Splash } from './splash.js';
import { TuiStats } from './stats.js';
import { Terminal } from './terminal.js';

/** How long the header line alone may stand for the apps asked at start (on a busy machine: up to ~150 ms after the code loaded). */
const FIRST_APPS_WAIT_MS = 200;
const SIGNAL_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/**
 * Opens the full-screen control center. Resolves with the exit code when it closes.
 * `splash`: the first frame src/cli.ts drew while this loaded; the screen is taken over from it.
 * `prepared`: the connections src/cli.ts opened (and the apps it asked for) while this loaded.
 */
export async function runTui(context: ClientContext, splash?: Splash, prepared?: PreparedTui): Promise<number> {
  const { config, plan, connections } = prepared ?? (await prepareTui(context));
  const stats = new TuiStats();
  const keptEdits = new Set<string>();
  let exitCode = 0;
  let instance: Instance | undefined;
  const terminal = new Terminal({
    stdin: process.stdin,
    stdout: process.stdout,
    onSignal(signal) {
      exitCode = SIGNAL_CODES[signal] ?? 1;
      instance?.unmount();
    },
  });
  const session: TuiSession = {
    connections,
    terminal,
    stats,
    readonly: context.flags.readonly ?? false,
    keptEdits,
    env: context.env,
    apps: config?.apps,
  };
  // The apps asked for while this loaded, if they come soon: the overview's first frame carries them.
  await connections.prefetched(FIRST_APPS_WAIT_MS);
  splash?.handOver();
  terminal.enter();
  instance = render(<App session={session} plan={plan} />, {
    stdout: terminal.output as unknown as NodeJS.WriteStream,
    stdin: process.stdin,
    // Ctrl-C is a key like q: the app quits through the same door.
    exitOnCtrlC: false,
    patchConsole: true,
  });
  if (exitCode !== 0) instance.unmount();
  try {
    await instance.waitUntilExit();
  } finally {
    terminal.restore();
    await connections.closeAll();
    if (context.env.HMS_TUI_STATS_FILE) writeFileSync(context.env.HMS_TUI_STATS_FILE, JSON.stringify(stats, null, 2));
  }
  for (const file of keptEdits) context.note(`Your edit that was not applied is kept in ${file}`);
  return exitCode;
}
