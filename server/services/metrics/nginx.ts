/**
 * Requests and 5xx answers per minute from the end of nginx's access logs (combined
 * format: the main one and each app's own), read backwards until the lines are
 * older than the window: time and memory depend on the window, not on the logs' size.
 */
import { constants } from 'node:fs';
import { access, open, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { NginxMetrics } from '../../../src/api/metrics.js';
import { isInsideFolder, linesFromEnd } from '../files/index.js';

const MINUTE = 60_000;
const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/**
 * `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent ...`
 * nginx escapes `"` inside the request as \x22, so the quoted part has no bare quote.
 */
const COMBINED =
  /^\S+ \S+ .*?\[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})\] "(?:[^"\\]|\\.)*" (\d{3})(?: |$)/;

export interface AccessEntry {
  /** Milliseconds since the epoch. */
  time: number;
  status: number;
}

/** One combined-format line -> its time and status; null when it is not one. */
export function parseAccessLine(line: string): AccessEntry | null {
  const match = COMBINED.exec(line);
  if (!match) return null;
  const [, day, month, year, hour, minute, second, sign, offsetHours, offsetMinutes, status] = match;
  const monthIndex = MONTHS[month!];
  if (monthIndex === undefined) return null;
  const local = Date.UTC(Number(year), monthIndex, Number(day), Number(hour), Number(minute), Number(second));
  const offset = (Number(offsetHours) * 60 + Number(offsetMinutes)) * (sign === '-' ? -1 : 1);
  return { time: local - offset * 60_000, status: Number(status) };
}

export interface AccessLogOptions {
  file: string;
  now: Date;
  /** The window: this many whole minutes, ending with the current one. */
  minutes: number;
  /** Stop reading after this many bytes, however far back the window goes. */
  maxBytes?: number;
}

export async function requestsPerMinute(options: AccessLogOptions): Promise<NginxMetrics> {
  const end = Math.floor(options.now.getTime() / MINUTE) * MINUTE + MINUTE;
  const start = end - options.minutes * MINUTE;
  const buckets = Array.from({ length: options.minutes }, (_, index) => ({
    minute: new Date(start + index * MINUTE).toISOString(),
    requests: 0,
    errors5xx: 0,
  }));
  const result: NginxMetrics = {
    file: options.file,
    minutes: options.minutes,
    perMinute: buckets,
    requests: 0,
    errors5xx: 0,
    skippedLines: 0,
    truncated: false,
    error: null,
  };
  let budget = options.maxBytes ?? 128 * 1024 * 1024;

  // After logrotate the window may begin in yesterday's file (Debian keeps
  // access.log.1 uncompressed: delaycompress).
  for (const file of [options.file, `${options.file}.1`]) {
    if (file !== options.file && !(await exists(file))) break;
    try {
      for await (const lines of linesFromEnd(await openAccessLog(file))) {
        for (const line of lines) {
          budget -= Buffer.byteLength(line) + 1;
          if (budget < 0) {
            result.truncated = true;
            return result;
          }
          const entry = parseAccessLine(line);
          if (!entry) {
            if (line.trim() !== '') result.skippedLines += 1;
            continue;
          }
          if (entry.time < start) return result;
          if (entry.time >= end) continue;
          const bucket = buckets[Math.floor((entry.time - start) / MINUTE)]!;
          bucket.requests += 1;
          result.requests += 1;
          if (entry.status >= 500 && entry.status <= 599) {
            bucket.errors5xx += 1;
            result.errors5xx += 1;
          }
        }
      }
    } catch (error) {
      result.error = readError(file, error as NodeJS.ErrnoException);
      return result;
    }
  }
  return result;
}

/**
 * The main log's figures with those of the apps' own logs added in. An app log that
 * does not exist (a site provisioned before apps had their own) counts nothing; one
 * that cannot be read is reported in `error` when the main log has none.
 */
export async function allRequestsPerMinute(
  options: Omit<AccessLogOptions, 'file'> & { main: string; apps: string[] },
): Promise<NginxMetrics> {
  const { main, apps, ...window } = options;
  const present = (await Promise.all(apps.map(async (file) => ((await exists(file)) ? [file] : [])))).flat();
  const [total, ...others] = await Promise.all([main, ...present].map((file) => requestsPerMinute({ ...window, file })));
  for (const other of others) {
    other.perMinute.forEach((bucket, index) => {
      total!.perMinute[index]!.requests += bucket.requests;
      total!.perMinute[index]!.errors5xx += bucket.errors5xx;
    });
    total!.requests += other.requests;
    total!.errors5xx += other.errors5xx;
    total!.skippedLines += other.skippedLines;
    total!.truncated ||= other.truncated;
    total!.error ??= other.error;
  }
  return total!;
}

/**
 * The log opened as the log sources are read: a symlink only to a file inside the
 * log's own folder (nginx's log folder may be writable by others than root), never
 * blocking (a FIFO there would hang every request and then libuv's thread pool),
 * and only a regular file.
 */
async function openAccessLog(file: string): Promise<FileHandle> {
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  const handle = await open(file, flags).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ELOOP') throw error;
    const [folder, real] = await Promise.all([realpath(path.dirname(file)), realpath(file)]);
    if (!isInsideFolder(folder, real)) throw Object.assign(new Error('it is a symlink that leads out of its folder'), { code: 'EOUTSIDE' });
    return open(real, flags);
  });
  const info = await handle.stat().catch(async (error: unknown) => {
    await handle.close();
    throw error;
  });
  if (!info.isFile()) {
    await handle.close();
    throw Object.assign(new Error('not a regular file'), { code: 'ENOTREG' });
  }
  return handle;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

function readError(file: string, error: NodeJS.ErrnoException): string {
  if (error.code === 'EACCES') return `Cannot read ${file}: permission denied (the agent's user needs to be in group adm).`;
  if (error.code === 'ENOENT') return `Cannot read ${file}: no such file (check nginx.accessLog in the agent config).`;
  if (error.code === 'EOUTSIDE' || error.code === 'ENOTREG')
    return `Not reading ${file}: ${error.message} (nginx writes its logs as regular files in its log folder).`;
  return `Cannot read ${file}: ${error.message}`;
}
