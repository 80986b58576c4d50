import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isOurAptCache } from './test-server-apt-cache.js';
import { isOurNspawn } from './test-server-boot.js';
import { removeServerCgroups } from './test-server-cgroup.js';
import { removeDirSafely } from './test-server-mounts.js';
import { isRunning, run, signal, startTime, terminate } from './test-server-process.js';
import { withLock } from './test-server-lock.js';
import { MACHINE_NAME, MACHINES_DIR, RUN_DIR, TEMP_PREFIX, vethName } from './test-server-paths.js';
import { readRecords, removeRecord, type ProcessRef, type ServerRecord } from './test-server-registry.js';
import { waitUntil } from './wait-for.js';

// Same PID and same kernel start time: still the process we recorded, not a reuse.
function alive(ref: ProcessRef | undefined): ref is ProcessRef {
  return ref !== undefined && isRunning(ref.pid) && startTime(ref.pid) === ref.start;
}

/**
 * Stops everything one record holds and removes it, in the order that lets each step
 * succeed: processes first (they hold the veth and the copy), then links, then files,
 * and the record last so a crash midway leaves something to reap.
 */
export async function teardown(record: ServerRecord): Promise<void> {
  const { nspawn, init, aptCache } = record;
  if (alive(nspawn) && isOurNspawn(nspawn.pid, record.name)) {
    // SIGTERM makes nspawn ask the container's systemd for a clean halt (0.3-2 s).
    await terminate(nspawn.pid, 10_000);
  }
  // If nspawn was SIGKILLed its container lives on, orphaned; killing a PID
  // namespace's init kills everything in it.
  if (alive(init)) {
    signal(init.pid, 'SIGKILL');
    await waitUntil(() => !isRunning(init.pid), 5_000);
  }
  await removeServerCgroups(record.name);
  if (alive(aptCache) && isOurAptCache(aptCache.pid, record.tempDir)) await terminate(aptCache.pid, 5_000);
  await removeVeth(vethName(record.name));
  if (record.rootDir.startsWith(`${MACHINES_DIR}/`)) {
    await removeDirSafely(record.rootDir);
    await rm(join(MACHINES_DIR, `.#${record.name}.lck`), { force: true });
  }
  if (record.tempDir.startsWith(TEMP_PREFIX)) await removeDirSafely(record.tempDir);
  await removeRecord(record.name);
}

// The veth normally dies with the container's network namespace, but that happens
// asynchronously, so it may vanish between our look and our delete: judge by the result.
async function removeVeth(veth: string): Promise<void> {
  const present = () => existsSync(`/sys/class/net/${veth}`);
  if (!present()) return;
  const deleted = await run(['ip', 'link', 'del', veth]);
  if (!(await waitUntil(() => !present(), 2_000))) throw new Error(`could not remove ${veth}: ${deleted.stderr}`);
}

/** Left behind: the test process that made it is gone (crash, kill -9). */
function ownerGone(record: ServerRecord): boolean {
  return !alive(record.owner);
}

/**
 * Cleans up after runs that crashed: servers whose owning process is dead, plus (for
 * the global teardown, when every worker is done) those owned by this very process.
 * Servers of another vitest run still in progress are left alone. One leftover that
 * can't be removed must not stop the run: it is reported, and the next reap retries.
 */
export async function reapLeftovers(opts: { includeOwn?: boolean } = {}): Promise<{ reaped: string[]; failed: string[] }> {
  await mkdir(RUN_DIR, { recursive: true });
  // Two runs starting at once would otherwise tear down the same leftover together.
  return withLock(join(RUN_DIR, 'reap.lock'), 120_000, async () => {
    const reaped: string[] = [];
    const failed: string[] = [];
    const attempt = async (name: string, work: () => Promise<void>) => {
      try {
        await work();
        reaped.push(name);
      } catch (err) {
        failed.push(`${name}: ${(err as Error).message}`);
      }
    };
    for (const record of readRecords()) {
      if (ownerGone(record) || (opts.includeOwn && record.owner.pid === process.pid)) {
        await attempt(record.name, () => teardown(record));
      }
    }
    // A copy whose record is gone was being deleted when its owner died. List the copies
    // before reading the records: a record is written before its copy exists, so a
    // server being set up right now is always among the records read afterwards.
    const entries = existsSync(MACHINES_DIR) ? readdirSync(MACHINES_DIR) : [];
    const known = new Set(readRecords().map((r) => r.name));
    for (const entry of entries) {
      const name = machineOf(entry);
      if (name !== undefined && !known.has(name)) await attempt(name, () => removeDirSafely(join(MACHINES_DIR, entry)));
    }
    return { reaped: [...new Set(reaped)], failed };
  });
}

// A copy, or the ".#NAME.lck" that nspawn keeps beside it and leaves when it is killed.
function machineOf(entry: string): string | undefined {
  const name = entry.replace(/^\.#(.*)\.lck$/, '$1');
  return MACHINE_NAME.test(name) ? name : undefined;
}
