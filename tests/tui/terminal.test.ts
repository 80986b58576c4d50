/**
 * The terminal set-up with a real stream standing in for the tty (what was written
 * is what a terminal would get). Real signals and a real tty: tests/e2e/tui.e2e.test.ts.
 */
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ALT_SCREEN_OFF, ALT_SCREEN_ON, CURSOR_SHOW, Terminal } from '../../tui/terminal.js';

class Screen extends Writable {
  text = '';
  columns = 120;
  rows = 40;
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

function terminal() {
  const stdout = new Screen();
  const stdin = new PassThrough() as unknown as NodeJS.ReadStream;
  const signals: string[] = [];
  const term = new Terminal({ stdin, stdout: stdout as unknown as NodeJS.WriteStream, onSignal: (signal) => signals.push(signal) });
  return { stdout, term, signals };
}

const frame = 'a frame long enough to count\n';
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('the terminal', () => {
  it('Given the app starts and quits, When entered and restored, Then the alternate screen is left once and the cursor shown', () => {
    const { stdout, term } = terminal();
    const exitListeners = process.listenerCount('exit');
    term.enter();
    expect(stdout.text.startsWith(ALT_SCREEN_ON)).toBe(true);
    expect(process.listenerCount('SIGTERM')).toBeGreaterThan(0);
    term.restore();
    term.restore();
    expect(stdout.text.endsWith(CURSOR_SHOW + ALT_SCREEN_OFF)).toBe(true);
    expect(stdout.text.split(ALT_SCREEN_OFF)).toHaveLength(2);
    expect(process.listenerCount('exit')).toBe(exitListeners);
  });

  it(
    'Given an editor borrows the terminal, When frames come meanwhile, ' + 'Then none is shown until it is back, and the newest is redrawn',
    async () => {
      const { stdout, term } = terminal();
      term.enter();
      term.output.write(frame);
      await flush();
      let during = '';
      await term.suspend(async () => {
        term.output.write('a frame drawn while the editor runs\n');
        await flush();
        during = stdout.text;
      });
      expect(during.endsWith(CURSOR_SHOW + ALT_SCREEN_OFF)).toBe(true);
      expect(during).not.toContain('while the editor runs');
      expect(stdout.text.slice(during.length)).toMatch(
        new RegExp(`^${ALT_SCREEN_ON.replace(/[[?]/g, '\\$&')}.*a frame drawn while the editor runs`, 's'),
      );
      term.restore();
    },
  );

  it('Given the terminal was restored, When Ink writes its last frame, Then it goes nowhere', async () => {
    const { stdout, term } = terminal();
    term.enter();
    term.restore();
    const after = stdout.text;
    term.output.write('a late frame that must not appear\n');
    await flush();
    expect(stdout.text).toBe(after);
  });

  it('Given a resize, When it happens, Then the newest frame is redrawn on a clear screen and Ink hears of it', async () => {
    const { stdout, term } = terminal();
    term.enter();
    term.output.write(frame);
    await flush();
    let heard = false;
    term.output.on('resize', () => (heard = true));
    stdout.rows = 30;
    stdout.emit('resize');
    expect(heard).toBe(true);
    expect(term.output.rows).toBe(30);
    expect(stdout.text.endsWith(`\x1b[2J\x1b[H${frame}`)).toBe(true);
    term.restore();
  });
});
