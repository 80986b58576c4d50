import { spawnSync } from 'node:child_process';
import { access, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sitesLockFile, withSitesLock } from '../../../../server/services/configs/lock.js';

const clock = () => new Date();
const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync('true').pid!;
}

async function lockOptions() {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'hms-lock-'));
  return { stateDir, actor: 'alice', site: 'cigar', clock };
}

describe('withSitesLock', () => {
  it('Given a change in progress, When a second one starts, Then it is refused with 423 naming the holder', async () => {
    const options = await lockOptions();
    let release!: () => void;
    const first = withSitesLock(options, () => new Promise<void>((resolve) => (release = resolve)));
    await expect(withSitesLock({ ...options, actor: 'bob' }, async () => 'never')).rejects.toMatchObject({
      status: 423,
      message: expect.stringContaining('alice (site cigar'),
    });
    release();
    await first;
    expect(await withSitesLock(options, async () => 'after')).toBe('after');
  });

  it('Given the work throws, When it ends, Then the lock is released anyway', async () => {
    const options = await lockOptions();
    await expect(withSitesLock(options, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await exists(sitesLockFile(options.stateDir))).toBe(false);
  });

  it('Given a lock older than 2 minutes from a dead process, When a change starts, Then the lock is broken', async () => {
    const options = await lockOptions();
    const file = sitesLockFile(options.stateDir);
    await writeFile(file, JSON.stringify({ pid: deadPid(), actor: 'crashed', site: 'cigar', at: '2020-01-01T00:00:00.000Z' }));
    const old = new Date(Date.now() - 3 * 60 * 1000);
    await utimes(file, old, old);
    expect(await withSitesLock(options, async () => 'ran')).toBe('ran');
  });

  it(
    'Given a fresh lock from a dead process, or an old one from a live process, ' + 'When a change starts, Then it waits its turn (423)',
    async () => {
      const options = await lockOptions();
      const file = sitesLockFile(options.stateDir);
      await writeFile(file, JSON.stringify({ pid: deadPid(), actor: 'crashed', site: 'cigar', at: 'now' }));
      await expect(withSitesLock(options, async () => 'ran')).rejects.toMatchObject({ status: 423 });

      await writeFile(file, JSON.stringify({ pid: process.pid, actor: 'slow', site: 'cigar', at: 'then' }));
      const old = new Date(Date.now() - 10 * 60 * 1000);
      await utimes(file, old, old);
      await expect(withSitesLock(options, async () => 'ran')).rejects.toMatchObject({ status: 423 });
    },
  );
});
