/**
 * `c` on an app: the control center lends its terminal (tui/terminal.ts `handOver`) to a
 * console wired by src/client/console.ts, and takes it back. Stand-ins for the tty and
 * the SSH channel (tests/support/console-channel.ts); the real ones under tmux:
 * tests/e2e/console-tui.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { attachTerminal, type ConsoleChannel } from '../../src/client/console.js';
import { ALT_SCREEN_OFF, ALT_SCREEN_ON, CURSOR_SHOW, Terminal } from '../../tui/terminal.js';
import { Channel, Screen, Tty } from '../support/console-channel.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));
const FRAME = 'the overview, cigar selected\n';

function controlCenter() {
  const stdin = new Tty();
  const stdout = new Screen();
  const term = new Terminal({
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    onSignal: () => undefined,
  });
  // What Ink does with stdin: raw mode and a 'readable' reader.
  const keys: string[] = [];
  const reader = () => {
    for (let chunk = stdin.read(); chunk !== null; chunk = stdin.read()) keys.push(String(chunk));
  };
  term.enter();
  stdin.setRawMode(true);
  stdin.on('readable', reader);
  return { stdin, stdout, term, keys };
}

const stdioOf = (term: Terminal) => ({ stdin: term.stdin, stdout: term.stdout, stderr: term.stdout });

describe('the control center lends its terminal to a console', () => {
  it('Given the tty read by the control center, When lent to a console, Then it is still read here (suspend stops it)', async () => {
    const { stdin, term } = controlCenter();
    // A tty's libuv handle: a console reads the keys in this process, an editor reads the tty itself.
    const handle = { reading: true, stops: 0, readStop: () => ((handle.reading = false), (handle.stops += 1), 0), readStart: () => 0 };
    Object.assign(stdin, { _handle: handle });
    await term.handOver(async () => expect(handle.reading).toBe(true));
    expect(handle.stops).toBe(0);
    await term.suspend(async () => expect(handle.reading).toBe(false));
    expect(handle.stops).toBe(1);
    term.restore();
  });

  it(
    'Given the overview drawn, When a console borrows the terminal and ends, Then meanwhile no frame is drawn and every key ' +
      'goes to the console, and afterwards the overview is redrawn as it was and keys reach the control center again',
    async () => {
      const { stdin, stdout, term, keys } = controlCenter();
      term.output.write(FRAME);
      await tick();
      const channel = new Channel();
      const lent = term.handOver(() => attachTerminal(channel as unknown as ConsoleChannel, stdioOf(term)));
      await tick();
      const before = stdout.text;
      expect(before.endsWith(CURSOR_SHOW + ALT_SCREEN_OFF)).toBe(true);
      expect(stdin.isRaw).toBe(true);
      expect(stdin.listenerCount('readable')).toBe(0);
      stdin.write('1+41\r\x03');
      channel.say('=> 42\r\n');
      term.output.write('a frame drawn while the console runs\n');
      await tick();
      expect(channel.typed).toBe('1+41\r\x03');
      expect(keys).toEqual([]);
      expect(stdout.text.slice(before.length)).toBe('=> 42\r\n');

      channel.exit(0);
      expect(await lent).toEqual({ code: 0, lost: false });
      const after = stdout.text.slice(before.length + '=> 42\r\n'.length);
      expect(after.startsWith(ALT_SCREEN_ON)).toBe(true);
      expect(after).toContain('a frame drawn while the console runs');
      expect(stdin.isRaw).toBe(true);
      expect(stdin.listenerCount('readable')).toBe(1);
      stdin.write('j');
      await tick();
      expect(keys).toEqual(['j']);
      expect(channel.typed).toBe('1+41\r\x03');
      term.restore();
    },
  );

  it('Given a console borrowing the terminal, When the connection is lost, Then the control center gets it back all the same', async () => {
    const { stdin, stdout, term, keys } = controlCenter();
    term.output.write(FRAME);
    await tick();
    const channel = new Channel();
    const lent = term.handOver(() => attachTerminal(channel as unknown as ConsoleChannel, stdioOf(term)));
    await tick();
    channel.lose();
    expect(await lent).toEqual({ code: 255, lost: true });
    expect(stdout.text.endsWith(FRAME)).toBe(true);
    stdin.write('k');
    await tick();
    expect(keys).toEqual(['k']);
    term.restore();
    expect(stdin.isRaw).toBe(false);
  });
});
