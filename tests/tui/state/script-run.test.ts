import { describe, expect, it } from 'vitest';
import { appendOutput, emptyOutput, exitMeaning, outputLines, parseArgs } from '../../../tui/state/script-run.js';

const exit = (code: number | null, extra = {}) => ({ code, signal: null, timedOut: false, durationMs: 1200, ...extra });

describe('a script run', () => {
  it('Given exit codes 0 to 3, When shown, Then they read as the Nagios states', () => {
    expect(exitMeaning(exit(0))).toEqual({ label: 'exit 0 OK (1.2 s)', level: 'ok' });
    expect(exitMeaning(exit(1)).label).toContain('WARNING');
    expect(exitMeaning(exit(2)).label).toContain('CRITICAL');
    expect(exitMeaning(exit(3)).label).toContain('UNKNOWN');
    expect(exitMeaning(exit(null, { signal: 'SIGTERM' })).label).toContain('KILLED by SIGTERM');
    expect(exitMeaning(exit(null, { timedOut: true })).label).toContain('TIMED OUT');
  });

  it('Given output in chunks that split lines, When appended, Then whole lines come out and the rest waits', () => {
    let output = appendOutput(emptyOutput(), 'stdout', 'disk / 4');
    output = appendOutput(output, 'stdout', '2%\ndisk /var 9');
    output = appendOutput(output, 'stderr', 'warning\n');
    expect(output.lines).toEqual([
      { stream: 'stdout', text: 'disk / 42%' },
      { stream: 'stderr', text: 'warning' },
    ]);
    expect(outputLines(output).at(-1)).toEqual({ stream: 'stdout', text: 'disk /var 9' });
  });

  it('Given typed arguments, When split, Then spaces separate them and nothing else is interpreted', () => {
    expect(parseArgs('  --days 3  $HOME ')).toEqual(['--days', '3', '$HOME']);
  });
});
