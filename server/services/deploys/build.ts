/**
 * Building a release before it goes live: fetch the code, link shared/, install the
 * gems, compile the assets, migrate the database. Nothing here touches `current`, so
 * when one of them fails the previous release keeps serving.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { AgentApp } from '../../config.js';
import {
  bundleArgv,
  bundleDeploymentArgvs,
  checkoutArgv,
  copyAssetsArgv,
  fetchArgvs,
  isCommitSha,
  isShortSha,
  linkSharedArgvs,
  mkdirArgv,
  rakeArgv,
  removeArgv,
  resolveShortShaArgv,
  revParseArgv,
  writeFileArgv,
} from './argv.js';
import { migrationsOf, type AppLayout } from './releases.js';
import { StepFailure, type StepContext } from './steps.js';

export interface Build {
  app: AgentApp;
  layout: AppLayout;
  release: string;
  dir: string;
  /** The release current pointed at when the deploy started. */
  previous: string | null;
}

const MINUTES = 60_000;

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

/** Shared files the app needs must be there before anything is made. */
export async function checkSharedFiles(ctx: StepContext, app: AgentApp, layout: AppLayout): Promise<void> {
  const missing: string[] = [];
  for (const file of app.sharedFiles) if (!(await exists(path.join(layout.shared, file)))) missing.push(file);
  if (missing.length > 0) {
    const paths = missing.map((file) => path.join(layout.shared, file));
    throw new StepFailure(
      'check',
      `Missing in shared/: ${missing.join(', ')}. Nothing was changed.`,
      `Put ${paths.join(', ')} on the server (owner deploy), then deploy again.`,
    );
  }
  ctx.say(app.sharedFiles.length > 0 ? `shared files present: ${app.sharedFiles.join(', ')}` : 'no shared files required (sharedFiles)');
}

export async function fetchCode(ctx: StepContext, build: Build, repo: string, ref: string): Promise<string> {
  await ctx.run(mkdirArgv([build.layout.releases]));
  for (const argv of fetchArgvs(repo, ref, build.dir)) {
    await ctx.run(argv, {
      timeoutMs: 5 * MINUTES,
      hint: `Check that "${ref}" exists in ${repo} (\`git ls-remote ${repo}\`) and that the server can reach it.`,
    });
  }
  if (isShortSha(ref)) await checkoutShortSha(ctx, build.dir, repo, ref);
  const sha = (await ctx.run(revParseArgv(build.dir), { quiet: true })).stdout.trim();
  // Capistrano's convention: the app can show which commit it runs.
  await ctx.run(writeFileArgv(path.join(build.dir, 'REVISION')), { input: `${sha}\n`, quiet: true });
  ctx.detail(`${ref} at ${sha.slice(0, 12)} in releases/${build.release}`);
  return sha;
}

/** A short SHA names one commit of the branches and tags just fetched, or the deploy stops saying which way to go. */
async function checkoutShortSha(ctx: StepContext, dir: string, repo: string, short: string): Promise<void> {
  const found = await ctx.run(resolveShortShaArgv(dir, short), { allowFailure: true, quiet: true });
  const sha = found.stdout.trim();
  if (found.code === 0 && isCommitSha(sha)) {
    ctx.say(`${short} is ${sha}`);
    await ctx.run(checkoutArgv(dir, sha), { timeoutMs: 5 * MINUTES });
    return;
  }
  if (/ambiguous/i.test(found.stderr)) {
    const candidates = [...found.stderr.matchAll(/^hint:\s+([0-9a-f]{7,40})\s/gm)].map((match) => match[1]);
    throw new StepFailure(
      'fetch',
      `${short} is ambiguous in ${repo}: it starts ${candidates.length || 'several'} commits` +
        `${candidates.length ? ` (${candidates.join(', ')})` : ''}.`,
      'Give more characters of the SHA, or the full 40.',
    );
  }
  throw new StepFailure(
    'fetch',
    `No commit ${short} in the branches and tags of ${repo}.`,
    'Check the SHA (`git rev-parse <sha>` in your checkout), push the branch that holds it, or give the full 40-character SHA.',
  );
}

export async function linkShared(ctx: StepContext, build: Build): Promise<void> {
  const { app, layout, dir } = build;
  const entries = [...app.sharedDirs, ...app.sharedFiles];
  if (entries.length === 0) return ctx.skip('nothing to share (sharedDirs and sharedFiles are empty)');
  if (app.sharedDirs.length > 0) await ctx.run(mkdirArgv(app.sharedDirs.map((entry) => path.join(layout.shared, entry))));
  await ctx.run(removeArgv(entries.map((entry) => path.join(dir, entry))));
  const parents = [...new Set(entries.map((entry) => path.dirname(path.join(dir, entry))))].filter((parent) => parent !== dir);
  if (parents.length > 0) await ctx.run(mkdirArgv(parents));
  for (const argv of linkSharedArgvs(layout.shared, dir, entries)) await ctx.run(argv);
  ctx.detail(`linked ${entries.join(', ')} from shared/`);
}

/**
 * Gems: already there (Debian's packaged gems, or a bundle resolved before) -> nothing
 * to do; a vendor/cache -> installed from it offline; else installed into
 * shared/bundle, frozen to Gemfile.lock.
 */
export async function installGems(ctx: StepContext, build: Build): Promise<void> {
  const { dir, layout } = build;
  if (!(await exists(path.join(dir, 'Gemfile')))) return ctx.skip('no Gemfile');
  const run = (argv: string[], hint?: string) => ctx.run(argv, { cwd: dir, timeoutMs: 20 * MINUTES, ...(hint ? { hint } : {}) });
  await run(bundleArgv('config', 'set', '--local', 'without', 'development:test'));
  const hint =
    'Run `bundle install` in the app on your laptop and commit Gemfile.lock; ' +
    'for a server without network, commit vendor/cache (`bundle cache`).';
  if (await exists(path.join(dir, 'vendor', 'cache'))) {
    for (const argv of bundleDeploymentArgvs(path.join(layout.shared, 'bundle'))) await run(argv);
    await run(bundleArgv('install', '--local'), hint);
    return ctx.detail('installed from vendor/cache (bundle install --local)');
  }
  const check = await ctx.run(bundleArgv('check'), { cwd: dir, timeoutMs: 5 * MINUTES, allowFailure: true });
  if (check.code === 0) return ctx.detail('every gem is already installed (bundle check)');
  const sharedBundle = path.join(layout.shared, 'bundle');
  // Deployment mode insists on a Gemfile.lock; without one, bundler resolves (and says so below).
  if (await exists(path.join(dir, 'Gemfile.lock'))) {
    for (const argv of bundleDeploymentArgvs(sharedBundle)) await run(argv);
  } else {
    ctx.say('no Gemfile.lock in the repository: gems are resolved here, not frozen (commit Gemfile.lock for repeatable deploys)');
    await run(bundleArgv('config', 'set', '--local', 'path', sharedBundle));
  }
  await run(bundleArgv('install', '--jobs', '4'), hint);
  ctx.detail('installed into shared/bundle');
}

/** Rails with an asset pipeline only; the previous release's assets come along for pages still rendered by old workers. */
export async function compileAssets(ctx: StepContext, build: Build): Promise<void> {
  const { dir, layout, previous } = build;
  if (!(await exists(path.join(dir, 'bin', 'rails')))) return ctx.skip('not a Rails app (no bin/rails): no assets to compile');
  const pipeline = ['config/initializers/assets.rb', 'app/assets/config/manifest.js'];
  const found = await Promise.all(pipeline.map((file) => exists(path.join(dir, file))));
  if (!found.includes(true)) return ctx.skip(`no asset pipeline (neither ${pipeline.join(' nor ')}): assets:precompile skipped`);
  if (
    previous &&
    (await exists(path.join(layout.release(previous), 'public', 'assets'))) &&
    !(await exists(path.join(dir, 'public', 'assets')))
  ) {
    await ctx.run(mkdirArgv([path.join(dir, 'public')]));
    await ctx.run(copyAssetsArgv(layout.release(previous), dir));
  }
  await ctx.run(rakeArgv('assets:precompile'), {
    cwd: dir,
    timeoutMs: 20 * MINUTES,
    hint: 'Run `RAILS_ENV=production bin/rails assets:precompile` in the app to see the error; the previous release keeps serving.',
  });
  ctx.detail('assets:precompile done');
}

/** The migrations db:migrate will find new (none when there is no Rakefile or db/migrate: nothing runs). */
export async function newMigrations(build: Build): Promise<string[]> {
  const { dir, layout, previous } = build;
  if (!(await exists(path.join(dir, 'Rakefile'))) || !(await exists(path.join(dir, 'db', 'migrate')))) return [];
  const before = previous ? await migrationsOf(layout.release(previous)) : [];
  return (await migrationsOf(dir)).filter((name) => !before.includes(name));
}

/** Plain `db:migrate`: never a reset, a drop or a rollback. */
export async function migrate(ctx: StepContext, build: Build): Promise<string[]> {
  const { dir, layout, previous } = build;
  const migrations = await migrationsOf(dir);
  if (!(await exists(path.join(dir, 'Rakefile')))) {
    ctx.skip('no Rakefile: nothing to migrate');
    return migrations;
  }
  if (!(await exists(path.join(dir, 'db', 'migrate')))) {
    ctx.skip('no db/migrate: nothing to migrate');
    return migrations;
  }
  const before = previous ? await migrationsOf(layout.release(previous)) : [];
  const added = migrations.filter((name) => !before.includes(name));
  ctx.say(previous ? `new since ${previous}: ${added.join(', ') || 'none'}` : `${migrations.length} migrations`);
  await ctx.run(rakeArgv('db:migrate'), {
    cwd: dir,
    timeoutMs: 30 * MINUTES,
    hint:
      'Fix the migration and deploy again; the previous release keeps serving. ' +
      'A failed migration is undone by its transaction on PostgreSQL and SQLite, not on MySQL: check the schema there.',
  });
  ctx.detail(`${migrations.length} migrations in db/migrate, ${added.length} new`);
  return migrations;
}
