/** The deploy lock file (real temp folders): exclusive, says who/when/why, released only by its holder. */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, lockFile, readLock, removeLock } from '../../../../server/services/deploys/lock.js';

const clock = () => new Date('2026-01-25T10:02:00Z');
const options = (stateDir: string, by: string, kind: 'deploy' | 'manual' = 'deploy') => ({
  stateDir,
  app: 'cigar',
  by,
  reason: `${by} deploys`,
  kind,
  clock,
});

describe('deploy lock', () => {
  it('Given ten deploys at once, When they take the lock, Then exactly one gets it and the others learn who has it', async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'hms-lock-'));
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => acquireLock(options(stateDir, `user${i}`))));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const holder = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>>).value.lock.by;
    for (const lost of results.filter((r) => r.status === 'rejected')) {
      expect((lost as PromiseRejectedResult).reason).toMatchObject({ status: 423, hint: 'Wait, or run `hms unlock cigar`.' });
      expect((lost as PromiseRejectedResult).reason.message).toContain(
        `held by ${holder} since 2026-01-25T10:02:00.000Z (reason: ${holder} deploys)`,
      );
    }
  });

  it('Given a held lock, When read, Then it says who, when, why and which process; released, it is gone', async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'hms-lock-'));
    const held = await acquireLock(options(stateDir, 'alice'));
    expect(await readLock(stateDir, 'cigar')).toEqual({
      app: 'cigar',
      by: 'alice',
      at: '2026-01-25T10:02:00.000Z',
      reason: 'alice deploys',
      kind: 'deploy',
      pid: process.pid,
      stale: false,
    });
    await held.release();
    expect(await readLock(stateDir, 'cigar')).toBeNull();
  });

  it('Given a lock removed and taken again by someone else, When the first holder releases, Then the new lock stays', async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'hms-lock-'));
    const first = await acquireLock(options(stateDir, 'alice', 'manual'));
    await removeLock(stateDir, 'cigar');
    await acquireLock(options(stateDir, 'bob', 'manual'));
    await first.release();
    expect(await readLock(stateDir, 'cigar')).toMatchObject({ by: 'bob' });
  });

  it('Given a running deploy, When unlocked by hand, Then 409: its lock goes when it ends', async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'hms-lock-'));
    const held = await acquireLock(options(stateDir, 'alice'));
    await expect(removeLock(stateDir, 'cigar')).rejects.toMatchObject({ status: 409 });
    await held.release();
  });

  it(
    'Given a lock naming this process that it does not hold (left by a crash before a pid reuse), ' + 'When read, Then it is stale',
    async () => {
      const stateDir = await mkdtemp(path.join(tmpdir(), 'hms-lock-'));
      const held = await acquireLock(options(stateDir, 'alice'));
      const text = await readFile(lockFile(stateDir, 'cigar'), 'utf8');
      await held.release();
      const { writeFile } = await import('node:fs/promises');
      await writeFile(lockFile(stateDir, 'cigar'), text.replace(/"token":"[^"]+"/, '"token":"other"'));
      expect(await readLock(stateDir, 'cigar')).toMatchObject({ stale: true });
      expect(await removeLock(stateDir, 'cigar')).toMatchObject({ by: 'alice', stale: true });
    },
  );
});
