/**
 * A deploy target on this host, for route and command tests: a real git repository
 * (bare, in a temp dir) holding a tiny Rails-shaped app, the app's root with shared/,
 * and an exec door where git and coreutils run FOR REAL and only what this host lacks
 * is played (and the tests say so):
 *   - `runuser -u deploy --` is dropped: there is no deploy user here (the e2e suite
 *     runs the same argv as deploy on a Debian server);
 *   - bundler and rake are not installed here: they answer as bundler 2.3 and Rails
 *     6.1 do (output captured from the real programs on Debian 12), deciding from
 *     the release's files just as they would: a Gemfile naming a gem that is not
 *     installed, a stylesheet requiring a missing file, a migration that raises;
 *   - there is no systemd as PID 1: `systemctl` answers in systemd 252's format (the
 *     app's socket unit active while its service runs), and its puma is a real `sleep`
 *     process started in the release folder (its cwd is what the health gate reads in
 *     /proc, like puma's master after a phased restart) plus a real HTTP server on the
 *     app's unix socket answering /up; a start or full restart records what
 *     templates/systemd/web-start records, and `journalctl` answers with a few lines.
 * A release whose config.ru raises "does not boot": the old process keeps serving.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exec as realExec, type ExecOptions, type ExecResult } from '../../src/platform/exec.js';
import type { AgentDeps } from '../../server/env.js';
import { showBlock } from '../server/systemctl-recorder.js';

export const APP_FILES: Record<string, string> = {
  Gemfile: "source 'https://rubygems.org'\ngem 'rails', '~> 6.1.0'\n",
  Rakefile: "require_relative 'config/application'\n",
  'config.ru': "require_relative 'config/environment'\nrun Rails.application\n",
  'bin/rails': '#!/usr/bin/env ruby\n',
  'config/initializers/assets.rb': "Rails.application.config.assets.version = '1.0'\n",
  'config/initializers/release.rb': "SAMPLE_RELEASE = 'one'\nSAMPLE_HEALTHY = true\n",
  'app/assets/stylesheets/application.css': 'body { color: black; }\n',
  'db/migrate/20260101000001_create_visits.rb': 'class CreateVisits < ActiveRecord::Migration[6.1]; end\n',
  'log/.keep': '',
};

export interface HostTarget {
  dir: string;
  root: string;
  repo: string;
  /** The agent config for testAgent(): app `cigar` deployed from `repo`. */
  config: Record<string, unknown>;
  exec: AgentDeps['exec'];
  calls: string[][];
  /** Commits `files` (null deletes) on `branch` (created from main) and pushes it. */
  commit(files: Record<string, string | null>, message: string, branch?: string): Promise<string>;
  /** The release the simulated puma serves, or null when stopped. */
  serving(): string | null;
  /** The simulated database: one line per migration run. */
  database(): Promise<string>;
  stop(): Promise<void>;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.test',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.test',
};

export async function hostTarget(options: { sharedFiles?: string[]; keepReleases?: number } = {}): Promise<HostTarget> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-deploy-'));
  const root = path.join(dir, 'www', 'cigar');
  const repo = path.join(dir, 'git', 'sample.git');
  const work = path.join(dir, 'work');
  const socket = path.join(root, 'shared', 'tmp', 'sockets', 'puma.sock');
  const envFile = path.join(dir, 'cigar.env');
  for (const folder of ['releases', 'shared/config', 'shared/db', 'shared/tmp/sockets'])
    await mkdir(path.join(root, folder), { recursive: true });
  await writeFile(path.join(root, 'shared/config/database.yml'), 'production:\n  adapter: sqlite3\n');
  await writeFile(envFile, 'RAILS_ENV=production\nSECRET_KEY_BASE=test0123456789\n');
  const git = async (cwd: string, ...args: string[]) => {
    const result = await realExec(['git', ...args], { cwd, env: { ...process.env, ...GIT_ENV } });
    if (result.code !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
    return result.stdout.trim();
  };
  await mkdir(path.dirname(repo), { recursive: true });
  await git(dir, 'init', '--quiet', '--bare', '--initial-branch=main', repo);
  await git(dir, 'init', '--quiet', '--initial-branch=main', work);
  await git(work, 'remote', 'add', 'origin', repo);

  const commit: HostTarget['commit'] = async (files, message, branch = 'main') => {
    // The first commit makes main; later ones start from it.
    if (branch !== 'main') await git(work, 'checkout', '--quiet', '-B', branch, 'main');
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(work, file);
      if (content === null) await rm(target, { force: true });
      else {
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, content, { mode: file.startsWith('bin/') ? 0o755 : 0o644 });
      }
    }
    await git(work, 'add', '-A');
    await git(work, 'commit', '--quiet', '--allow-empty', '-m', message);
    await git(work, 'push', '--quiet', '--force', 'origin', branch);
    const sha = await git(work, 'rev-parse', 'HEAD');
    if (branch !== 'main') await git(work, 'checkout', '--quiet', 'main');
    return sha;
  };
  await commit(APP_FILES, 'one');

  let puma: ChildProcess | null = null;
  let servingDir: string | null = null;
  const startPuma = (cwd: string) => {
    puma?.kill('SIGKILL');
    puma = spawn('sleep', ['300'], { cwd, stdio: 'ignore' });
    servingDir = cwd;
  };
  const releaseFile = (release: string, file: string) => {
    try {
      return readFileSync(path.join(release, file), 'utf8');
    } catch {
      return '';
    }
  };
  const server = http.createServer((request, response) => {
    if (!servingDir) return request.socket.destroy();
    const healthy = !/SAMPLE_HEALTHY = false/.test(releaseFile(servingDir, 'config/initializers/release.rb'));
    if (request.url === '/up') response.writeHead(healthy ? 200 : 503).end(healthy ? 'ok' : 'unhealthy');
    else response.writeHead(200).end(`release ${path.basename(servingDir)}`);
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));

  const calls: string[][] = [];
  const exec: AgentDeps['exec'] = async (argv, execOptions = {}) => {
    calls.push([...argv]);
    const inner = argv[0] === 'runuser' && argv[3] === '--' ? argv.slice(4) : argv;
    if (inner[0] === 'bundle') return bundler(inner, execOptions, root);
    if (inner[0] === 'journalctl') return answer(inner, execOptions, 0, journal(root));
    if (inner[0] !== 'systemctl') return realExec(inner, execOptions);
    const verb = inner[1];
    if (verb === 'show' && inner.includes('Environment'))
      return answer(
        inner,
        execOptions,
        0,
        `Environment=RAILS_ENV=production RACK_ENV=production\nEnvironmentFiles=${envFile} (ignore_errors=yes)\n`,
      );
    if (verb === 'show') {
      const running = puma !== null && puma.exitCode === null;
      const state = running
        ? { activeState: 'active', subState: 'running', mainPid: puma!.pid }
        : { activeState: 'inactive', subState: 'dead' };
      // The socket unit: held by systemd whenever the service runs (Wants=).
      const units = inner.slice(inner.indexOf('--') + 1);
      const blocks = units.map((unit) =>
        showBlock(unit, unit.endsWith('.socket') ? { activeState: state.activeState, subState: running ? 'listening' : 'dead' } : state),
      );
      return answer(inner, execOptions, 0, `${blocks.join('\n\n')}\n`);
    }
    if (verb === 'start' || verb === 'reload' || verb === 'restart') {
      const next = realpathSync(path.join(root, 'current'));
      // puma keeps its old worker when the new code cannot boot.
      if (!(verb === 'reload' && /raise/.test(releaseFile(next, 'config.ru')))) startPuma(next);
      // What web-start records at each start: the command and the release's Gemfile.lock.
      if (verb !== 'reload') recordStart(root, next);
      return answer(inner, execOptions, 0, '');
    }
    if (verb === 'stop') {
      puma?.kill('SIGKILL');
      puma = null;
      servingDir = null;
      return answer(inner, execOptions, 0, '');
    }
    if (verb === 'reset-failed') return answer(inner, execOptions, 0, '');
    return answer(inner, execOptions, 1, '', `Unknown command verb ${verb}.\n`);
  };

  return {
    dir,
    root,
    repo,
    calls,
    exec,
    commit,
    serving: () => (servingDir && puma ? path.basename(servingDir) : null),
    database: () => readFile(path.join(root, 'shared/db/production.sqlite3'), 'utf8').catch(() => ''),
    config: {
      apps: {
        cigar: {
          unit: 'cigar.service',
          root,
          health: { socket, path: '/up', timeoutMs: 1000 },
          repo: `file://${repo}`,
          branch: 'main',
          sharedFiles: options.sharedFiles ?? ['config/database.yml'],
          keepReleases: options.keepReleases ?? 3,
        },
      },
    },
    async stop() {
      puma?.kill('SIGKILL');
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function recordStart(root: string, release: string): void {
  const pids = path.join(root, 'shared', 'tmp', 'pids');
  mkdirSync(pids, { recursive: true });
  copyFileSync(path.join(root, 'shared', 'config', 'web-command'), path.join(pids, 'web-start.command'));
  const lock = path.join(release, 'Gemfile.lock');
  if (existsSync(lock)) copyFileSync(lock, path.join(pids, 'web-start.Gemfile.lock'));
  else rmSync(path.join(pids, 'web-start.Gemfile.lock'), { force: true });
}

/** The unit's journal as `journalctl -o cat` prints it: systemd's lines and the app's. */
function journal(root: string): string {
  const serving = (() => {
    try {
      return realpathSync(path.join(root, 'current'));
    } catch {
      return '';
    }
  })();
  const sick = serving && /SAMPLE_HEALTHY = false/.test(readFileSync(path.join(serving, 'config/initializers/release.rb'), 'utf8'));
  return [
    'Started cigar.service - cigar (puma).',
    sick ? 'RuntimeError: this release is not healthy' : 'Puma starting in cluster mode...',
    'cigar.service: Deactivated successfully.',
    '',
  ].join('\n');
}

function answer(argv: readonly string[], options: ExecOptions, code: number, stdout: string, stderr = ''): ExecResult {
  if (stdout) options.onStdout?.(Buffer.from(stdout));
  if (stderr) options.onStderr?.(Buffer.from(stderr));
  return { argv, code, signal: null, stdout, stderr, truncated: false, timedOut: false, aborted: false };
}

/** bundler 2.3 and rake under Rails 6.1, as they answer for the release in `cwd`. */
async function bundler(argv: readonly string[], options: ExecOptions, root: string): Promise<ExecResult> {
  const cwd = options.cwd ?? '/';
  const read = (file: string) => (existsSync(path.join(cwd, file)) ? readFileSync(path.join(cwd, file), 'utf8') : '');
  const missingGem = /hms-no-such-gem/.test(read('Gemfile'));
  const verb = argv[1];
  const task = verb === 'exec' ? argv[3] : undefined;
  if (verb === 'config') return answer(argv, options, 0, '');
  if (verb === 'check') {
    return missingGem
      ? answer(
          argv,
          options,
          1,
          "Resolving dependencies...\nBundler can't satisfy your Gemfile's dependencies.\nInstall missing gems with `bundle install`.\n",
        )
      : answer(argv, options, 0, "Resolving dependencies...\nThe Gemfile's dependencies are satisfied\n");
  }
  if (verb === 'install')
    return answer(argv, options, 17, '', 'Could not reach host index.rubygems.org. Check your network connection and try\nagain.\n');
  if (task === 'assets:precompile') {
    if (/require does_not_exist/.test(read('app/assets/stylesheets/application.css'))) {
      return answer(
        argv,
        options,
        1,
        '',
        "rake aborted!\nSprockets::FileNotFound: couldn't find file 'does_not_exist' with type 'text/css'\n" +
          'Checked in these paths: \n  /app/assets/stylesheets\n',
      );
    }
    await mkdir(path.join(cwd, 'public', 'assets'), { recursive: true });
    await writeFile(path.join(cwd, 'public', 'assets', 'application-1aa6.css'), read('app/assets/stylesheets/application.css'));
    return answer(
      argv,
      options,
      0,
      '',
      `I, [2026-01-01T00:00:00.000000 #1]  INFO -- : Writing ${cwd}/public/assets/application-1aa6.css\n`,
    );
  }
  if (task === 'db:migrate') {
    const database = path.join(root, 'shared/db/production.sqlite3');
    const done = existsSync(database) ? readFileSync(database, 'utf8').split('\n') : [];
    const pending = readdirSync(path.join(cwd, 'db/migrate'))
      .sort()
      .filter((name) => !done.includes(name));
    for (const name of pending) {
      if (/raise/.test(read(`db/migrate/${name}`))) {
        return answer(
          argv,
          options,
          1,
          '',
          `rake aborted!\nStandardError: An error has occurred, this and all later migrations canceled:\n` +
            `\nthis migration fails\n${cwd}/db/migrate/${name}:4:in \`change'\nTasks: TOP => db:migrate\n`,
        );
      }
      await appendFile(database, `${name}\n`);
    }
    return answer(argv, options, 0, pending.map((name) => `== ${name.split('_')[0]} migrating ==\n`).join(''));
  }
  return answer(argv, options, 1, '', `bundler: command not found: ${argv.slice(1).join(' ')}\n`);
}
