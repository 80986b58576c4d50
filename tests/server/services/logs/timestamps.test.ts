import { describe, expect, it } from 'vitest';
import { LineClock, lineTime } from '../../../../server/services/logs/timestamps.js';

/** Times written without an offset are the server's local time: build the expectation the same way. */
const local = (...parts: [number, number, number, number, number, number, number?]) =>
  new Date(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5], parts[6] ?? 0).toISOString();

describe('lineTime', () => {
  it('Given an nginx access line, When read, Then its [time_local] with its offset is the time', () => {
    const line = '203.0.113.9 - - [25/Nov/2026:18:02:11 +0100] "GET /up HTTP/1.1" 200 2 "-" "curl/7.88.1"';
    expect(lineTime('nginx-access', line)?.toISOString()).toBe('2026-11-25T17:02:11.000Z');
  });

  it('Given an nginx error line, When read, Then its leading local date-time is the time', () => {
    const line = '2026/11/25 18:02:11 [error] 812#812: *1 connect() to unix:/var/www/cigar/shared/tmp/sockets/puma.sock failed';
    expect(lineTime('nginx-error', line)?.toISOString()).toBe(local(2026, 11, 25, 18, 2, 11));
  });

  it('Given Rails logger lines, When read, Then the bracketed time (local, with milliseconds) is the time', () => {
    const line = 'I, [2026-11-25T18:02:11.123456 #123]  INFO -- : [9f1c] Started GET "/" for 203.0.113.9';
    expect(lineTime('rails', line)?.toISOString()).toBe(local(2026, 11, 25, 18, 2, 11, 123));
    expect(lineTime('rails', '2026-11-25T18:02:11Z puma started')?.toISOString()).toBe('2026-11-25T18:02:11.000Z');
  });

  it('Given Rails\' own request lines (tagged or not), When read, Then the "Started ... at" time with its offset is the time', () => {
    const tagged = '[0f6b1c52-6f0e-4bd4-9d7a-1e2f3a4b5c6d] Started GET "/" for 127.0.0.1 at 2026-12-03 14:46:15 +0000';
    expect(lineTime('rails', tagged)?.toISOString()).toBe('2026-12-03T14:46:15.000Z');
    expect(lineTime('rails', 'Started POST "/cigars?x=1" for 203.0.113.9 at 2026-12-03 15:46:15 +0100')?.toISOString()).toBe(
      '2026-12-03T14:46:15.000Z',
    );
    const logger = 'I, [2026-12-03T14:46:15.123456 #1234]  INFO -- : [0f6b1c52] Started GET "/" for 127.0.0.1 at 2026-12-03 14:46:15 +0000';
    expect(lineTime('rails', logger)?.toISOString()).toBe(local(2026, 12, 3, 14, 46, 15, 123));
    expect(lineTime('rails', '[0f6b1c52] Processing by CigarsController#index as HTML')).toBeUndefined();
    expect(lineTime('rails', '[0f6b1c52] Parameters: {"q"=>"Started GET \\"/\\" for x at 2026-12-03 14:46:15 +0000"}')).toBeUndefined();
  });

  it('Given journalctl short-iso lines in systemd 252 and newer styles, When read, Then both offsets parse', () => {
    expect(lineTime('journal', '2026-11-25T18:02:11+0000 web1 puma[812]: Listening')?.toISOString()).toBe('2026-11-25T18:02:11.000Z');
    expect(lineTime('journal', '2026-11-25T19:02:11+01:00 web1 puma[812]: Listening')?.toISOString()).toBe('2026-11-25T18:02:11.000Z');
  });

  it('Given lines with no time of their own, When read, Then there is none (and no other format is guessed)', () => {
    expect(lineTime('rails', '  app/models/cigar.rb:12:in `box`')).toBeUndefined();
    expect(lineTime('nginx-error', 'I, [2026-11-25T18:02:11.123456 #123]  INFO -- : x')).toBeUndefined();
    expect(lineTime('nginx-access', '[99/Foo/2026:18:02:11 +0000]')).toBeUndefined();
  });
});

describe('LineClock', () => {
  it("Given a request in Rails' default format, When stamped in order, Then every line of it carries the Started line's time", () => {
    const clock = new LineClock('rails');
    const request = [
      '[0f6b1c52] Started GET "/" for 127.0.0.1 at 2026-12-03 14:46:15 +0000',
      '[0f6b1c52] Processing by CigarsController#index as HTML',
      '[0f6b1c52]   Rendered cigars/index.html.erb within layouts/application (Duration: 2.1ms | Allocations: 812)',
      '[0f6b1c52] Completed 200 OK in 5ms (Views: 3.0ms | ActiveRecord: 0.4ms | Allocations: 2301)',
    ];
    expect(request.map((text) => clock.stamp(text).ts)).toEqual(Array(4).fill('2026-12-03T14:46:15.000Z'));
  });

  it("Given a stack trace after a timed line, When stamped in order, Then the trace lines carry that line's time", () => {
    const clock = new LineClock('rails');
    const stamped = ['orphan before any time', 'E, [2026-11-25T18:02:11.000000 #1] ERROR -- : boom', '  from a.rb:1'].map((text) =>
      clock.stamp(text),
    );
    expect(stamped[0]).toEqual({ text: 'orphan before any time' });
    expect(stamped[2]!.ts).toBe(stamped[1]!.ts);
  });
});
