/**
 * There is no journald on this host, so these tests pass a recording exec that
 * answers with `journalctl -o short-iso --reverse` output as systemd 252 (Debian 12)
 * prints it: `%Y-%m-%dT%H:%M:%S%z host ident[pid]: message`, newest entry first,
 * continuation lines of a multi-line message indented under it. The same reads run
 * against a real journal in the e2e suite.
 */
import { describe, expect, it } from 'vitest';
import { exec as realExec } from '../../../../src/platform/exec.js';
import type { exec as execDoor, ExecOptions, ExecResult } from '../../../../src/platform/exec.js';
import { journalFollowArgv, journalReadArgv, parseNewestFirst, readJournal } from '../../../../server/services/logs/journal.js';
import { OUTPUT_BUDGET_BYTES } from '../../../../server/services/logs/files.js';

const NEWEST_FIRST =
  [
    "2026-11-25T18:05:00+0000 web1 puma[812]: ActionView::Template::Error (undefined method `name' for nil):",
    `${' '.repeat('2026-11-25T18:05:00+0000 web1 puma[812]: '.length)}app/views/cigars/show.html.erb:3`,
    '2026-11-25T18:04:00+0000 web1 puma[812]: Completed 200 OK in 12ms',
    '2026-11-25T18:03:00+0000 web1 puma[812]: Started GET "/cigars/1" for 203.0.113.9',
    '2026-11-25T18:02:12+0000 web1 systemd[1]: Started cigar.service - Cigar (puma).',
  ].join('\n') + '\n';

function recordingExec(answer: (argv: readonly string[]) => Partial<ExecResult> & { chunks?: string[] }) {
  const calls: string[][] = [];
  const exec = (async (argv: readonly string[], options: ExecOptions = {}) => {
    calls.push([...argv]);
    const { chunks = [], ...rest } = answer(argv);
    let aborted = false;
    for (const chunk of chunks) {
      if (options.signal?.aborted) {
        aborted = true;
        break;
      }
      options.onStdout?.(Buffer.from(chunk));
    }
    return {
      argv,
      code: aborted ? null : 0,
      signal: aborted ? 'SIGTERM' : null,
      stdout: '',
      stderr: '',
      truncated: false,
      timedOut: false,
      aborted,
      ...rest,
    } as ExecResult;
  }) as typeof execDoor;
  return { exec, calls };
}

/** The message part of a short-iso line (continuation lines are only indented). */
const message = (text: string) => text.replace(/^\S+ \S+ \S+: /, '').trim();

const base = { unit: 'cigar.service', source: 'journal:cigar', lines: 200, ignoreCase: false, context: 0, window: {} };

describe('journalctl argv', () => {
  it(
    'Given a read with every filter, When built, ' +
      'Then it is one argv with the window as epoch seconds and the pattern glued to --grep=',
    () => {
      const argv = journalReadArgv({
        unit: 'cigar.service',
        lines: 50,
        grep: '-f/etc/shadow',
        ignoreCase: true,
        priority: 3,
        window: { since: new Date('2026-11-25T17:00:00.400Z'), until: new Date('2026-11-25T18:00:00.400Z') },
      });
      expect(argv).toEqual([
        'journalctl',
        '--no-pager',
        '--quiet',
        '-o',
        'short-iso',
        '--reverse',
        '-n',
        '51',
        '-u',
        'cigar.service',
        '--since=@1795626000',
        '--until=@1795629601',
        '-p',
        '3',
        '--grep=-f/etc/shadow',
        '--case-sensitive=false',
      ]);
    },
  );

  it('Given a follow, When built, Then it follows the unit with the asked backlog', () => {
    expect(journalFollowArgv({ unit: 'nginx.service', lines: 0 })).toEqual([
      'journalctl',
      '--no-pager',
      '--quiet',
      '-o',
      'short-iso',
      '-f',
      '-n',
      '0',
      '-u',
      'nginx.service',
    ]);
  });
});

describe('readJournal', () => {
  it('Given newest-first output, When read, Then the lines come back in time order, a multi-line message kept together', async () => {
    const { exec } = recordingExec(() => ({ chunks: [NEWEST_FIRST] }));
    const result = await readJournal(exec, { ...base, lines: 4 });
    expect(result.lines.map((l) => message(l.text))).toEqual([
      'Started GET "/cigars/1" for 203.0.113.9',
      'Completed 200 OK in 12ms',
      "ActionView::Template::Error (undefined method `name' for nil):",
      'app/views/cigars/show.html.erb:3',
    ]);
    expect(result.lines[3]!.ts).toBe('2026-11-25T18:05:00.000Z');
    expect(result.truncated).toBe(true);
    expect(result.matched).toBeUndefined();
  });

  it('Given nothing logged, When read, Then there are no lines (journalctl\'s "-- No entries --" is not one)', async () => {
    const { exec } = recordingExec(() => ({ chunks: ['-- No entries --\n'] }));
    expect(await readJournal(exec, base)).toEqual({ lines: [], truncated: false });
  });

  it(
    'Given grep with context, When read, ' + 'Then journalctl is asked without --grep and the real grep picks matches and neighbours',
    async () => {
      const recorded = recordingExec(() => ({ chunks: [NEWEST_FIRST] }));
      const calls = recorded.calls;
      // journalctl is recorded (no journald here); the matching is the real grep.
      const exec = ((argv: readonly string[], options?: ExecOptions) =>
        argv[0] === 'grep' ? realExec(argv, options) : recorded.exec(argv, options)) as typeof execDoor;
      const result = await readJournal(exec, { ...base, grep: 'Completed', context: 1 });
      expect(calls[0]!.some((arg) => arg.startsWith('--grep'))).toBe(false);
      expect(result.lines.map((l) => [l.context ?? false, message(l.text)])).toEqual([
        [true, 'Started GET "/cigars/1" for 203.0.113.9'],
        [false, 'Completed 200 OK in 12ms'],
        [true, "ActionView::Template::Error (undefined method `name' for nil):"],
      ]);
      expect(result.matched).toBe(1);
    },
  );

  it(
    'Given more output than one answer may hold, When read, ' +
      'Then journalctl is stopped and the answer is the newest part, marked truncated',
    async () => {
      const entry = (i: number) => `2026-11-25T18:00:00+0000 web1 puma[812]: request ${i} ${'x'.repeat(1000)}\n`;
      const chunks = Array.from({ length: 10_000 }, (_, i) => entry(10_000 - i)); // newest first, ~10 MB
      const { exec } = recordingExec(() => ({ chunks }));
      const result = await readJournal(exec, { ...base, lines: 10_000 });
      expect(result.truncated).toBe(true);
      expect(result.lines.at(-1)!.text).toContain('request 10000 ');
      expect(result.lines.length).toBeLessThanOrEqual(OUTPUT_BUDGET_BYTES / 1000);
    },
  );

  it('Given journalctl refusing the pattern, When read, Then the 400 quotes it', async () => {
    const { exec } = recordingExec(() => ({ code: 1, stderr: 'Bad pattern "(": missing closing parenthesis\n' }));
    await expect(readJournal(exec, { ...base, grep: '(' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('missing closing parenthesis'),
    });
  });

  it(
    'Given a grep that matches nothing, When journalctl exits 1 saying nothing (systemd 252), ' + 'Then the answer is empty, not a failure',
    async () => {
      const { exec } = recordingExec(() => ({ code: 1, stderr: '' }));
      expect(await readJournal(exec, { ...base, grep: 'no such words' })).toEqual({ lines: [], truncated: false, matched: 0 });
    },
  );

  it('Given journalctl failing otherwise, When read, Then a 502 says so', async () => {
    const { exec } = recordingExec(() => ({ code: 1, stderr: 'Failed to get journal fields: Permission denied\n' }));
    await expect(readJournal(exec, base)).rejects.toMatchObject({ status: 502 });
  });
});

describe('parseNewestFirst', () => {
  it('Given output cut while the oldest entry was printed, When parsed, Then the cut line is dropped', () => {
    const lines = parseNewestFirst('2026-11-25T18:05:00+0000 web1 a[1]: new\n2026-11-25T18:04:00+0000 web1 a[1]: ol', true);
    expect(lines.map((l) => l.text)).toEqual(['2026-11-25T18:05:00+0000 web1 a[1]: new']);
  });
});
