/**
 * What an app's shared/ folder gets from provisioning: config/database.yml for its
 * database, and the laptop files of `apps.<name>.files`. Pure: the plan renders
 * them, the shared step compares and writes them.
 */
import path from 'node:path';
import type { AppConfig, DatabaseConfig } from '../config/schema.js';
import { PATHS, appRoot } from './input.js';
import type { Redaction } from './redact.js';

export const DATABASE_YML = 'config/database.yml';

export interface SharedFile {
  app: string;
  /** Relative to the app's shared/ folder. */
  path: string;
  content: Buffer;
  mode: number;
  /** generated from hms.config.json, or uploaded from a laptop file. */
  origin: 'generated' | 'upload';
  redact?: Redaction;
}

/** Files every release links from shared/: database.yml, the configured ones, and the uploaded ones. */
export function sharedFilesOf(app: Pick<AppConfig, 'sharedFiles' | 'files'>): string[] {
  return [...new Set([DATABASE_YML, ...app.sharedFiles, ...Object.keys(app.files)])];
}

/** Names that usually hold secrets: master.key, *.key, credentials, .env files, anything "secret". */
export function looksSecret(file: string): boolean {
  const name = path.posix.basename(file).toLowerCase();
  return (
    name.endsWith('.key') ||
    name.includes('credentials') ||
    name === '.env' ||
    name.startsWith('.env.') ||
    name.endsWith('.env') ||
    file.toLowerCase().includes('secret')
  );
}

/** 0600 for what looks secret, else 0640: the app runs as deploy, nobody else reads shared/. */
export const sharedFileMode = (file: string): number => (looksSecret(file) ? 0o600 : 0o640);

const identifier = (name: string): string => name.replace(/-/g, '_');

/** The PostgreSQL database and role an app uses (defaults: its name). */
export function postgresNames(name: string, database: Extract<DatabaseConfig, { adapter: 'postgresql' }>) {
  return { database: database.name ?? identifier(name), user: database.user ?? identifier(name), host: database.host };
}

export const sqlitePath = (name: string): string => `${appRoot(name)}/shared/db/production.sqlite3`;

/** shared/config/database.yml for the app's production database; the password comes from the env file. */
export function databaseYml(name: string, app: Pick<AppConfig, 'database'>): string {
  const header = [
    `# Written by \`hms provision\` from apps.${name}.database in hms.config.json.`,
    '# Edited here, it is kept as it is: hms reports the difference and no longer writes it.',
  ];
  const db = app.database;
  const body =
    db.adapter === 'sqlite3'
      ? ['production:', '  adapter: sqlite3', `  database: ${sqlitePath(name)}`, '  pool: 5', '  timeout: 5000']
      : (() => {
          const pg = postgresNames(name, db);
          return [
            'production:',
            '  adapter: postgresql',
            '  encoding: unicode',
            `  database: ${pg.database}`,
            `  username: ${pg.user}`,
            '  password: <%= ENV["DATABASE_PASSWORD"] %>',
            `  host: ${pg.host}`,
            '  pool: 5',
          ];
        })();
  return [...header, ...body, ''].join('\n');
}

/** Every file provisioning puts in one app's shared/: generated first, then the uploads. */
export function sharedFilesFor(name: string, app: AppConfig, uploads: Record<string, Buffer> = {}): SharedFile[] {
  const generated: SharedFile = {
    app: name,
    path: DATABASE_YML,
    content: Buffer.from(databaseYml(name, app)),
    mode: 0o640,
    origin: 'generated',
  };
  const uploaded = Object.entries(uploads).map(
    ([file, content]): SharedFile => ({
      app: name,
      path: file,
      content,
      mode: sharedFileMode(file),
      origin: 'upload',
      ...(looksSecret(file) ? { redact: 'whole' as const } : {}),
    }),
  );
  // An uploaded database.yml replaces the generated one.
  return [...(DATABASE_YML in uploads ? [] : [generated]), ...uploaded];
}

export const sharedRoot = (name: string): string => `${appRoot(name)}/shared`;

/** Where provisioning records what it wrote in an app's shared/ (sha256 by path), root only. */
export const provenanceFile = (name: string): string => `${PATHS.stateDir}/provisioned/${name}.json`;

/** `<file>.<UTC time>.bak`, beside the file: where a replaced shared file's previous version goes. */
export const backupName = (file: string, now: Date): string =>
  `${file}.${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.bak`;
