/**
 * Database backups on about 1 GB of table data (generated; HMS_BENCH_BACKUP_MB sets
 * the size), on a server `hms full-deploy` provisioned with cigar on PostgreSQL.
 * Baseline in the same run: bare `pg_dump -Fc > /dev/null` (pg_dump's default, compressed) as postgres on the server,
 * alternated with `hms backup cigar` (the dump streamed into restic, the counts, the
 * SSH round trip). Also: what a second backup adds when under 1% of the rows changed,
 * the restore drill's time, a restore's time until the app serves again, and the agent's own peak RSS during a backup (VmHWM of its
 * process after a restart: streams, not buffers).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BackupResult, backupResultSchema, drillResultSchema, restoreResultSchema } from '../../src/api/backups.js';
import { formatBytes } from '../../src/core/format.js';
import type { GitHost } from '../e2e/git-host.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { deployCigar } from './deployed-cigar.js';
import { median, type Samples } from './measure.js';

const MB = 1024 * 1024;
const RUNS = 2;

async function must(server: TestServer, argv: string[], timeoutMs = 3_600_000): Promise<string> {
  const result = await server.exec(argv, { timeoutMs });
  if (result.code !== 0) throw new Error(`${argv.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}
const asPostgres = (server: TestServer, sql: string) =>
  must(server, ['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-tA', '-v', 'ON_ERROR_STOP=1', '-d', 'cigar', '-c', sql]);

/** Rows of ~120 bytes (a timestamp, a number, md5 text) until the table holds `megabytes` of data. */
async function generate(server: TestServer, megabytes: number): Promise<string> {
  const rows = Math.round((megabytes * MB) / 140);
  await asPostgres(
    server,
    'CREATE TABLE events (id bigserial PRIMARY KEY, at timestamptz NOT NULL, amount integer NOT NULL, payload text NOT NULL); ' +
      'ALTER TABLE events OWNER TO cigar; ' +
      `INSERT INTO events (at, amount, payload) SELECT now() - i * interval '1 second', i % 1000, ` +
      `md5(i::text) || md5((i * 7)::text) || md5((i * 13)::text) FROM generate_series(1, ${rows}) AS i`,
  );
  await asPostgres(server, 'VACUUM ANALYZE events');
  return (await asPostgres(server, "SELECT pg_size_pretty(pg_table_size('events'))")).trim();
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
async function timed(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await task();
  return performance.now() - started;
}

export async function benchBackup(): Promise<string[]> {
  const megabytes = Number(process.env.HMS_BENCH_BACKUP_MB ?? 1024);
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-bench-backup-'));
  const server = await startTestServer({ aptCache: true });
  let gitHost: GitHost | undefined;
  try {
    // cigar is the sample app, deployed: a restore ends when the app serves again from the restored database.
    const deployed = await deployCigar(server, dir);
    gitHost = deployed.gitHost;
    const { hms } = deployed;
    const size = await generate(server, megabytes);

    // The agent's own memory: restarted, idle, then its peak over the backups.
    await must(server, ['systemctl', 'restart', 'hms-agent.service']);
    const up = 'for i in $(seq 200); do curl -fs -o /dev/null http://127.0.0.1:8790/api/health && exit 0; sleep 0.1; done; exit 1';
    await must(server, ['sh', '-c', up]);
    const status = () => must(server, ['sh', '-c', 'cat /proc/$(systemctl show -p MainPID --value hms-agent.service)/status']);
    await hms(['backups', 'cigar']);
    const idleKb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(await status())?.[1]);

    const bare: Samples = { label: 'pg_dump -Fc > /dev/null', ms: [] };
    const ours: Samples = { label: 'hms backup cigar', ms: [] };
    const results: BackupResult[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      bare.ms.push(await timed(() => must(server, ['sh', '-c', 'runuser -u postgres -- pg_dump -Fc -d cigar > /dev/null'])));
      let stdout = '';
      ours.ms.push(await timed(async () => (stdout = await hms(['backup', 'cigar', '--json']))));
      results.push(backupResultSchema.parse(JSON.parse(stdout)));
    }
    const peakKb = Number(/^VmHWM:\s+(\d+) kB$/m.exec(await status())?.[1]);
    const stored = Number((await must(server, ['du', '-sb', '/var/backups/hms/restic'])).split('\t')[0]);

    // A day of an app's life: 0.5% new rows, 0.2% of the recent ones updated (0.7% of the rows changed).
    const count = Number((await asPostgres(server, 'SELECT count(*) FROM events')).trim());
    const inserted = Math.round(count * 0.005);
    await asPostgres(
      server,
      `INSERT INTO events (at, amount, payload) SELECT now(), i % 1000, md5(i::text) FROM generate_series(1, ${inserted}) AS i; ` +
        `UPDATE events SET amount = amount + 1 WHERE id > ${count - Math.round(count * 0.002)} AND id <= ${count}`,
    );
    const changed = backupResultSchema.parse(JSON.parse(await hms(['backup', 'cigar', '--json'])));
    // The worst case for any deduplication: 0.5% of the rows updated, spread evenly over the whole table.
    await asPostgres(server, 'UPDATE events SET payload = md5(payload) WHERE id % 200 = 0');
    const spread = backupResultSchema.parse(JSON.parse(await hms(['backup', 'cigar', '--json'])));
    let drilledOut = '';
    const drill = await timed(async () => (drilledOut = await hms(['backup', 'cigar', '--drill', '--json'])));
    const lastDrill = drillResultSchema.parse(JSON.parse(drilledOut).drill);

    let restoredOut = '';
    const restore = await timed(
      async () => (restoredOut = await hms(['restore', 'cigar', results[0]!.snapshot!.shortId, '--yes', '--json'])),
    );
    const restored = restoreResultSchema.parse(JSON.parse(restoredOut));
    const first = results[0]!.snapshot!;
    const added = (changed.snapshot?.addedBytes ?? 0) / (first.addedBytes ?? 1);
    const backupRatio = median(ours.ms) / median(bare.ms);
    return [
      `table data: ${size} (events; dump ${formatBytes(first.sizeBytes)}, first backup added ${formatBytes(first.addedBytes)}, ` +
        `repository on disk after ${RUNS} backups: ${formatBytes(stored)})`,
      `${bare.label.padEnd(56)} median ${seconds(median(bare.ms))}   (n=${RUNS})`,
      `${ours.label.padEnd(56)} median ${seconds(median(ours.ms))}   (n=${RUNS}; first ${seconds(ours.ms[0]!)})`,
      `${'backup / bare pg_dump'.padEnd(56)} ${backupRatio.toFixed(2)}x   (goal: <= 1.3x, ${backupRatio <= 1.3 ? 'met' : 'NOT met'})`,
      `${'added after 0.5% rows inserted, 0.2% recent updated'.padEnd(56)} ${formatBytes(changed.snapshot?.addedBytes)} = ` +
        `${(added * 100).toFixed(1)}% of the first   (goal: < 5%, ${added < 0.05 ? 'met' : 'NOT met'})`,
      `${'added after 0.5% of rows updated evenly (worst case)'.padEnd(56)} ${formatBytes(spread.snapshot?.addedBytes)} = ` +
        `${(((spread.snapshot?.addedBytes ?? 0) / (first.addedBytes ?? 1)) * 100).toFixed(1)}% of the first`,
      `${'restore drill (restic dump | pg_restore, counts)'.padEnd(56)} ${lastDrill.seconds} s, ${lastDrill.ok ? 'passed' : 'FAILED'}` +
        `   (hms backup --drill wall: ${seconds(drill)})`,
      `${'restore to serving (safety backup, restore, swap, restart)'.padEnd(56)} ${seconds(restore)}, ` +
        `503 for ${restored.maintenanceSeconds ?? '?'} s, ${restored.ok ? 'ok' : `FAILED: ${restored.error}`}`,
      `${'agent RSS: idle -> peak during backups'.padEnd(56)} ${(idleKb / 1024).toFixed(1)} -> ${(peakKb / 1024).toFixed(1)} MB ` +
        `(+${((peakKb - idleKb) / 1024).toFixed(1)} MB; goal: <= +20 MB, ${peakKb - idleKb <= 20 * 1024 ? 'met' : 'NOT met'})`,
    ];
  } finally {
    await gitHost?.stop();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
