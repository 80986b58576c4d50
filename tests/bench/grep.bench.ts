/**
 * Log grep throughput: a 1 GB nginx access log (combined format, ~0.1% of lines
 * with status 503) on this host, searched by the bundled agent running as its own
 * process (GET /api/logs/nginx:access?grep=) against `grep -c` on the same file in
 * the same run, plus the agent's peak RSS (VmHWM) while it searches. The file is
 * always deleted afterwards.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { exec } from '../../src/platform/exec.js';
import { startLocalAgent } from '../support/agent-process.js';
import { median, row, sample, type Samples } from './measure.js';

const LOG_BYTES = 1024 ** 3;
const PATTERN = ' 503 ';
const MB = 1024 * 1024;

/** A small, fast PRNG so the file is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'HEAD', 'PUT'];
const PATHS = [
  '/',
  '/up',
  '/cigars',
  '/cigars/%d',
  '/cigars/%d/reviews',
  '/tobacco/blends/%d',
  '/api/v1/orders?page=%d',
  '/assets/application-%x.css',
  '/assets/application-%x.js',
  '/login',
  '/cart/items/%d',
  '/search?q=maduro+%d',
];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'curl/7.88.1',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];
const REFERERS = ['-', '-', 'https://cigar.example/', 'https://www.google.com/', 'https://tobacco.example/blends'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

function status(r: number): number {
  if (r < 0.001) return 503;
  if (r < 0.004) return 500;
  if (r < 0.03) return 404;
  if (r < 0.08) return 304;
  if (r < 0.1) return 302;
  return 200;
}

/** Writes `bytes` of combined-format lines, one second of traffic per ~40 lines, and returns the line count. */
export async function writeAccessLog(file: string, bytes: number): Promise<number> {
  const next = random(20261125);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const out = createWriteStream(file);
  let time = Date.UTC(2026, 10, 1) / 1000;
  let written = 0;
  let lines = 0;
  while (written < bytes) {
    const chunk: string[] = [];
    for (let i = 0; i < 10_000; i += 1) {
      if (next() < 0.025) time += 1;
      const d = new Date(time * 1000);
      const stamp =
        `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:` +
        `${two(d.getUTCSeconds())} +0000`;
      const ip = `${Math.floor(next() * 223) + 1}.${Math.floor(next() * 256)}.${Math.floor(next() * 256)}.${Math.floor(next() * 254) + 1}`;
      const url = pick(PATHS)
        .replace('%d', String(Math.floor(next() * 5000)))
        .replace('%x', Math.floor(next() * 0xffffffff).toString(16));
      const code = status(next());
      // Never exactly 503 bytes, so " 503 " means the status.
      const size = code === 304 ? 0 : 504 + Math.floor(next() * 60_000);
      chunk.push(`${ip} - - [${stamp}] "${pick(METHODS)} ${url} HTTP/1.1" ${code} ${size} "${pick(REFERERS)}" "${pick(AGENTS)}"\n`);
    }
    const text = chunk.join('');
    written += Buffer.byteLength(text);
    lines += chunk.length;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return lines;
}

const mbPerSecond = (bytes: number, samples: Samples) => bytes / MB / (median(samples.ms) / 1000);

export async function benchLogGrep(runs = 3): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-bench-grep-'));
  const file = path.join(dir, 'access.log');
  try {
    const started = Date.now();
    const lines = await writeAccessLog(file, LOG_BYTES);
    const { size } = await stat(file);
    const generated = `generated ${(size / MB).toFixed(0)} MB, ${lines} lines in ${((Date.now() - started) / 1000).toFixed(1)} s`;

    // The same locale the agent gives grep (C.UTF-8), so the two differ only in what the agent adds.
    let baselineCount = '';
    const baseline = await sample(`grep -c '${PATTERN}' (1 GB, LC_ALL=C.UTF-8)`, runs, async () => {
      const result = await exec(['grep', '-c', PATTERN, file], { env: { ...process.env, LC_ALL: 'C.UTF-8' } });
      baselineCount = result.stdout.trim();
    });

    const agent = await startLocalAgent({ nginx: { accessLog: file } });
    try {
      const idleRss = await agent.memory('VmRSS');
      let matched = -1;
      const ours = await sample(`agent GET /api/logs/nginx:access?grep='${PATTERN}'`, runs, async () => {
        const response = await agent.get(`/api/logs/nginx:access?grep=${encodeURIComponent(PATTERN)}&lines=10000`);
        if (response.status !== 200) throw new Error(`agent answered ${response.status}: ${response.body.slice(0, 300)}`);
        matched = (JSON.parse(response.body) as { matched: number }).matched;
      });
      const peak = await agent.memory('VmHWM');
      return [
        generated,
        row(baseline),
        row(ours),
        `grep -c throughput ${mbPerSecond(size, baseline).toFixed(0).padStart(8)} MB/s   (${baselineCount} matching lines)`,
        `agent grep throughput ${mbPerSecond(size, ours).toFixed(0).padStart(5)} MB/s   (${matched} matching lines returned)`,
        `${'agent throughput / grep -c throughput'.padEnd(56)} ${(median(baseline.ms) / median(ours.ms)).toFixed(2)}   (goal: >= 0.5)`,
        `agent RSS: ${(idleRss / MB).toFixed(1)} MB before, ` +
          `peak (VmHWM) ${(peak / MB).toFixed(1)} MB while searching   (goal: peak < 100 MB)`,
      ];
    } finally {
      await agent.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
