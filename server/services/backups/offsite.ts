/**
 * The offsite copy: after each good backup, `restic copy` brings every snapshot the
 * offsite repository lacks (so a copy that failed is made up by the next one), over
 * SFTP with the key, known hosts and port provisioning wrote. A failed copy keeps the
 * local backup and says why. On a rebuilt server, a snapshot is fetched back from the
 * offsite repository into the local one, where restores read it.
 */
import type { BackupList, OffsiteCopy } from '../../../src/api/backups.js';
import type { AgentConfig } from '../../config.js';
import type { AgentDeps } from '../../env.js';
import { ApiError } from '../../errors.js';
import { parseSnapshots, resticEnv, SNAPSHOT_ID, snapshotsArgv } from './argv.js';
import { lastLines, type Options, RESTIC_LIMITS } from './database.js';

type Offsite = NonNullable<AgentConfig['backups']['offsite']>;

/** restic's environment with the offsite repository as the one it works on. */
const offsiteEnv = (config: AgentConfig, offsite: Offsite): NodeJS.ProcessEnv => ({
  ...resticEnv(config),
  RESTIC_REPOSITORY: offsite.repository,
  RESTIC_PASSWORD_FILE: offsite.passwordFile,
});
const sftp = (offsite: Offsite): string[] => ['-o', `sftp.command=${offsite.sshCommand}`];

function configured(deps: AgentDeps): Offsite {
  const offsite = deps.config.backups.offsite;
  if (!offsite) {
    throw new ApiError(409, 'This server has no offsite repository.', {
      hint: 'Set `servers.<name>.offsite` in hms.config.json, then run `hms secrets init` and `hms provision`.',
    });
  }
  return offsite;
}

/** Copies what the offsite repository lacks; undefined when there is none configured. */
export async function copyOffsite(deps: AgentDeps): Promise<OffsiteCopy | undefined> {
  const offsite = deps.config.backups.offsite;
  if (!offsite) return undefined;
  const started = Date.now();
  const { repository, passwordFile } = deps.config.backups;
  const result = await deps.exec(['restic', ...sftp(offsite), 'copy', '--from-repo', repository, '--from-password-file', passwordFile], {
    env: offsiteEnv(deps.config, offsite),
    timeoutMs: deps.config.backups.timeoutSeconds * 1000,
    limits: RESTIC_LIMITS,
  });
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const at = deps.clock().toISOString();
  if (result.code === 0 && !result.timedOut) return { server: offsite.server, ok: true, at, seconds };
  const why = result.timedOut ? 'timed out' : `exit ${result.code ?? result.signal}`;
  return {
    server: offsite.server,
    ok: false,
    at,
    seconds,
    error: `restic copy to ${offsite.server} failed (${why}): ${lastLines(result.stderr)}`,
  };
}

/** The app's snapshots in the offsite repository (their ids are the copies' own). */
export async function listOffsite({ deps, app }: Options): Promise<BackupList> {
  const offsite = configured(deps);
  const result = await deps.exec(['restic', ...sftp(offsite), ...snapshotsArgv(app).slice(1)], {
    env: offsiteEnv(deps.config, offsite),
    timeoutMs: 120_000,
    limits: RESTIC_LIMITS,
  });
  if (result.code !== 0) {
    throw new ApiError(502, `restic could not list the offsite backups on ${offsite.server}: ${lastLines(result.stderr)}`, {
      hint: `Check that this server reaches ${offsite.server}, and run \`hms provision\` for both.`,
    });
  }
  return { app, snapshots: parseSnapshots(result.stdout) };
}

/** Copies one of the app's offsite snapshots into the local repository; answers the local list, where it now is. */
export async function fetchOffsite(options: Options & { snapshot: string; actor: string }): Promise<BackupList> {
  const { deps, app, snapshot, actor } = options;
  const offsite = configured(deps);
  if (!SNAPSHOT_ID.test(snapshot)) throw new ApiError(400, 'A snapshot id is 8 to 64 hex characters.');
  const known = (await listOffsite(options)).snapshots.find((s) => s.id === snapshot || s.shortId === snapshot);
  if (!known) {
    throw new ApiError(404, `${app} has no offsite snapshot ${snapshot} on ${offsite.server}.`, {
      hint: `\`hms backups ${app} --offsite\` lists them.`,
    });
  }
  const env = resticEnv(deps.config);
  const argv = ['restic', ...sftp(offsite), 'copy', '--from-repo', offsite.repository, '--from-password-file', offsite.passwordFile];
  const result = await deps.exec([...argv, '--', known.id], {
    env,
    timeoutMs: deps.config.backups.timeoutSeconds * 1000,
    limits: RESTIC_LIMITS,
  });
  const ok = result.code === 0 && !result.timedOut;
  const detail = ok ? `offsite ${known.shortId} from ${offsite.server} copied here` : lastLines(result.stderr);
  await deps.audit.record({ actor, action: 'backup.fetch', target: app, result: ok ? 'ok' : 'failed', detail });
  if (!ok) throw new ApiError(502, `Fetching ${known.shortId} from ${offsite.server} failed: ${detail}`);
  const local = await deps.exec(snapshotsArgv(app), { env, timeoutMs: 60_000, limits: RESTIC_LIMITS });
  return { app, snapshots: parseSnapshots(local.stdout) };
}
