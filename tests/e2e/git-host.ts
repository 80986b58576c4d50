/**
 * A git host for the journey: bare repositories served by `git daemon` on the host
 * side of a test server's veth, the one address the server can reach. It stands in
 * for GitHub or GitLab, which the test server cannot reach (no route out).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, createServer } from 'node:net';
import { execFileSync } from 'node:child_process';
import { waitUntil } from '../support/wait-for.js';

export interface GitHost {
  url(repo: string): string;
  /** Creates `repo` from the sample app with `files` on top, as commit `message` on main. */
  create(repo: string, files: Record<string, string>, message: string): Promise<string>;
  /** Commits `files` on main of `repo` and pushes; returns the SHA. */
  commit(repo: string, files: Record<string, string>, message: string): Promise<string>;
  stop(): Promise<void>;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'journey',
  GIT_AUTHOR_EMAIL: 'journey@example.test',
  GIT_COMMITTER_NAME: 'journey',
  GIT_COMMITTER_EMAIL: 'journey@example.test',
};

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8', timeout: 60_000 }).trim();
}

function accepts(address: string, port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect({ host: address, port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** A port nothing listens on at `address` now (the kernel's pick), for the daemon to take. */
function freePort(address: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, address, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Serves on a port of its own rather than git's 9418: with test files in parallel, a listener left on a
 * reused address would answer for this host, and this daemon (unable to bind) would exit unseen.
 */
export async function startGitHost(address: string): Promise<GitHost> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-git-host-'));
  const served = path.join(dir, 'served');
  await mkdir(served);
  const port = await freePort(address);
  const daemon: ChildProcess = spawn(
    'git',
    ['daemon', '--reuseaddr', '--export-all', `--base-path=${served}`, `--listen=${address}`, `--port=${port}`, served],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  daemon.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const listening = await waitUntil(async () => daemon.exitCode !== null || (await accepts(address, port)), 10_000, 50);
  if (!listening || daemon.exitCode !== null) {
    daemon.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`git daemon did not listen on ${address}:${port} (exit ${daemon.exitCode}): ${stderr}`);
  }
  const work = (repo: string) => path.join(dir, 'work', repo);
  const write = async (repo: string, files: Record<string, string>) => {
    const { writeFile } = await import('node:fs/promises');
    for (const [file, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(work(repo), file)), { recursive: true });
      await writeFile(path.join(work(repo), file), content);
    }
  };
  return {
    url: (repo) => `git://${address}:${port}/${repo}.git`,
    async create(repo, files, message) {
      await cp(path.resolve('tests/fixtures/sample-app'), work(repo), { recursive: true });
      await write(repo, files);
      git(served, ['init', '--quiet', '--bare', '--initial-branch=main', `${repo}.git`]);
      git(work(repo), ['init', '--quiet', '--initial-branch=main']);
      git(work(repo), ['add', '-A']);
      git(work(repo), ['commit', '--quiet', '-m', message]);
      git(work(repo), ['push', '--quiet', path.join(served, `${repo}.git`), 'main']);
      return git(work(repo), ['rev-parse', 'HEAD']);
    },
    async commit(repo, files, message) {
      await write(repo, files);
      git(work(repo), ['add', '-A']);
      git(work(repo), ['commit', '--quiet', '-m', message]);
      git(work(repo), ['push', '--quiet', path.join(served, `${repo}.git`), 'main']);
      return git(work(repo), ['rev-parse', 'HEAD']);
    },
    async stop() {
      if (daemon.exitCode === null) {
        const exited = new Promise((resolve) => daemon.once('exit', resolve));
        daemon.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
