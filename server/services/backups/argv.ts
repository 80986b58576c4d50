/**
 * Every command a backup runs, built as data, and what their output means. Names in
 * them are allow-listed before they get here: the app is a configured one, the
 * database a plain PostgreSQL identifier read from the app's DATABASE_URL.
 */
import { type BackupKind, type BackupSnapshot, type RowCounts, rowCountsSchema } from '../../../src/api/backups.js';
import type { AgentConfig } from '../../config.js';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/** restic's snapshot ids: hex, 8 (short) to 64 characters. */
export const SNAPSHOT_ID = /^[0-9a-f]{8,64}$/;

/** The database name of a DATABASE_URL (postgres://user:pw@host:port/name), when it is a plain identifier. */
export function databaseOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') return undefined;
    const name = decodeURIComponent(parsed.pathname.slice(1));
    return IDENTIFIER.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

export const AS_POSTGRES = ['runuser', '-u', 'postgres', '--'];

/**
 * The custom-format dump on stdout, as the postgres superuser over its local socket (peer login).
 * Uncompressed (-Z0): restic compresses it (zstd) after cutting it into content-defined chunks,
 * so rows that did not change give the same chunks as last time; a zlib stream would not.
 */
export const dumpArgv = (database: string, snapshot?: string): string[] => [
  ...AS_POSTGRES,
  'pg_dump',
  '-Fc',
  '-Z0',
  '--no-password',
  ...(snapshot ? [`--snapshot=${snapshot}`] : []),
  '-d',
  database,
];

/**
 * count(*) of every table of the public schema, in one statement: query_to_xml runs the
 * count that format() builds with %I, so no table name is ever glued into SQL text.
 */
export const COUNT_SQL = [
  "SELECT table_name, (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name),",
  "false, true, '')))[1]::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
  'ORDER BY table_name',
].join(' ');

const PSQL = ['psql', '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '--no-password'];

/** A psql session that reads its statements on stdin (held-snapshot.ts). */
export const heldSessionArgv = (database: string): string[] => [...AS_POSTGRES, ...PSQL, '-d', database];

export const countArgv = (database: string): string[] => [
  ...AS_POSTGRES,
  'psql',
  '-X',
  '-q',
  '-A',
  '-t',
  '-F',
  '\t',
  '-v',
  'ON_ERROR_STOP=1',
  '--no-password',
  '-d',
  database,
  '-c',
  COUNT_SQL,
];

export function parseCounts(stdout: string): RowCounts {
  const counts: RowCounts = {};
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [table, count] = line.split('\t');
    if (table && count && /^\d+$/.test(count)) counts[table] = Number(count);
  }
  return counts;
}

export const resticEnv = (config: AgentConfig): NodeJS.ProcessEnv => ({
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
  HOME: config.stateDir,
  RESTIC_REPOSITORY: config.backups.repository,
  RESTIC_PASSWORD_FILE: config.backups.passwordFile,
  RESTIC_CACHE_DIR: `${config.stateDir}/restic-cache`,
});

/**
 * The row counts travel with the snapshot as a tag (`rows:` + base64url JSON), so a copy
 * in another repository (offsite, or fetched back on a rebuilt server) still proves itself.
 */
export const rowsTag = (rows: RowCounts): string => `rows:${Buffer.from(JSON.stringify(rows)).toString('base64url')}`;

function rowsOfTags(tags: string[]): RowCounts | undefined {
  const tag = tags.find((t) => t.startsWith('rows:'));
  if (!tag) return undefined;
  try {
    const parsed = rowCountsSchema.safeParse(JSON.parse(Buffer.from(tag.slice(5), 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The row counts as a tag; a pre-migration backup names its release (a release id: 14 digits, checked by the caller). */
export const backupArgv = (
  app: string,
  kind: BackupKind,
  extra: { rows?: RowCounts; release?: string; sqlite?: boolean } = {},
): string[] => [
  'restic',
  'backup',
  '--json',
  '--quiet',
  '--stdin',
  '--stdin-filename',
  `${app}.dump`,
  '--tag',
  `app:${app}`,
  '--tag',
  `kind:${kind}`,
  '--tag',
  'part:database',
  ...(extra.rows ? ['--tag', rowsTag(extra.rows)] : []),
  ...(extra.release ? ['--tag', `release:${extra.release}`] : []),
  ...(extra.sqlite ? ['--tag', SQLITE_TAG] : []),
];

/** A SQLite database file (its online copy), where the others are PostgreSQL custom-format dumps. */
const SQLITE_TAG = 'engine:sqlite';

export const snapshotsArgv = (app: string): string[] => ['restic', 'snapshots', '--json', '--tag', `app:${app}`];
export const snapshotArgv = (id: string): string[] => ['restic', 'snapshots', '--json', '--', id];
export const forgetArgv = (id: string): string[] => ['restic', 'forget', '--', id];

export interface BackupSummary {
  id: string;
  sizeBytes?: number;
  addedBytes?: number;
}

/** The `summary` line of `restic backup --json` (one JSON object per line), if restic got that far. */
export function parseSummary(stdout: string): BackupSummary | undefined {
  for (const line of stdout.split('\n').reverse()) {
    if (!line.startsWith('{')) continue;
    try {
      const message = JSON.parse(line) as Record<string, unknown>;
      if (message.message_type !== 'summary' || typeof message.snapshot_id !== 'string') continue;
      const size = message.total_bytes_processed;
      const added = message.data_added;
      return {
        id: message.snapshot_id,
        ...(typeof size === 'number' ? { sizeBytes: size } : {}),
        ...(typeof added === 'number' ? { addedBytes: added } : {}),
      };
    } catch {
      // Not one of restic's messages.
    }
  }
  return undefined;
}

const KINDS: readonly BackupKind[] = ['manual', 'scheduled', 'pre-migration', 'pre-restore'];
const RELEASE_TAG = /^release:(\d{14})$/;

/** `restic snapshots --json`: the snapshots of one app, without what hms recorded beside them. */
export function parseSnapshots(stdout: string): BackupSnapshot[] {
  const list = JSON.parse(stdout || '[]') as Array<{
    id?: unknown;
    short_id?: unknown;
    time?: unknown;
    tags?: unknown;
    hostname?: unknown;
  }>;
  return list.flatMap((entry) => {
    if (typeof entry.id !== 'string' || !SNAPSHOT_ID.test(entry.id) || typeof entry.time !== 'string') return [];
    const tags = Array.isArray(entry.tags) ? entry.tags.filter((tag): tag is string => typeof tag === 'string') : [];
    // The uploaded files' snapshots are listed with the dump they were taken with (its record), not on their own.
    if (tags.includes('part:files')) return [];
    const kind = KINDS.find((k) => tags.includes(`kind:${k}`)) ?? 'manual';
    const shortId = typeof entry.short_id === 'string' ? entry.short_id : entry.id.slice(0, 8);
    const rows = rowsOfTags(tags);
    const release = tags.map((tag) => RELEASE_TAG.exec(tag)?.[1]).find(Boolean);
    const host = typeof entry.hostname === 'string' && /^[A-Za-z0-9._-]{1,253}$/.test(entry.hostname) ? entry.hostname : undefined;
    return [
      {
        id: entry.id,
        shortId,
        time: entry.time,
        kind,
        ...(tags.includes(SQLITE_TAG) ? { engine: 'sqlite' as const } : {}),
        ...(host ? { host } : {}),
        ...(rows ? { rows } : {}),
        ...(release ? { release } : {}),
      },
    ];
  });
}

/** A scratch database per drill: a fixed prefix and the time, never a name from a request. */
export const scratchDatabase = (now: Date): string => `hms_drill_${now.getTime()}`;
export const createScratchArgv = (name: string): string[] => [...AS_POSTGRES, 'createdb', '--template=template0', '--', name];
export const dropScratchArgv = (name: string): string[] => [...AS_POSTGRES, 'dropdb', '--if-exists', '--', name];
/** The dump of a snapshot on stdout, as restic stored it. */
export const resticDumpArgv = (id: string, app: string): string[] => ['restic', 'dump', '--', id, `/${app}.dump`];
/**
 * Owners and grants are the live database's business: the scratch copy is postgres's. A
 * restore that will go live runs as the app's role (`--role`), so the role owns what it makes.
 */
export const restoreArgv = (database: string, role?: string): string[] => [
  ...AS_POSTGRES,
  'pg_restore',
  '--no-owner',
  '--no-acl',
  '--exit-on-error',
  ...(role ? [`--role=${role}`] : []),
  '-d',
  database,
];

/** "items: 3 -> 2" for each table whose restored count differs from the recorded one. */
export function compareCounts(recorded: RowCounts, restored: RowCounts): string[] {
  const tables = [...new Set([...Object.keys(recorded), ...Object.keys(restored)])].sort();
  return tables
    .filter((table) => recorded[table] !== restored[table])
    .map((table) => `${table}: ${recorded[table] ?? -1} -> ${restored[table] ?? -1}`);
}
