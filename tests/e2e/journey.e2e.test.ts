/**
 * The user's journey, whole: the README's "Getting started with a server" commands,
 * read from README.md and run in order with the built `hms` against a bare Debian 12
 * server (minbase + sshd), then living with the apps: each served by nginx over HTTP
 * and HTTPS with its own content, a second deploy, a rollback, status, logs, and
 * provisioning again changing nothing. No step touches the server by hand.
 *
 * What stands in for what cannot run here, and only that:
 * - the git host (GitHub, GitLab) is `git daemon` on the host side of the server's
 *   veth (tests/e2e/git-host.ts): the server has no route out;
 * - for the same reason the server cannot reach rubygems.org, so the apps' gems come
 *   from Debian's packages: `servers.prod.packages` gets ruby-rails and ruby-sqlite3
 *   after `hms init` (the one edit of hms.config.json, said in the log);
 * - `hms trust` asks on a terminal; the suite answers with `--yes` after checking
 *   that the fingerprint it was shown is the server's;
 * - `npm ci && npm link` is the test run's own build (dist/hms.mjs, run as `hms`).
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHms, type HmsRun } from '../support/run-hms.js';
import { startTestServer, testServerSupport, type TestServer } from '../support/test-server.js';
import { startGitHost, type GitHost } from './git-host.js';
import { gettingStartedCommands, installLine } from './journey-readme.js';

const support = testServerSupport();
const APPS = ['cigar', 'tobacco'] as const;
const RELEASE_RB = (text: string) =>
  `# What the page shows; the e2e tests change it per commit.\nSAMPLE_RELEASE = '${text}'\nSAMPLE_HEALTHY = true\n`;

interface Timing {
  step: string;
  ms: number;
}

/** GET through nginx from this machine, as a browser would: the name resolved to the server. */
function curl(server: TestServer, url: string): Promise<{ code: number; status: string; body: string }> {
  const { hostname, port, protocol } = new URL(url);
  const target = `${hostname}:${port || (protocol === 'https:' ? 443 : 80)}:${server.host}`;
  return new Promise((resolve) => {
    execFile(
      'curl',
      ['-sS', '-k', '--max-time', '20', '--resolve', target, '-o', '-', '-w', '\n%{http_code}', url],
      { timeout: 30_000 },
      (error, stdout) => {
        const cut = stdout.lastIndexOf('\n');
        resolve({ code: error ? 1 : 0, status: stdout.slice(cut + 1), body: stdout.slice(0, cut) });
      },
    );
  });
}

describe.skipIf(!support.ok)('the journey: bare server to two apps served, by the README alone', { timeout: 1_800_000 }, () => {
  let server: TestServer | undefined;
  let gitHost: GitHost | undefined;
  let dir: string;
  const timings: Timing[] = [];
  const domains: Record<string, string> = {};

  async function hms(args: string[], step = `hms ${args.join(' ')}`): Promise<HmsRun> {
    const started = Date.now();
    const run = await runHms(args, { cwd: dir, env: { HMS_NO_KEYCHAIN: '1' } });
    timings.push({ step, ms: Date.now() - started });
    return run;
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hms-journey-'));
    server = await startTestServer({ aptCache: true });
    gitHost = await startGitHost(server.hostSideAddress);
    for (const app of APPS) await gitHost.create(app, { 'config/initializers/release.rb': RELEASE_RB(`${app} one`) }, 'one');
    // The laptop: a home with the key that logs in as root on the new server, nothing else.
    await mkdir(path.join(dir, '.ssh'), { mode: 0o700 });
    await copyFile(server.identityFile, path.join(dir, '.ssh', 'id_ed25519'));
    await copyFile(`${server.identityFile}.pub`, path.join(dir, '.ssh', 'id_ed25519.pub'));
  });

  afterAll(async () => {
    if (timings.length > 0) {
      console.log(`[journey] time per step:\n${timings.map((t) => `  ${(t.ms / 1000).toFixed(1).padStart(6)} s  ${t.step}`).join('\n')}`);
      console.log(`[journey] total: ${(timings.reduce((sum, t) => sum + t.ms, 0) / 1000).toFixed(1)} s`);
    }
    await gitHost?.stop();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("Given a bare server and the README's commands, When they run in order, Then each succeeds with no manual step", async () => {
    expect(await installLine()).toMatch(/npm ci && npm link/);
    const commands = await gettingStartedCommands();
    expect(commands.map((argv) => argv[0])).toEqual(['init', 'init', 'trust', 'secrets', 'full-deploy', 'deploy', 'deploy', 'status']);
    for (const template of commands) {
      const argv = template.map((arg) => {
        if (arg === '203.0.113.10') return server!.host;
        const repo = /^https:\/\/git\.example\.com\/team\/([a-z]+)\.git$/.exec(arg)?.[1];
        return repo ? gitHost!.url(repo) : arg;
      });
      if (argv[0] === 'trust') argv.push('--yes');
      const run = await hms(argv, `hms ${template.join(' ')}`);
      expect(run.code, `hms ${argv.join(' ')}\n${run.stderr}\n${run.stdout}`).toBe(0);
      if (argv[0] === 'trust') expect(run.stderr).toContain(server!.hostKeyFingerprint);
      if (argv[0] === 'init' && argv.includes('tobacco')) {
        // Stand-in for rubygems.org (unreachable here): the apps' gems from Debian's packages.
        const file = path.join(dir, 'hms.config.json');
        const config = JSON.parse(await readFile(file, 'utf8'));
        config.servers.prod.packages = ['ruby-rails', 'ruby-sqlite3'];
        await writeFile(file, JSON.stringify(config, null, 2));
      }
      if (argv[0] === 'full-deploy')
        expect(run.stdout + run.stderr).not.toContain(
          JSON.parse(await readFile(path.join(dir, '.secrets.json'), 'utf8')).hosting_management.api_token,
        );
      if (argv[0] === 'status') {
        for (const app of APPS) expect(run.stdout).toMatch(new RegExp(`${app}\\s.*active`));
      }
    }
    const config = JSON.parse(await readFile(path.join(dir, 'hms.config.json'), 'utf8'));
    for (const app of APPS) domains[app] = config.apps[app].domain;
    expect(((await stat(path.join(dir, '.secrets.json'))).mode & 0o777).toString(8)).toBe('600');
  });

  it(
    'Given both apps deployed, When each domain is asked over HTTP and HTTPS, ' +
      'Then nginx serves each app its own page, never the agent',
    async () => {
      for (const app of APPS) {
        for (const scheme of ['http', 'https']) {
          const page = await curl(server!, `${scheme}://${domains[app]}/`);
          expect(page.status, `${scheme}://${domains[app]}/ ${page.body.slice(0, 300)}`).toBe('200');
          expect(page.body).toContain(`${app} one`);
          const health = await curl(server!, `${scheme}://${domains[app]}/up`);
          expect(health.body).toBe('ok');
        }
      }
      const unknown = await curl(server!, 'https://unknown.example.com/api/health');
      expect(unknown.status).not.toBe('200');
    },
  );

  it(
    'Given a new commit on main, When `hms deploy cigar` runs again and then `hms rollback cigar`, ' +
      'Then the new page is served, then the first again',
    async () => {
      await gitHost!.commit('cigar', { 'config/initializers/release.rb': RELEASE_RB('cigar two') }, 'two');
      const second = await hms(['deploy', 'cigar']);
      expect(second.code, second.stderr + second.stdout).toBe(0);
      expect((await curl(server!, `https://${domains.cigar}/`)).body).toContain('cigar two');
      const back = await hms(['rollback', 'cigar', '--yes']);
      expect(back.code, back.stderr + back.stdout).toBe(0);
      expect((await curl(server!, `https://${domains.cigar}/`)).body).toContain('cigar one');
      expect((await curl(server!, `https://${domains.tobacco}/`)).body).toContain('tobacco one');
    },
  );

  it(
    'Given the apps live, When `hms status --json` and `hms logs cigar` run, ' +
      'Then both apps are active and the requests are in the log with their times',
    async () => {
      const status = await hms(['status', '--json']);
      expect(status.code, status.stderr).toBe(0);
      const apps = JSON.parse(status.stdout).apps as Array<{ name: string; state: { activeState: string } }>;
      for (const app of APPS) expect(apps.find((a) => a.name === app)?.state.activeState).toBe('active');
      const logs = await hms(['logs', 'cigar', '-n', '50']);
      expect(logs.code, logs.stderr).toBe(0);
      expect(logs.stdout).toMatch(/GET "\/"/);
      expect(logs.stdout).toMatch(/\d{2}:\d{2}:\d{2}/);
    },
  );

  it('Given the provisioned server, When `hms provision prod` runs again, Then no step changes anything', async () => {
    const again = await hms(['provision', 'prod']);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(again.stdout + again.stderr).toMatch(/\b0 step\(s\) changed|nothing changed|up to date/i);
    for (const app of APPS) expect((await curl(server!, `https://${domains[app]}/up`)).body).toBe('ok');
  });
});
