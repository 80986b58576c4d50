import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
/** `producer | consumer` with real processes: data flows between them, both exit statuses come back, one deadline stops both. */
import { describe, expect, it } from 'vitest';
import { execPipe } from '../../src/platform/pipe.js';

describe('execPipe', () => {
  it('Given a producer and a consumer, When they run, Then the consumer reads all the producer wrote', async () => {
    const result = await execPipe({ argv: ['sh', '-c', 'seq 1 100000'] }, { argv: ['wc', '-l'] }, { timeoutMs: 20_000 });
    expect(result.producer.code).toBe(0);
    expect(result.consumer.code).toBe(0);
    expect(result.consumer.stdout.trim()).toBe('100000');
  });

  it(
    'Given a producer that fails after writing, When the consumer succeeds on what it got, ' + 'Then the producer’s failure is reported',
    async () => {
      const result = await execPipe(
        { argv: ['sh', '-c', 'printf partial; echo "dump broke" >&2; exit 3'] },
        { argv: ['cat'] },
        { timeoutMs: 20_000 },
      );
      expect(result.producer).toMatchObject({ code: 3, stderr: 'dump broke\n' });
      expect(result.consumer).toMatchObject({ code: 0, stdout: 'partial' });
    },
  );

  it('Given a producer that never ends, When the deadline passes, Then both are stopped and say they timed out', async () => {
    const started = Date.now();
    const result = await execPipe({ argv: ['sleep', '30'] }, { argv: ['cat'] }, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.producer.timedOut).toBe(true);
    expect(result.producer.signal).toBe('SIGTERM');
  });

  it(
    'Given a consumer that stops reading, When the producer goes on writing, ' + 'Then the producer is stopped instead of blocking',
    async () => {
      const result = await execPipe({ argv: ['yes'] }, { argv: ['head', '-c', '10'] }, { timeoutMs: 20_000 });
      expect(result.consumer.code).toBe(0);
      expect(result.producer.code === 0).toBe(false);
      expect(result.producer.timedOut).toBe(false);
    },
  );

  it('Given this process blocked, When 50 MB go through the pipe, Then they get across: the bytes go child to child', async () => {
    const stamp = path.join(tmpdir(), `hms-pipe-${process.pid}-${Date.now()}`);
    const running = execPipe(
      { argv: ['head', '-c', '50000000', '/dev/zero'] },
      { argv: ['sh', '-c', 'wc -c && date +%s%3N > "$1"', 'sh', stamp] },
      { timeoutMs: 60_000 },
    );
    // The event loop stands still for 3 s: a pipe through this process would carry nothing meanwhile.
    const blockedUntil = Date.now() + 3000;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
    const result = await running;
    expect(result.consumer.stdout.trim()).toBe('50000000');
    expect(Number(await readFile(stamp, 'utf8'))).toBeLessThan(blockedUntil);
    await rm(stamp, { force: true });
  });
});
