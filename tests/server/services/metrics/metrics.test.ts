import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../../../src/platform/exec.js';
import { diskUsage } from '../../../../server/services/metrics/disks.js';
import { allRequestsPerMinute, parseAccessLine, requestsPerMinute } from '../../../../server/services/metrics/nginx.js';
import { CpuSampler, parseCpuTimes, parseLoadavg, parseMeminfo, parseUptime, readProc } from '../../../../server/services/metrics/proc.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hms-metrics-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A combined-format line as nginx writes it. */
function accessLine(time: string, status: number, request = 'GET / HTTP/1.1'): string {
  return `203.0.113.7 - - [${time}] "${request}" ${status} 612 "-" "Mozilla/5.0 (X11; Linux x86_64)"`;
}

describe("/proc counters (this host's real /proc)", () => {
  it('Given /proc/stat, When parsed, Then busy time is part of the total and every core is counted', async () => {
    const { readFile } = await import('node:fs/promises');
    const times = parseCpuTimes(await readFile('/proc/stat', 'utf8'));
    expect(times.busy).toBeGreaterThan(0);
    expect(times.busy).toBeLessThan(times.total);
    expect(times.cores).toBe(os.cpus().length);
  });

  it('Given no previous sample, When CPU use is measured, Then two samples ~200 ms apart give a percentage', async () => {
    const cpu = await new CpuSampler('/proc').measure();
    expect(cpu.percent).toBeGreaterThanOrEqual(0);
    expect(cpu.percent).toBeLessThanOrEqual(100);
    expect(cpu.sampleMs).toBeGreaterThanOrEqual(195);
  });

  it('Given a recent previous call, When measured again, Then the delta since that call is used without waiting', async () => {
    const sampler = new CpuSampler('/proc');
    await sampler.measure();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const started = Date.now();
    const cpu = await sampler.measure();
    expect(Date.now() - started).toBeLessThan(150);
    expect(cpu.sampleMs).toBeGreaterThanOrEqual(395);
  });

  it('Given the real meminfo, loadavg and uptime, When read, Then they agree with what Node reports', async () => {
    const proc = await readProc('/proc');
    expect(proc.memory.totalBytes).toBe(os.totalmem());
    expect(proc.memory.usedBytes).toBe(proc.memory.totalBytes - proc.memory.availableBytes);
    expect(proc.memory.usedPercent).toBeGreaterThan(0);
    expect(proc.swap.usedBytes).toBe(proc.swap.totalBytes - proc.swap.freeBytes);
    expect(proc.load.one).toBeCloseTo(os.loadavg()[0]!, 0);
    expect(Math.abs(proc.uptimeSeconds - os.uptime())).toBeLessThanOrEqual(2);
  });

  it('Given proc(5) sample text, When parsed, Then the exact figures come out', () => {
    expect(parseCpuTimes('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 100 0 50 800 50 0 0 0 0 0\n', 1)).toEqual({
      busy: 150,
      total: 1000,
      cores: 1,
      at: 1,
    });
    const { memory, swap } = parseMeminfo(
      'MemTotal:        2000 kB\nMemFree:          100 kB\nMemAvailable:     500 kB\nSwapTotal:       1000 kB\nSwapFree:         750 kB\n',
    );
    expect(memory).toEqual({ totalBytes: 2_048_000, availableBytes: 512_000, usedBytes: 1_536_000, usedPercent: 75 });
    expect(swap).toEqual({ totalBytes: 1_024_000, freeBytes: 768_000, usedBytes: 256_000, usedPercent: 25 });
    expect(parseMeminfo('SwapTotal: 0 kB\nSwapFree: 0 kB\n').swap.usedPercent).toBe(0);
    expect(parseLoadavg('0.52 0.58 0.59 1/467 12345\n')).toEqual({ one: 0.52, five: 0.58, fifteen: 0.59 });
    expect(parseUptime('350735.47 234388.90\n')).toBe(350735);
  });
});

describe('disks', () => {
  it(
    'Given / and /var on one device, an extra folder and a missing one, ' + 'When measured, Then each device appears once, as df sees it',
    async () => {
      const sameDevice = (await stat('/')).dev === (await stat('/var')).dev;
      const disks = await diskUsage(['/', '/var', dir, path.join(dir, 'no-such-app')]);

      const root = disks.find((disk) => disk.path === '/')!;
      if (sameDevice) expect(root.paths).toContain('/var');
      expect(disks.flatMap((disk) => disk.paths)).not.toContain(path.join(dir, 'no-such-app'));
      expect(new Set(disks.flatMap((disk) => disk.paths)).size).toBe(disks.flatMap((disk) => disk.paths).length);

      const df = await exec(['df', '-B1', '--output=size,used,avail,itotal,iused', '/']);
      const [size, used, avail, itotal, iused] = df.stdout.trim().split('\n')[1]!.trim().split(/\s+/).map(Number);
      expect(root.sizeBytes).toBe(size);
      expect(Math.abs(root.usedBytes - used!)).toBeLessThan(64 * 1024 * 1024);
      expect(Math.abs(root.freeBytes - avail!)).toBeLessThan(64 * 1024 * 1024);
      expect(root.inodesTotal).toBe(itotal);
      expect(Math.abs(root.inodesUsed - iused!)).toBeLessThan(1000);
    },
  );
});

describe('nginx requests per minute', () => {
  const now = new Date('2026-11-25T18:02:30Z');

  it('Given combined-format lines, When parsed, Then the time zone offset and the status are read; other lines are not', () => {
    expect(parseAccessLine(accessLine('25/Nov/2026:18:02:11 +0000', 200))).toEqual({
      time: Date.parse('2026-11-25T18:02:11Z'),
      status: 200,
    });
    expect(parseAccessLine(accessLine('25/Nov/2026:19:02:11 +0100', 502))).toEqual({
      time: Date.parse('2026-11-25T18:02:11Z'),
      status: 502,
    });
    expect(parseAccessLine(accessLine('25/Nov/2026:18:02:11 +0000', 404, 'GET /a\\x22b HTTP/1.1'))!.status).toBe(404);
    expect(parseAccessLine('garbage')).toBeNull();
    expect(parseAccessLine('203.0.113.7 - - [25/Foo/2026:18:02:11 +0000] "GET / HTTP/1.1" 200 1')).toBeNull();
    expect(parseAccessLine('203.0.113.7 - - [25/Nov/2026:18:02:11 +0000] "GET / HTTP/1.1" twohundred 1')).toBeNull();
  });

  it(
    'Given a log with lines inside, older than, and not in the format, When counted, ' +
      'Then each minute has its requests and 5xx and reading stops at the window',
    async () => {
      const file = path.join(dir, 'access.log');
      await writeFile(
        file,
        [
          // Before the older line: never reached, as the read stops at the first line outside the window.
          accessLine('25/Nov/2026:18:00:30 +0000', 500),
          accessLine('25/Nov/2026:17:59:59 +0000', 200),
          accessLine('25/Nov/2026:18:00:10 +0000', 200),
          accessLine('25/Nov/2026:18:00:50 +0000', 502),
          'this is not an access log line',
          accessLine('25/Nov/2026:19:01:05 +0100', 200),
          accessLine('25/Nov/2026:18:01:40 +0000', 404),
          '',
          accessLine('25/Nov/2026:18:02:05 +0000', 503),
          accessLine('25/Nov/2026:18:02:29 +0000', 200),
          '203.0.113.7 - - [25/Nov/2026:18:02:29 +0000] "GET / HTTP/1.1',
        ].join('\n') + '\n',
      );

      const result = await requestsPerMinute({ file, now, minutes: 3 });

      expect(result.perMinute).toEqual([
        { minute: '2026-11-25T18:00:00.000Z', requests: 2, errors5xx: 1 },
        { minute: '2026-11-25T18:01:00.000Z', requests: 2, errors5xx: 0 },
        { minute: '2026-11-25T18:02:00.000Z', requests: 2, errors5xx: 1 },
      ]);
      expect(result).toMatchObject({ requests: 6, errors5xx: 2, skippedLines: 2, truncated: false, error: null, minutes: 3 });
    },
  );

  it("Given the window began before logrotate, When counted, Then yesterday's access.log.1 supplies the older minutes", async () => {
    const file = path.join(dir, 'rotated.log');
    await writeFile(`${file}.1`, `${accessLine('25/Nov/2026:17:58:00 +0000', 200)}\n${accessLine('25/Nov/2026:18:00:01 +0000', 500)}\n`);
    await writeFile(file, `${accessLine('25/Nov/2026:18:01:00 +0000', 200)}\n`);
    const result = await requestsPerMinute({ file, now, minutes: 3 });
    expect(result.perMinute.map((minute) => [minute.requests, minute.errors5xx])).toEqual([
      [1, 1],
      [1, 0],
      [0, 0],
    ]);
  });

  it('Given a byte budget smaller than the window, When counted, Then it stops there and says so', async () => {
    const file = path.join(dir, 'busy.log');
    await writeFile(file, `${Array.from({ length: 1000 }, () => accessLine('25/Nov/2026:18:02:00 +0000', 200)).join('\n')}\n`);
    const result = await requestsPerMinute({ file, now, minutes: 3, maxBytes: 10_000 });
    expect(result.truncated).toBe(true);
    expect(result.requests).toBeGreaterThan(0);
    expect(result.requests).toBeLessThan(1000);
  });

  it(
    'Given apps with their own access logs, When counted, ' +
      "Then their requests add to the main log's and an app log not written yet counts nothing",
    async () => {
      const main = path.join(dir, 'main-access.log');
      const cigar = path.join(dir, 'cigar.access.log');
      await writeFile(main, `${accessLine('25/Nov/2026:18:01:00 +0000', 200)}\n`);
      await writeFile(cigar, `${accessLine('25/Nov/2026:18:01:30 +0000', 502)}\n${accessLine('25/Nov/2026:18:02:10 +0000', 200)}\n`);
      const result = await allRequestsPerMinute({ main, apps: [cigar, path.join(dir, 'tobacco.access.log')], now, minutes: 3 });
      expect(result.perMinute.map((minute) => [minute.requests, minute.errors5xx])).toEqual([
        [0, 0],
        [2, 1],
        [1, 0],
      ]);
      expect(result).toMatchObject({ file: main, requests: 3, errors5xx: 1, error: null });
    },
  );

  it('Given no access log, When counted, Then the minutes are zero and the error says which setting to check', async () => {
    const result = await requestsPerMinute({ file: path.join(dir, 'missing.log'), now, minutes: 2 });
    expect(result.perMinute).toHaveLength(2);
    expect(result.requests).toBe(0);
    expect(result.error).toMatch(/missing\.log: no such file \(check nginx\.accessLog/);
  });

  it(
    'Given an app log that is a symlink out of the log folder, When counted, ' +
      'Then it is not read and the error says why; a symlink inside the folder is read',
    async () => {
      const logs = path.join(dir, 'linked-logs');
      const outside = path.join(dir, 'outside-secret.txt');
      await mkdir(logs);
      await writeFile(outside, 'root:x:0:0:root:/root:/bin/bash\nline two\n');
      await writeFile(path.join(logs, 'access.log'), `${accessLine('25/Nov/2026:18:01:00 +0000', 200)}\n`);
      await symlink(outside, path.join(logs, 'cigar.access.log'));
      const result = await allRequestsPerMinute({
        main: path.join(logs, 'access.log'),
        apps: [path.join(logs, 'cigar.access.log')],
        now,
        minutes: 3,
      });
      expect(result).toMatchObject({ requests: 1, skippedLines: 0 });
      expect(result.error).toMatch(/Not reading .*cigar\.access\.log: it is a symlink that leads out of its folder/);

      await writeFile(path.join(logs, 'real.log'), `${accessLine('25/Nov/2026:18:02:00 +0000', 502)}\n`);
      await symlink('real.log', path.join(logs, 'tobacco.access.log'));
      expect(await requestsPerMinute({ file: path.join(logs, 'tobacco.access.log'), now, minutes: 3 })).toMatchObject({
        requests: 1,
        errors5xx: 1,
        error: null,
      });
    },
  );

  it('Given a FIFO where a log should be, When counted twice over, ' +
    'Then each answer comes at once with an error, and nothing hangs', async () => {
    const fifo = path.join(dir, 'fifo-access.log');
    expect((await exec(['mkfifo', fifo])).code).toBe(0);
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 8 }, () => allRequestsPerMinute({ main: fifo, apps: [], now, minutes: 3 })));
    expect(Date.now() - started).toBeLessThan(2000);
    for (const result of results) expect(result.error).toMatch(/Not reading .*fifo-access\.log: not a regular file/);
  }, 10_000);
});
