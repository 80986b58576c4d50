/** parse_logs.sh on a ~200 MB log: every error counted while memory stays bounded (streaming). */
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRITICAL, makeTempDir, parseJson, removeDir, runTool, writeFile } from './helpers.js';
import { ago, railsLine, type Report } from './log-lines.js';

let tmp: string;
beforeAll(() => {
  tmp = makeTempDir('parse-logs-large');
});
afterAll(() => removeDir(tmp));

describe('parse_logs.sh on a large (~200 MB) log', () => {
  const LINES_PER_CHUNK = 4000;
  const ERRORS_PER_CHUNK = 40;
  let file: string;
  let chunks = 0;

  beforeAll(() => {
    // One chunk of realistic request logging (~0.9 MB) with 40 errors and 4 FATALs, written ~220 times.
    const t = ago(30);
    let chunk = '';
    for (let i = 0; i < LINES_PER_CHUNK; i++) {
      const id = `req-${i}`;
      chunk += railsLine('I', t, `Started GET "/users/${i}" for 203.0.113.${i % 255} at 2024-01-02 10:00:00 +0000`, id);
      chunk += railsLine('I', t, `  Parameters: {"id"=>"${i}", "page"=>"${i % 7}"}`, id);
      if (i % 100 === 0) chunk += railsLine('E', t, `Couldn't find Order with 'id'=${i}`, id);
      if (i % 1000 === 0) chunk += railsLine('F', t, `PG::ConnectionBad (connection to server on socket failed: No such file ${i})`, id);
    }
    const buf = Buffer.from(chunk);
    file = path.join(tmp, 'large', 'production.log');
    writeFile(file, '');
    const fd = openSync(file, 'w');
    try {
      while (chunks * buf.length < 200 * 1024 * 1024) {
        writeSync(fd, buf);
        chunks++;
      }
    } finally {
      closeSync(fd);
    }
  }, 120_000);

  afterAll(() => removeDir(path.dirname(file)));

  it('Given a ~200 MB production.log, When scanned, Then every error is counted and max RSS stays small', async (ctx) => {
    const expectedErrors = chunks * (ERRORS_PER_CHUNK + 4);
    const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
    const rssFile = path.join(tmp, 'large-rss.txt');

    const run = await runTool('parse_logs.sh', ['--json', file], {
      prefix: timeBin ? [timeBin, '-v', '-o', rssFile] : undefined,
      timeoutMs: 300_000,
    });
    const report = parseJson(run) as unknown as Report;

    // (4 FATALs per chunk: far above the default --critical 100)
    expect(run.code).toBe(CRITICAL);
    expect(report.total_errors).toBe(expectedErrors);
    expect(report.total_severe).toBe(chunks * 4);
    expect(report.files[0]?.top[0]).toEqual({ count: chunks * ERRORS_PER_CHUNK, message: "Couldn't find Order with 'id'=N" });

    if (!timeBin) ctx.skip('/usr/bin/time is not installed: max RSS not measured');
    const timeReport = readFileSync(rssFile, 'utf8');
    if (!/Maximum resident set size/.test(timeReport))
      ctx.skip(`/usr/bin/time -v does not report max RSS here: ${timeReport.slice(0, 200)}`);
    const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(timeReport)?.[1]);
    console.log(`[parse_logs] max RSS ${rssKb} KB while scanning ${(statSync(file).size / 1048576).toFixed(0)} MB`);
    expect(rssKb).toBeGreaterThan(0);
    expect(rssKb).toBeLessThan(64 * 1024);
  }, 300_000);

  it('Given the large log and --since with a small window, When scanned, Then only the window is read', async () => {
    const run = await runTool('parse_logs.sh', ['--json', '--since', '120', '--window', '10', file], { timeoutMs: 120_000 });
    const report = parseJson(run) as unknown as Report;
    expect(report.files[0]?.truncated).toBe(true);
    expect(report.total_errors).toBeGreaterThan(0);
    expect(report.total_errors).toBeLessThan(chunks * (ERRORS_PER_CHUNK + 4));
  }, 120_000);
});
