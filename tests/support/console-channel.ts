/**
 * Stand-ins for a console's two ends where a unit test cannot have the real ones: a tty
 * (raw mode recorded, keys written in), a screen (what was shown, its size) and the SSH
 * channel (ssh2's ClientChannel is a Duplex with `stderr` and `setWindow`). The real tty
 * and SSH session: tests/e2e/console-tui.e2e.test.ts.
 */
import { Duplex, PassThrough, Writable } from 'node:stream';

export class Tty extends PassThrough {
  readonly isTTY = true;
  isRaw = false;
  modes: boolean[] = [];
  setRawMode(on: boolean): this {
    this.isRaw = on;
    this.modes.push(on);
    return this;
  }
}

export class Screen extends Writable {
  text = '';
  rows = 40;
  columns = 120;
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** The remote end: what was typed, the windows it was given; `say`, `exit` and `lose` act as the server would. */
export class Channel extends Duplex {
  typed = '';
  windows: Array<[number, number]> = [];
  readonly stderr = new PassThrough();
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.typed += chunk.toString();
    done();
  }
  setWindow(rows: number, cols: number): void {
    this.windows.push([rows, cols]);
  }
  say(text: string): void {
    this.push(text);
  }
  exit(code: number | null, signal?: string): void {
    this.emit('exit', code, signal);
    this.lose();
  }
  /** The connection went: no exit status, the channel closes. */
  lose(): void {
    this.push(null);
    this.stderr.end();
    this.emit('close');
  }
}
