/**
 * `hms backup pull <app> [id]`: a verified copy of one of the app's dumps on this laptop,
 * for local debugging (`pg_restore -d <local db> <file>`). It is written to a temporary
 * name while its SHA-256 is computed, then checked against the SHA-256 the server gets
 * from a read of its own, and only then given its name. An existing file is never
 * overwritten; a copy that does not match is removed and says so.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { dumpDigest, listBackups, openDump } from '../client/backups-client.js';
import { HmsError, UsageError } from '../core/errors.js';
import { formatBytes } from '../core/format.js';
import { withApp } from './app-command.js';
import type { CommandContext, CommandOutput } from './command.js';

const USAGE = 'hms backup pull <app> [backup-id]';

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** `hms backup pull …` (the backup command hands it over). */
export async function pullBackup(context: CommandContext): Promise<CommandOutput> {
  const pullContext = { ...context, args: context.args.slice(1) };
  return withApp(pullContext, USAGE, async (app, connected) => {
    const wanted = pullContext.args[1];
    const { snapshots } = await listBackups(connected.client, app);
    const snapshot = wanted ? snapshots.find((s) => s.id === wanted || s.id.startsWith(wanted)) : snapshots.at(-1);
    if (!snapshot) {
      throw new UsageError(wanted ? `${app} has no backup ${wanted}.` : `${app} has no backup yet.`, `\`hms backups ${app}\` lists them.`);
    }
    // A SQLite backup is the database file itself (sqlite3 opens it); a PostgreSQL one is a dump for pg_restore.
    const file = path.resolve(context.cwd, `${app}-${snapshot.shortId}.${snapshot.engine === 'sqlite' ? 'sqlite3' : 'dump'}`);
    if (await exists(file)) {
      throw new HmsError(`${file} exists already; hms does not overwrite it.`, { hint: 'Move it away, or use the copy you have.' });
    }
    const partial = `${file}.part`;
    context.note(`Pulling ${app} ${snapshot.shortId} from ${connected.name}…`);
    const hash = createHash('sha256');
    let bytes = 0;
    let shown = Date.now();
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        bytes += chunk.length;
        if (Date.now() - shown > 2000) {
          shown = Date.now();
          context.note(`  ${formatBytes(bytes)}…`);
        }
        done(null, chunk);
      },
    });
    try {
      const response = await openDump(connected.client, app, snapshot.id);
      await pipeline(response.body, counter, createWriteStream(partial, { mode: 0o600, flags: 'wx' }));
      const digest = await dumpDigest(connected.client, app, snapshot.id);
      const sha256 = hash.digest('hex');
      if (digest.sha256 !== sha256 || digest.bytes !== bytes) {
        throw new HmsError(
          `The copy of ${snapshot.shortId} does not match the server's own read (${formatBytes(bytes)} vs ${formatBytes(digest.bytes)}).`,
          { hint: `Nothing was kept. Try again; if it goes on, run \`hms backup ${app} --drill\` to check the repository.` },
        );
      }
      await rename(partial, file);
      const human = [
        `Pulled ${app} ${snapshot.shortId} to ${path.relative(context.cwd, file) || file} (${formatBytes(bytes)}), sha256 ${sha256}`,
        `  checked against the server's own read of the snapshot. Restore it locally: pg_restore --no-owner -d <db> ${path.basename(file)}`,
      ].join('\n');
      return { data: { app, snapshot: snapshot.id, file, bytes, sha256, verified: true }, human };
    } finally {
      await rm(partial, { force: true });
    }
  });
}
