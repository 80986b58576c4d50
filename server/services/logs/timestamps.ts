/**
 * When a log line was written, read from the line itself. Each source has one
 * format; a line without a parsable time (a stack trace, a wrapped message) gets
 * `undefined` here and inherits the previous line's time from the caller.
 */
import { civil } from '../../../src/core/time-spec.js';

/**
 * journal: `journalctl -o short-iso`; rails: Rails' Logger (`I, [time #pid]`), any ISO
 * time at line start, or Rails' plain `Started GET "/" for ip at time` (the other lines
 * of the request inherit it).
 */
export type LineFormat = 'journal' | 'nginx-access' | 'nginx-error' | 'rails';

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

// 2026-11-25T18:02:11(.123456)(+0000|+00:00|Z); systemd 252 prints +0000, newer ones +00:00.
const ISO_AT_START = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?/;
// I, [2026-11-25T18:02:11.123456 #123]  INFO -- : ...
const RAILS_LOGGER = /^[A-Z], \[(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? #\d+\]/;
// [9f1c-uuid] Started GET "/" for 127.0.0.1 at 2026-12-03 14:46:15 +0000 (Rails' own format: the one timed line of a request)
const RAILS_REQUEST = /^(?:\[[^\]\n]{0,100}\] ){0,5}Started [A-Z]{3,10} "[^"]{0,2048}" for \S{1,100} at /;
const RAILS_STARTED = new RegExp(RAILS_REQUEST.source + /(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})()(?: ([+-]\d{4}))?$/.source);
// 203.0.113.9 - - [25/Nov/2026:18:02:11 +0000] "GET / HTTP/1.1" 200 ...
const NGINX_ACCESS = /\[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\]/;
// 2026/11/25 18:02:11 [error] 812#812: *1 connect() failed ...
const NGINX_ERROR = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) /;

export function lineTime(format: LineFormat, line: string): Date | undefined {
  const head = line.slice(0, 512);
  switch (format) {
    case 'journal':
      return iso(ISO_AT_START.exec(head));
    case 'rails':
      return (
        iso(RAILS_LOGGER.exec(head)) ??
        iso(ISO_AT_START.exec(head)) ??
        (head.includes('Started ') ? iso(RAILS_STARTED.exec(line)) : undefined)
      );
    case 'nginx-error':
      return iso(NGINX_ERROR.exec(head));
    case 'nginx-access': {
      const m = NGINX_ACCESS.exec(head);
      const month = m ? MONTHS[m[2]!] : undefined;
      if (!m || month === undefined) return undefined;
      return valid(civil([Number(m[3]), month + 1, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])], 0, m[7]));
    }
  }
}

/** Groups 1-6: Y M D h m s, 7: fraction, 8: offset (none = the server's local time). Hot on big scans: kept lean. */
function iso(m: RegExpExecArray | null): Date | undefined {
  if (!m) return undefined;
  return valid(civil([+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!], milliseconds(m[7]), m[8]));
}

export function milliseconds(fraction: string | undefined): number {
  if (!fraction) return 0;
  return fraction.length >= 3 ? +fraction.slice(0, 3) : +fraction.padEnd(3, '0');
}

function valid(date: Date): Date | undefined {
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Gives every line a time: its own, else the previous line's. One instance per
 * stream of lines in file order.
 */
export class LineClock {
  /** The last time as sent: one string shared by the lines that have it (a follow stamps 50,000 lines a second). */
  private last: string | undefined;
  private lastMs = Number.NaN;

  constructor(private readonly format: LineFormat) {}

  stamp(text: string): { text: string; ts?: string } {
    const own = lineTime(this.format, text);
    if (own && own.getTime() !== this.lastMs) {
      this.lastMs = own.getTime();
      this.last = own.toISOString();
    }
    return this.last ? { text, ts: this.last } : { text };
  }
}
