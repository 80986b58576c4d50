import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../../tui/state/log-filter.js';
import { clockTime, logEntry, logSourcesFor, logWindow, NOTE_SOURCE, orderBatch, type LogEntry } from '../../../tui/state/log-view.js';
import { RingBuffer } from '../../../tui/state/ring-buffer.js';

function bufferOf(texts: string[], capacity = 100): RingBuffer<LogEntry> {
  const buffer = new RingBuffer<LogEntry>(capacity);
  buffer.pushAll(texts.map((text, i) => logEntry(i % 2 ? 'nginx:access' : 'cigar:production', text)));
  return buffer;
}

describe('the log view', () => {
  it('Given an app, a nginx unit and the agent, When their logs are chosen, Then an app merges puma with its own nginx requests', () => {
    expect(logSourcesFor('cigar', 'app')).toEqual(['cigar:production', 'cigar:nginx']);
    expect(logSourcesFor('nginx', 'nginx')).toEqual(['nginx:access', 'nginx:error']);
    expect(logSourcesFor('agent', 'agent')).toEqual(['journal:agent']);
  });

  it('Given 10 lines and room for 3, When following, Then the newest 3 show, oldest first', () => {
    const buffer = bufferOf(Array.from({ length: 10 }, (_, i) => `line ${i}`));
    const view = logWindow(buffer, { filter: parseFilter(''), end: buffer.total, offset: 0, height: 3 });
    expect(view.lines.map((l) => l.text)).toEqual(['line 7', 'line 8', 'line 9']);
    expect(view.more).toBe(true);
  });

  it('Given a filter and its inverse, When windowed, Then they split the lines between them', () => {
    const buffer = bufferOf(['GET /up', 'GET /orders', 'RuntimeError (boom)', 'GET /up', 'GET /cart']);
    const text = (filter: string) =>
      logWindow(buffer, { filter: parseFilter(filter), end: buffer.total, offset: 0, height: 10 }).lines.map((l) => l.text);
    expect(text('/up')).toEqual(['GET /up', 'GET /up']);
    expect(text('!/up')).toEqual(['GET /orders', 'RuntimeError (boom)', 'GET /cart']);
  });

  it('Given a paused view scrolled up by 2 matching lines, When more lines arrive, Then the window stays put', () => {
    const buffer = bufferOf(['a1', 'b', 'a2', 'b', 'a3', 'b', 'a4']);
    const pausedAt = buffer.total;
    buffer.pushAll([logEntry('cigar:production', 'a5')]);
    const view = logWindow(buffer, { filter: parseFilter('a'), end: pausedAt, offset: 2, height: 2 });
    expect(view.lines.map((l) => l.text)).toEqual(['a1', 'a2']);
    expect(view.more).toBe(false);
  });

  it('Given a filter, When our own notes are in the buffer, Then they always show', () => {
    const buffer = bufferOf(['GET /up']);
    buffer.push({ source: NOTE_SOURCE, text: 'cigar:production: lost the connection' });
    expect(logWindow(buffer, { filter: parseFilter('nothing-matches'), end: buffer.total, offset: 0, height: 5 }).lines).toHaveLength(1);
  });

  it(
    'Given a 50,000-line buffer fed 80,000 lines, When windowed with a rare match, ' +
      'Then only held lines are searched and the cap holds',
    () => {
      const buffer = new RingBuffer<LogEntry>(50_000);
      for (let i = 0; i < 80_000; i += 1) buffer.push(logEntry('cigar:production', i % 10_000 === 0 ? `MATCH ${i}` : `seq=${i}`));
      const view = logWindow(buffer, { filter: parseFilter('MATCH'), end: buffer.total, offset: 0, height: 10 });
      expect(buffer.size).toBe(50_000);
      expect(view.lines.map((l) => l.text)).toEqual(['MATCH 30000', 'MATCH 40000', 'MATCH 50000', 'MATCH 60000', 'MATCH 70000']);
    },
  );

  it('Given lines from two logs in one batch, When ordered, Then they go by time and each log keeps its order', () => {
    const batch = [
      logEntry('cigar:production', 'p1', '2026-01-01T10:00:02.000Z'),
      logEntry('cigar:production', 'p2', '2026-01-01T10:00:03.000Z'),
      logEntry('nginx:access', 'n1', '2026-01-01T10:00:01.000Z'),
      logEntry('nginx:access', 'n2', '2026-01-01T10:00:03.000Z'),
    ];
    expect(orderBatch(batch).map((e) => e.text)).toEqual(['n1', 'p1', 'p2', 'n2']);
  });

  it('Given a line with terminal escapes, When it becomes an entry, Then they are shown, not obeyed', () => {
    expect(logEntry('x', 'evil \u001b[2J').text).toBe('evil \\x1b[2J');
  });

  it('Given ISO times, When shown, Then as a clock with milliseconds', () => {
    expect(clockTime('2026-01-01T10:02:03.4Z')).toBe('10:02:03.400');
    expect(clockTime(undefined)).toBe('--:--:--.---');
  });
});
