/**
 * The terminal while the control center owns it: the alternate screen entered
 * before the first frame and ALWAYS left again (quit, error, Ctrl-C, SIGTERM,
 * SIGHUP, an uncaught exception), with the cursor shown and raw mode off; and
 * handed over whole to an editor or a console and taken back (`suspend`, `handOver`).
 *
 * Ink writes to `output`, which passes frames through, holds them while the
 * terminal is lent out or gone, and redraws the last one on a resize or return.
 */
import { Writable } from 'node:stream';

export const ALT_SCREEN_ON = '\x1b[?1049h';
export const ALT_SCREEN_OFF = '\x1b[?1049l';
export const CURSOR_SHOW = '\x1b[?25h';
export const CURSOR_HIDE = '\x1b[?25l';
const CLEAR_HOME = '\x1b[2J\x1b[H';
/** Ink's frames; shorter writes are cursor toggles and synchronized-output markers. */
const MIN_FRAME_LENGTH = 16;

export class FrameOutput extends Writable {
  readonly isTTY = true;
  private held = false;
  private gone = false;
  private lastFrame = '';

  constructor(private readonly terminal: NodeJS.WriteStream) {
    super({ decodeStrings: false });
    terminal.on('resize', this.onResize);
  }

  get columns(): number {
    return this.terminal.columns || 80;
  }

  get rows(): number {
    return this.terminal.rows || 24;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const text = chunk.toString();
    if (text.length >= MIN_FRAME_LENGTH) this.lastFrame = text;
    if (this.held || this.gone) return done();
    this.terminal.write(text, () => done());
  }

  /** Frames are kept, not shown, until `release`. */
  hold(): void {
    this.held = true;
  }

  /** Shows the newest frame on a cleared screen; Ink's idea of the screen stays true. */
  release(): void {
    this.held = false;
    if (!this.gone) this.terminal.write(CLEAR_HOME + this.lastFrame);
  }

  /** Nothing reaches the terminal any more (it has been restored). */
  close(): void {
    this.gone = true;
    this.terminal.off('resize', this.onResize);
  }

  private readonly onResize = (): void => {
    if (!this.held && !this.gone) this.terminal.write(CLEAR_HOME + this.lastFrame);
    this.emit('resize');
  };
}

export interface TerminalOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  /** SIGTERM, SIGINT or SIGHUP arrived: the terminal is already restored; close the app. */
  onSignal(signal: NodeJS.Signals): void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

export class Terminal {
  readonly output: FrameOutput;
  private entered = false;
  private suspended = false;

  constructor(private readonly options: TerminalOptions) {
    this.output = new FrameOutput(options.stdout);
  }

  get stdin(): NodeJS.ReadStream {
    return this.options.stdin;
  }

  get stdout(): NodeJS.WriteStream {
    return this.options.stdout;
  }

  /** Enters the alternate screen; from now on every way out restores the terminal. */
  enter(): void {
    if (this.entered) return;
    this.entered = true;
    for (const signal of SIGNALS) process.on(signal, this.onSignal);
    process.on('exit', this.restore);
    // Before Node prints a crash, so the trace lands on the normal screen.
    process.on('uncaughtExceptionMonitor', this.restore);
    this.options.stdout.write(ALT_SCREEN_ON + CLEAR_HOME + CURSOR_HIDE);
  }

  /** Leaves the alternate screen, shows the cursor, ends raw mode. Idempotent; synchronous. */
  readonly restore = (): void => {
    if (!this.entered) return;
    this.entered = false;
    this.output.close();
    for (const signal of SIGNALS) process.off(signal, this.onSignal);
    process.off('exit', this.restore);
    process.off('uncaughtExceptionMonitor', this.restore);
    setRawMode(this.options.stdin, false);
    if (!this.suspended) this.options.stdout.write(CURSOR_SHOW + ALT_SCREEN_OFF);
  };

  /**
   * Lends the terminal to `task` (an editor): the normal screen, a visible cursor,
   * cooked mode, and no reading from stdin here, so every key reaches the editor.
   */
  suspend<T>(task: () => Promise<T>): Promise<T> {
    return this.lend(task, false);
  }

  /**
   * Lends the terminal to `task` that reads the keys in this process and passes them on
   * (a console over SSH): the same, but stdin is still read here, for `task` to wire.
   */
  handOver<T>(task: () => Promise<T>): Promise<T> {
    return this.lend(task, true);
  }

  private async lend<T>(task: () => Promise<T>, readHere: boolean): Promise<T> {
    const { stdin, stdout } = this.options;
    this.output.hold();
    const readers = stdin.listeners('readable') as Array<() => void>;
    for (const reader of readers) stdin.off('readable', reader);
    if (!readHere) stopReading(stdin);
    setRawMode(stdin, false);
    stdout.write(CURSOR_SHOW + ALT_SCREEN_OFF);
    this.suspended = true;
    try {
      return await task();
    } finally {
      this.suspended = false;
      if (this.entered) {
        stdout.write(ALT_SCREEN_ON + CURSOR_HIDE);
        setRawMode(stdin, true);
        for (const reader of readers) stdin.on('readable', reader);
        startReading(stdin);
        this.output.release();
      }
    }
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    this.restore();
    this.options.onSignal(signal);
  };
}

function setRawMode(stdin: NodeJS.ReadStream, on: boolean): void {
  if (stdin.isTTY && typeof stdin.setRawMode === 'function') stdin.setRawMode(on);
}

type TtyHandle = { reading?: boolean; readStop?: () => number; readStart?: () => number };
const ttyHandle = (stdin: NodeJS.ReadStream): TtyHandle | undefined => (stdin as unknown as { _handle?: TtyHandle })._handle;

/**
 * A tty stream without listeners still has a read pending in libuv, which would
 * take the editor's first key. readStop/readStart are what net.Socket itself uses
 * (pause() does not stop a tty); a read the stream was waiting for stays pending,
 * so reading must be started again by hand, not by a new listener.
 */
function stopReading(stdin: NodeJS.ReadStream): void {
  const handle = ttyHandle(stdin);
  if (handle?.readStop && handle.reading) {
    handle.reading = false;
    handle.readStop();
  }
}

function startReading(stdin: NodeJS.ReadStream): void {
  const handle = ttyHandle(stdin);
  if (handle?.readStart && !handle.reading) {
    handle.reading = true;
    handle.readStart();
  }
}
