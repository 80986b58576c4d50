/**
 * A log written fast on the test server, each line numbered (`seq=N`), to prove a
 * follow lost nothing: the numbers that came must be 0..total-1, each once, in order.
 * The writer is Ruby (the apps' own runtime is there): it appends Rails-style lines in
 * 10 ms slices, one write each, and holds the rate against the clock.
 */
import type { TestServer } from './test-server.js';

/** cigar's production log: a file, not the journal (journald's rate limit would drop lines at these rates). */
export const CIGAR_LOG = '/var/www/cigar/shared/log/production.log';

const WRITER = `
rate, seconds, file = Integer(ARGV[0]), Float(ARGV[1]), ARGV[2]
total = (rate * seconds).round
slice = rate / 100
pad = "x" * 60
out = File.open(file, "a")
start = Process.clock_gettime(Process::CLOCK_MONOTONIC)
seq = 0
while seq < total
  now = Time.now.utc.strftime("%Y-%m-%dT%H:%M:%S.%6N")
  buffer = +""
  [slice, total - seq].min.times { buffer << "I, [#{now} ##{Process.pid}]  INFO -- : bench seq=#{seq} #{pad}\\n"; seq += 1 }
  out.write(buffer)
  out.flush
  wait = start + (seq / slice) * 0.01 - Process.clock_gettime(Process::CLOCK_MONOTONIC)
  sleep(wait) if wait > 0
end
out.close
puts "#{seq - 1} #{(Time.now.to_f * 1000).round} #{((Process.clock_gettime(Process::CLOCK_MONOTONIC) - start) * 1000).round}"
`;

export interface Written {
  total: number;
  /** When the last line was written (ms since the epoch). */
  endMs: number;
  /** How long writing took: about `seconds` when the writer kept the rate. */
  writtenMs: number;
}

/** Appends `rate` numbered lines a second for `seconds` to `file` on the server. */
export async function writeNumberedLog(server: TestServer, file: string, rate: number, seconds: number): Promise<Written> {
  const run = await server.exec(['ruby', '-e', WRITER, String(rate), String(seconds), file], { timeoutMs: 60_000 + seconds * 1000 });
  if (run.code !== 0) throw new Error(`the log writer failed: ${run.stderr}`);
  const [, endMs, writtenMs] = run.stdout.trim().split(' ').map(Number);
  return { total: Math.round(rate * seconds), endMs: endMs!, writtenMs: writtenMs! };
}

/** The `seq=N` numbers in `text`: how many, the first and last, and how often one was not the previous + 1. */
export function sequenceOf(text: string): { count: number; first: number; last: number; jumps: number } {
  let count = 0;
  let first = -1;
  let last = -1;
  let jumps = 0;
  for (const match of text.matchAll(/\bseq=(\d+)\b/g)) {
    const n = Number(match[1]);
    if (count === 0) first = n;
    else if (n !== last + 1) jumps += 1;
    last = n;
    count += 1;
  }
  return { count, first, last, jumps };
}
