import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryOfCgroup } from '../../../../server/services/apps/cgroup-memory.js';

describe('memory of a cgroup without memory accounting', () => {
  it('Given a v1 name=systemd tree listing this process, When summed, Then it is this process RSS from the real /proc', async () => {
    const sysFs = await mkdtemp(path.join(tmpdir(), 'hms-cg-'));
    await mkdir(path.join(sysFs, 'systemd/system.slice/cigar.service'), { recursive: true });
    await writeFile(path.join(sysFs, 'systemd/system.slice/cigar.service/cgroup.procs'), `${process.pid}\n999999999\n`);
    const bytes = await memoryOfCgroup('/system.slice/cigar.service', { sysFs });
    expect(bytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(Math.abs(bytes! - process.memoryUsage().rss)).toBeLessThan(50 * 1024 * 1024);
  });

  it('Given a path that climbs out or a missing cgroup, When asked, Then null', async () => {
    const sysFs = await mkdtemp(path.join(tmpdir(), 'hms-cg-'));
    expect(await memoryOfCgroup('/../../etc', { sysFs })).toBeNull();
    expect(await memoryOfCgroup('/system.slice/none.service', { sysFs })).toBeNull();
  });
});
