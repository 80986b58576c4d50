import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withLock } from './test-server-lock.js';
import { runOk, startTime } from './test-server-process.js';
import { MACHINES_DIR, RUN_DIR, machineName, SUBNET_BLOCKS, SUBNET_PREFIX, subnetAddresses, vethName } from './test-server-paths.js';

/** A process named by PID and kernel start time, so a reused PID is never mistaken for it. */
export interface ProcessRef {
  pid: number;
  start: string;
}

/**
 * What one running test server holds on this machine. Written to /run/hms-test before
 * anything is created and removed after everything is gone, so a crashed run's
 * leftovers can always be found and reaped.
 */
export interface ServerRecord {
  name: string;
  owner: ProcessRef;
  subnet: number;
  hostAddress: string;
  containerAddress: string;
  rootDir: string;
  tempDir: string;
  nspawn?: ProcessRef;
  init?: ProcessRef;
  aptCache?: ProcessRef;
}

export function processRef(pid: number): ProcessRef {
  return { pid, start: startTime(pid) ?? '' };
}

export async function saveRecord(record: ServerRecord): Promise<void> {
  const path = join(RUN_DIR, `${record.name}.json`);
  await writeFile(`${path}.tmp`, JSON.stringify(record, null, 2));
  await rename(`${path}.tmp`, path);
}

export async function removeRecord(name: string): Promise<void> {
  await rm(join(RUN_DIR, `${name}.json`), { force: true });
}

export function readRecords(): ServerRecord[] {
  if (!existsSync(RUN_DIR)) return [];
  return readdirSync(RUN_DIR)
    .filter((file) => file.endsWith('.json'))
    .flatMap((file) => {
      try {
        return [JSON.parse(readFileSync(join(RUN_DIR, file), 'utf8')) as ServerRecord];
      } catch {
        return []; // half-written by a crash; its .tmp never got renamed in
      }
    });
}

/**
 * Picks a machine name and a /30 nobody uses and records them, all under one lock, so
 * parallel workers (even of different vitest runs) never pick the same ones.
 */
export async function reserveServer(tempDir: string): Promise<ServerRecord> {
  await mkdir(RUN_DIR, { recursive: true });
  return withLock(join(RUN_DIR, 'reserve.lock'), 30_000, async () => {
    const records = readRecords();
    const usedSubnets = new Set([...records.map((r) => r.subnet), ...(await subnetsOnHostLinks())]);
    const subnet = [...Array(SUBNET_BLOCKS).keys()].find((i) => !usedSubnets.has(i));
    if (subnet === undefined) throw new Error(`no free /30 left in ${SUBNET_PREFIX}0.0/16; reap old servers in ${RUN_DIR}`);
    const name = freeName(new Set(records.map((r) => r.name)));
    const { host, container } = subnetAddresses(subnet);
    const record: ServerRecord = {
      name,
      owner: processRef(process.pid),
      subnet,
      hostAddress: host,
      containerAddress: container,
      rootDir: join(MACHINES_DIR, name),
      tempDir,
    };
    await saveRecord(record);
    return record;
  });
}

function freeName(taken: Set<string>): string {
  for (;;) {
    const name = machineName(randomBytes(3).toString('hex'));
    if (!taken.has(name) && !existsSync(join(MACHINES_DIR, name)) && !existsSync(`/sys/class/net/${vethName(name)}`)) {
      return name;
    }
  }
}

// Addresses already on links count as taken too, whoever put them there.
async function subnetsOnHostLinks(): Promise<number[]> {
  const out = await runOk(['ip', '-o', '-4', 'addr', 'show']);
  return [...out.matchAll(/inet 10\.231\.(\d+)\.(\d+)\//g)].map((m) => (Number(m[1]) * 256 + Number(m[2])) >> 2);
}
