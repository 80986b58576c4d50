/**
 * The console's hand-over of a terminal: keys through raw, output and resizes passed
 * on, the terminal put back on every way the session ends. Real streams stand in for
 * the tty and for the SSH channel (ssh2's ClientChannel is a Duplex with `stderr` and
 * `setWindow`); the real tty and a real SSH session: tests/e2e/console-tui.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Connected } from '../../src/client/connect.js';
import { attachTerminal, type ConsoleChannel, openConsole, terminalWindow } from '../../src/client/console.js';
import { Channel, Screen, Tty } from '../support/console-channel.js';

function setUp() {
  const stdin = new Tty();
  const stdout = new Screen();
  const stderr = new Screen();
  const channel = new Channel();
  const terminal = {
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WritableStream,
  };
  const ended = attachTerminal(channel as unknown as ConsoleChannel, terminal);
  return { stdin, stdout, stderr, channel, ended };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Nothing of the console is left on the terminal: cooked mode, no reader, no resize listener. */
function expectRestored(stdin: Tty, stdout: Screen): void {
  expect(stdin.isRaw).toBe(false);
  expect(stdin.listenerCount('data')).toBe(0);
  expect(stdin.isPaused()).toBe(true);
  expect(stdout.listenerCount('resize')).toBe(0);
}

describe('handing the terminal to a console', () => {
  it(
    'Given a console session, When keys are typed (Ctrl-C among them), output comes and the terminal is resized, ' +
      'Then the keys reach the console raw, its output the screen, the new size the console',
    async () => {
      const { stdin, stdout, channel } = setUp();
      expect(stdin.isRaw).toBe(true);
      stdin.write('1+41\r');
      stdin.write('\x03');
      channel.say('irb(main):001:0> ');
      channel.stderr.write('a warning\n');
      stdout.rows = 30;
      stdout.columns = 100;
      stdout.emit('resize');
      await tick();
      expect(channel.typed).toBe('1+41\r\x03');
      expect(stdout.text).toBe('irb(main):001:0> ');
      expect(channel.windows).toEqual([[30, 100]]);
      channel.exit(0);
    },
  );

  it('Given the console, When it exits (Ctrl-D, `exit`), Then its code is answered and the terminal is as before', async () => {
    const { stdin, stdout, stderr, channel, ended } = setUp();
    channel.stderr.write('bye\n');
    await tick();
    channel.exit(3);
    expect(await ended).toEqual({ code: 3, lost: false });
    expectRestored(stdin, stdout);
    expect(stdin.modes).toEqual([true, false]);
    expect(stderr.text).toBe('bye\n');
    stdin.write('after');
    await tick();
    expect(channel.typed).toBe('');
  });

  it('Given the console, When it is killed by a signal, Then 128 is answered', async () => {
    const { channel, ended } = setUp();
    channel.exit(null, 'KILL');
    expect(await ended).toEqual({ code: 128, lost: false });
  });

  it('Given the console, When the connection is lost (no exit status), Then it says so and the terminal is restored', async () => {
    const { stdin, stdout, channel, ended } = setUp();
    channel.lose();
    expect(await ended).toEqual({ code: 255, lost: true });
    expectRestored(stdin, stdout);
  });

  it('Given the console, When the channel fails, Then the terminal is restored once and it ends as lost', async () => {
    const { stdin, stdout, channel, ended } = setUp();
    channel.emit('error', new Error('channel write failed'));
    channel.emit('close');
    expect(await ended).toEqual({ code: 255, lost: true });
    expectRestored(stdin, stdout);
    expect(stdin.modes).toEqual([true, false]);
  });

  it('Given a terminal already in raw mode, When a console borrows it, Then raw mode is left as it was found', async () => {
    const stdin = new Tty();
    stdin.isRaw = true;
    const stdout = new Screen();
    const channel = new Channel();
    const terminal = { stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream, stderr: stdout };
    const ended = attachTerminal(channel as unknown as ConsoleChannel, terminal);
    channel.exit(0);
    await ended;
    expect(stdin.modes).toEqual([]);
    expect(stdin.isRaw).toBe(true);
  });

  it('Given the terminal size and TERM, When the window is read, Then the console starts at that size', () => {
    const stdout = new Screen() as unknown as NodeJS.WriteStream;
    expect(terminalWindow(stdout, { TERM: 'screen-256color' })).toEqual({ term: 'screen-256color', rows: 40, cols: 120 });
    expect(terminalWindow({} as NodeJS.WriteStream, {})).toEqual({ term: 'xterm-256color', rows: 24, cols: 80 });
  });

  it('Given no SSH connection (--via https, local), When a console is opened, Then it says why, asking the agent nothing', async () => {
    let asked = false;
    const connected = {
      name: 'prod',
      local: false,
      client: {
        call: () => {
          asked = true;
        },
      },
      close: async () => {},
    } as unknown as Connected;
    await expect(openConsole(connected, 'cigar', { term: 'xterm', rows: 24, cols: 80 })).rejects.toThrow(
      'A console needs the SSH connection to prod.',
    );
    expect(asked).toBe(false);
  });
});
