/**
 * The real fact readers on real files: memory from a /proc-shaped folder (with and
 * without PSI), an app's 5xx share from its own nginx access log, this host's disks,
 * the audit log read from a cursor, and `systemctl show`'s answer read into unit looks
 * (through a stand-in at the exec door: this host has no systemd).
 */
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../../../src/platform/exec.js';
import { auditEnd, readNewEntries } from '../../../../server/services/alerts/audit-cursor.js';
import { readMemory, realFacts } from '../../../../server/services/alerts/facts.js';
import { testAgent } from '../../../support/agent.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-alert-facts-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const MEMINFO = 'MemTotal:        2000000 kB\nMemFree:          100000 kB\nMemAvailable:     150000 kB\n';

describe('fact readers', () => {
  it('Given meminfo and PSI, Then the available share and some avg60; without /proc/pressure, Then null', async () => {
    const proc = path.join(dir, 'proc');
    await mkdir(path.join(proc, 'pressure'), { recursive: true });
    await writeFile(path.join(proc, 'meminfo'), MEMINFO);
    expect(await readMemory(proc)).toEqual({ availablePercent: 7.5, pressureSome60: null });
    await writeFile(
      path.join(proc, 'pressure', 'memory'),
      'some avg10=31.00 avg60=24.50 avg300=3.00 total=1\nfull avg10=1.00 avg60=2.00 avg300=0.00 total=1\n',
    );
    expect(await readMemory(proc)).toEqual({ availablePercent: 7.5, pressureSome60: 24.5 });
  });

  it("Given an app's own access log, Then its requests and 5xx answers in the window; this host's / is a disk", async () => {
    const logs = path.join(dir, 'nginx');
    await mkdir(logs, { recursive: true });
    const agent = await testAgent({
      config: {
        apps: { cigar: { unit: 'cigar.service', root: '/var/www/cigar' }, tobacco: { unit: 'tobacco.service', root: '/var/www/tobacco' } },
        nginx: { accessLog: path.join(logs, 'access.log'), errorLog: path.join(logs, 'error.log') },
      },
    });
    const now = new Date();
    const stamp = now.toISOString().replace(/^(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d:\d\d).*$/, (_, y, m, d, t) => {
      const month = new Date(`${y}-${m}-01T00:00:00Z`).toUTCString().slice(8, 11);
      return `${d}/${month}/${y}:${t} +0000`;
    });
    const line = (status: number) => `203.0.113.7 - - [${stamp}] "GET / HTTP/1.1" ${status} 5 "-" "curl"\n`;
    await writeFile(path.join(logs, 'cigar.access.log'), [200, 200, 502, 500, 404].map(line).join(''));
    const facts = realFacts(agent.deps);
    expect(await facts.traffic(5, now)).toEqual([
      { app: 'cigar', requests: 5, errors5xx: 2 },
      { app: 'tobacco', requests: 0, errors5xx: 0 },
    ]);
    const [root] = await facts.disks(['/']);
    expect(root).toMatchObject({ path: '/', paths: ['/'] });
    expect(root!.usedPercent).toBeGreaterThan(0);
  });

  it("Given systemctl show's answer, Then each unit's state, restarts and result, in the order asked", async () => {
    const shown =
      'Id=cigar.service\nActiveState=failed\nSubState=failed\nResult=exit-code\nNRestarts=4\n\n' +
      'Id=cigar-sidekiq.service\nActiveState=active\nSubState=running\nResult=success\nNRestarts=[not set]\n';
    const agent = await testAgent({
      exec: (_argv, options) => exec(['printf', '%s', shown], options),
      config: {
        apps: { cigar: { unit: 'cigar.service', root: '/var/www/cigar', processes: { sidekiq: { unit: 'cigar-sidekiq.service' } } } },
      },
    });
    const facts = realFacts(agent.deps);
    const watched = facts.watched();
    expect(watched).toEqual([
      { name: 'cigar', unit: 'cigar.service', app: 'cigar' },
      { name: 'cigar-sidekiq', unit: 'cigar-sidekiq.service', app: 'cigar' },
    ]);
    expect(await facts.units(watched)).toEqual([
      { ...watched[0], activeState: 'failed', subState: 'failed', restarts: 4, result: 'exit-code' },
      { ...watched[1], activeState: 'active', subState: 'running', restarts: null, result: 'success' },
    ]);
    const failing = await testAgent({
      exec: (_argv, options) => exec(['sh', '-c', 'echo "Failed to connect to bus: Host is down" >&2; exit 1'], options),
      config: { apps: { cigar: { unit: 'cigar.service', root: '/var/www/cigar' } } },
    });
    await expect(realFacts(failing.deps).units(watched)).rejects.toThrow('failed: Failed to connect to bus: Host is down');
  });

  it('Given the audit log, Then only entries after the cursor, whole lines only; a new file is read from its start', async () => {
    const file = path.join(dir, 'audit.jsonl');
    const entry = (action: string) => `${JSON.stringify({ at: '2026-12-07T10:00:00Z', actor: 'a', action, target: 't', result: 'ok' })}\n`;
    await writeFile(file, entry('old'));
    let cursor = await auditEnd(file);
    await appendFile(file, `${entry('one')}${entry('two')}{"at":"2026-12-07T10:00:01Z","act`);
    let read = await readNewEntries(file, cursor);
    expect(read.entries.map((e) => e.action)).toEqual(['one', 'two']);
    cursor = read.cursor;
    await appendFile(file, `ion":"three","actor":"a","target":"t","result":"ok"}\n`);
    read = await readNewEntries(file, cursor);
    expect(read.entries.map((e) => e.action)).toEqual(['three']);
    expect(await readNewEntries(file, read.cursor)).toMatchObject({ entries: [] });
    await rm(file);
    await writeFile(file, entry('fresh'));
    expect((await readNewEntries(file, read.cursor)).entries.map((e) => e.action)).toEqual(['fresh']);
  });
});
