/**
 * The control center's first frame, drawn before its code loads: the alternate
 * screen and the header line (` hms ` as the status bar draws it) with "starting…",
 * so a person sees the control center at once, while React, Ink, the client and
 * the configuration load (about a megabyte of code). tui/main.tsx takes the screen
 * over (Terminal.enter) or, when it fails before that, undoes this.
 * Kept apart from the rest of the TUI: src/cli.ts imports it statically.
 */
const ALT_SCREEN_ON = '\x1b[?1049h';
const ALT_SCREEN_OFF = '\x1b[?1049l';
const CLEAR_HOME = '\x1b[2J\x1b[H';
const CURSOR_HIDE = '\x1b[?25l';
const CURSOR_SHOW = '\x1b[?25h';
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_CODES: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

export interface Splash {
  /** The TUI has the screen now (its Terminal restores it on every way out). */
  handOver(): void;
  /** Back to the normal screen, as before the splash; idempotent. */
  undo(): void;
}

export function showSplash(stdout: NodeJS.WriteStream): Splash {
  let shown = true;
  const onSignal = (signal: NodeJS.Signals): void => {
    undo();
    process.exit(SIGNAL_CODES[signal] ?? 1);
  };
  const stopListening = (): void => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off('exit', undo);
  };
  function undo(): void {
    if (!shown) return;
    shown = false;
    stopListening();
    stdout.write(CURSOR_SHOW + ALT_SCREEN_OFF);
  }
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('exit', undo);
  stdout.write(`${ALT_SCREEN_ON}${CLEAR_HOME}${CURSOR_HIDE}\x1b[1;7m hms \x1b[0m  \x1b[2mstarting…\x1b[0m`);
  return {
    handOver() {
      if (!shown) return;
      shown = false;
      stopListening();
    },
    undo,
  };
}
