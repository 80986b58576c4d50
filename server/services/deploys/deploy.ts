/**
 * A deploy of one app, Capistrano-style: lock, check, fetch the repository into a new
 * release, link shared/, bundle, assets, migrate, switch `current`, phased restart,
 * health gate (rolled back when it fails), record, prune. The lock is taken before
 * anything streams (so a busy app is a plain 423) and released on every path.
 */
import { stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { BackupResult } from '../../../src/api/backups.js';
import type { DeployDone } from '../../../src/api/deploys.js';
import type { AgentApp } from '../../config.js';
import type { AgentDeps } from '../../env.js';
import { allowed, ApiError } from '../../errors.js';
import { removeArgv } from './argv.js';
import { checkSharedFiles, compileAssets, fetchCode, installGems, linkShared, migrate, newMigrations, type Build } from './build.js';
import { deployEnvironment } from './env.js';
import { goLive } from './go-live.js';
import type { ProcFs } from './health.js';
import { acquireLock, type HeldLock } from './lock.js';
import { pruneReleases, writeRecord } from './record.js';
import { runReleaseTasks } from './release-tasks.js';
import { appLayout, currentRelease, newReleaseId, releaseIds, type ReleaseRecord } from './releases.js';
import { StepFailure, StepRunner, type DeployReporter, type StepContext } from './steps.js';

export interface DeployRequestOptions {
  deps: AgentDeps;
  name: string;
  actor: string;
  ref?: string | undefined;
  reason?: string | undefined;
  skipTests: boolean;
  /** A deploy from the browser pages: no laptop, so no local tests to run or skip. */
  fromBrowser?: boolean;
  /** Backs the app's PostgreSQL database up before new migrations run (the backups concern's, passed in by the route). */
  backupBeforeMigrate?: (release: string) => Promise<BackupResult>;
}

export interface PreparedDeploy extends DeployRequestOptions {
  app: AgentApp;
  repo: string;
  ref: string;
  lock: HeldLock;
  lockMs: number;
}

export interface RunDeployOptions {
  reporter: DeployReporter;
  /** The client went away: stops the steps before the switch. */
  signal?: AbortSignal;
  healthDeadlineMs?: number;
  procFs?: ProcFs;
}

/** Looks the app up, checks it can be deployed and takes its lock: a 404, 412 or 423 before any streaming. */
export async function prepareDeploy(options: DeployRequestOptions): Promise<PreparedDeploy> {
  const { deps, name, actor } = options;
  const app = allowed('app', name, deps.config.apps);
  if (!app.repo) {
    throw new ApiError(412, `${name} has no git repository configured on the server.`, {
      hint: `Add "repo" (and "branch") to apps.${name} in the agent's config (/etc/hosting-api/agent.json), then restart hms-agent.`,
    });
  }
  const ref = options.ref ?? app.branch ?? 'main';
  const started = performance.now();
  try {
    const lock = await acquireLock({
      stateDir: deps.config.stateDir,
      app: name,
      by: actor,
      reason: options.reason ?? `deploy ${ref}`,
      kind: 'deploy',
      clock: deps.clock,
    });
    return { ...options, app, repo: app.repo, ref, lock, lockMs: Math.round(performance.now() - started) };
  } catch (error) {
    await deps.audit.record({ actor, action: 'deploy', target: name, result: 'refused', detail: (error as Error).message });
    throw error;
  }
}

export async function runDeploy(prepared: PreparedDeploy, options: RunDeployOptions): Promise<DeployDone> {
  try {
    return await deploy(prepared, options);
  } finally {
    await prepared.lock.release();
  }
}

async function deploy(prepared: PreparedDeploy, options: RunDeployOptions): Promise<DeployDone> {
  const { deps, app, name, actor, ref } = prepared;
  const started = performance.now();
  const layout = appLayout(app);
  let env: NodeJS.ProcessEnv = {};
  const runner = new StepRunner(deps, options.reporter, () => env, options.signal);
  runner.emit({ name: 'lock', status: 'start', ms: 0 });
  runner.emit({ name: 'lock', status: 'ok', ms: prepared.lockMs, detail: `${name} locked by ${actor} (${prepared.lock.lock.reason})` });

  let build: Build | undefined;
  let sha: string | null = null;
  const done = (fields: Omit<DeployDone, 'release' | 'sha' | 'ms'>): DeployDone => ({
    release: build?.release ?? null,
    sha,
    ms: Math.round(performance.now() - started),
    ...fields,
  });
  try {
    const previous = await currentRelease(layout);
    await runner.step('check', async (ctx) => {
      await checkSharedFiles(ctx, app, layout);
      const environment = await deployEnvironment(deps, app.unit);
      env = environment.env;
      for (const note of environment.notes) ctx.say(note);
      ctx.detail(previous ? `${name} serves ${previous}; ref ${ref}` : `first deploy of ${name}; ref ${ref}`);
    });
    const release = newReleaseId(deps.clock(), await releaseIds(layout));
    build = { app, layout, release, dir: layout.release(release), previous };
    const b = build;
    sha = await runner.step('fetch', (ctx) => fetchCode(ctx, b, prepared.repo, ref));
    await runner.step('link', (ctx) => linkShared(ctx, b));
    await runner.step('bundle', (ctx) => installGems(ctx, b));
    await runner.step('assets', (ctx) => compileAssets(ctx, b));
    await runner.step('backup', (ctx) => backupBeforeMigrate(ctx, prepared, b, env));
    const migrations = await runner.step('migrate', (ctx) => migrate(ctx, b));
    await runner.step('tasks', (ctx) => runReleaseTasks(ctx, { config: deps.config, name, build: b, now: deps.clock }));

    const live = await goLive({
      deps,
      runner,
      app,
      layout,
      release,
      fallback: previous,
      healthDeadlineMs: options.healthDeadlineMs,
      procFs: options.procFs,
    }).catch(async (error: unknown) => {
      await removeRelease(prepared, b, env);
      throw error;
    });
    const record: ReleaseRecord = {
      id: release,
      sha,
      ref,
      by: actor,
      at: deps.clock().toISOString(),
      reason: prepared.reason ?? null,
      skipTests: prepared.skipTests,
      status: live.ok ? 'ok' : 'failed',
      health: live.health,
      migrations,
      previous,
    };
    await runner.step('record', (ctx) => writeRecord(ctx, layout, record), { cancellable: false });
    if (!live.ok) {
      const failure = live.failure!;
      const outcome = live.rolledBack ? `rolled back to ${previous}, which serves again` : 'not rolled back';
      await audit(prepared, 'failed', `release ${release} (${short(sha)}) failed its health check; ${outcome}: ${failure.message}`);
      return done({
        ok: false,
        rolledBack: live.rolledBack,
        error: `${failure.message} (${outcome})`,
        ...(failure.hint ? { hint: failure.hint } : {}),
        failedStep: failure.step,
      });
    }
    await runner.step('prune', (ctx) => pruneReleases(ctx, layout, app.keepReleases), { cancellable: false }).catch(() => undefined);
    await audit(prepared, 'ok', `release ${release} (${short(sha)}) of ${ref} is live${previous ? `, was ${previous}` : ''}`);
    return done({ ok: true, rolledBack: false });
  } catch (error) {
    const failure = error instanceof StepFailure ? error : new StepFailure('check', (error as Error).message);
    if (build && failure.step !== 'switch') await removeRelease(prepared, build, env);
    const serving = build?.previous ? `; ${build.previous} keeps serving` : '';
    await audit(prepared, 'failed', `failed at ${failure.step}: ${failure.message}${serving}`);
    return done({
      ok: false,
      rolledBack: false,
      error: `${failure.message}${serving}`,
      ...(failure.hint ? { hint: failure.hint } : {}),
      failedStep: failure.step,
    });
  }
}

/**
 * New migrations on the app's database (PostgreSQL or SQLite): a backup first (kind pre-migration, tagged with the
 * release), so `hms rollback --restore-database` can give back what they change. A backup that
 * fails stops the deploy before anything migrates.
 */
async function backupBeforeMigrate(ctx: StepContext, prepared: PreparedDeploy, build: Build, env: NodeJS.ProcessEnv): Promise<void> {
  const pending = await newMigrations(build);
  if (pending.length === 0) return ctx.skip('no new migrations: nothing to back up first');
  const sqlite = prepared.deps.config.apps[prepared.name]?.sqlite;
  const onSqlite = sqlite !== undefined && (await stat(sqlite).catch(() => undefined))?.isFile() === true;
  if (!/^postgres(ql)?:\/\//.test(env.DATABASE_URL ?? '') && !onSqlite) {
    return ctx.skip('no database to back up yet (no postgres:// DATABASE_URL, no SQLite file)');
  }
  if (!prepared.backupBeforeMigrate) return ctx.skip('no backups on this agent');
  if (!(await stat(prepared.deps.config.backups.passwordFile).catch(() => undefined))) {
    return ctx.skip('no backup repository on this server yet (`hms provision` makes it): nothing to back up into');
  }
  ctx.say(`${pending.length} new migration(s): backing the database up first`);
  const result = await prepared.backupBeforeMigrate(build.release);
  if (!result.ok || !result.snapshot) {
    throw new StepFailure(
      'backup',
      `The backup before the migrations failed, so nothing was migrated: ${result.error ?? 'no snapshot'}`,
      `\`hms backup ${prepared.name}\` shows why; deploy again once a backup works.`,
    );
  }
  ctx.detail(`pre-migration backup ${result.snapshot.shortId} in ${result.seconds} s, before ${pending.join(', ')}`);
}

/** An unfinished release is removed: it never served, and the output already told why. */
async function removeRelease(prepared: PreparedDeploy, build: Build, env: NodeJS.ProcessEnv): Promise<void> {
  await prepared.deps.exec(removeArgv([build.dir]), { env, cwd: '/', timeoutMs: 120_000 }).catch(() => undefined);
}

async function audit(prepared: PreparedDeploy, result: 'ok' | 'failed', what: string): Promise<void> {
  const tests = prepared.fromBrowser
    ? 'from the browser (no local tests)'
    : prepared.skipTests
      ? 'tests skipped (--skip-tests)'
      : 'tests not skipped';
  const reason = prepared.reason ? `; reason: ${prepared.reason}` : '';
  await prepared.deps.audit.record({
    actor: prepared.actor,
    action: 'deploy',
    target: prepared.name,
    result,
    detail: `${what}; ref ${prepared.ref}; ${tests}${reason}`,
  });
}

function short(sha: string | null): string {
  return sha ? sha.slice(0, 12) : 'no sha';
}
