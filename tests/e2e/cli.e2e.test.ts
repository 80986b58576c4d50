/**
 * The one-shot commands, run as a user runs them (the built `hms`), against the
 * bundled agent in the disposable test server: through a real SSH tunnel, and
 * through HTTPS behind the server's real nginx with a private CA.
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appActionResponseSchema, appsResponseSchema } from '../../src/api/apps.js';
import { auditResponseSchema } from '../../src/api/core.js';
import { metricsResponseSchema } from '../../src/api/metrics.js';
import { holderRuntimeFor } from '../support/holders.js';
import { HMS_BIN, runHms } from '../support/run-hms.js';
import { CIGAR_LOG, sequenceOf, writeNumberedLog } from '../support/numbered-log.js';
import { enableHostingVhost } from '../support/server-kit.js';
import { testServerSupport } from '../support/test-server.js';
import { waitFor } from '../support/wait-for.js';
import { startAgentContext, type AgentContext } from './agent-context.js';

const support = testServerSupport();

describe.skipIf(!support.ok)('hms commands against a real server', () => {
  let ctx: AgentContext;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const hms = (args: string[], extra: NodeJS.ProcessEnv = {}) => runHms(args, { cwd: dir, env: { ...env, ...extra } });

  beforeAll(async () => {
    ctx = await startAgentContext();
    dir = await mkdtemp(path.join(tmpdir(), 'hms-cli-e2e-'));
    await copyFile(ctx.server.identityFile, path.join(dir, 'id_ed25519'));
    await copyFile(ctx.server.knownHostsFile, path.join(dir, 'known_hosts'));
    const { caFile, publicUrl } = await enableHostingVhost(ctx.server, ctx.server.host, dir);
    const server = {
      host: ctx.server.host,
      user: 'root',
      identityFile: 'id_ed25519',
      knownHostsFile: 'known_hosts',
      agentPort: ctx.hosting.agentPort,
      publicUrl,
      caFile,
    };
    const apps = Object.fromEntries(
      ctx.hosting.apps.map((app) => [app, { server: 'test', repo: `/srv/git/${app}.git`, domain: `${app}.test` }]),
    );
    await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify({ servers: { test: server }, apps }));
    env = { HMS_TOKEN: ctx.hosting.apiToken };
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('Given the SSH tunnel, When `hms status --json` runs, Then the output matches the contract and shows both apps active', async () => {
    const run = await hms(['status', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const snapshot = appsResponseSchema.parse(JSON.parse(run.stdout));
    expect(snapshot.apps.filter((a) => a.kind === 'app').map((a) => [a.name, a.state.activeState])).toEqual([
      ['cigar', 'active'],
      ['tobacco', 'active'],
    ]);
    const human = await hms(['status']);
    expect(human.stdout).toMatch(/cigar\s+● active\/running/);
  });

  it(
    'Given HTTPS with the private CA, When `hms status --via https --json` runs, ' + 'Then the same contract comes back through nginx',
    async () => {
      const run = await hms(['status', '--via', 'https', '--json']);
      expect(run.code, run.stderr).toBe(0);
      expect(appsResponseSchema.parse(JSON.parse(run.stdout)).apps).toHaveLength(4);
    },
  );

  it('Given HTTPS without the CA, When run, Then the certificate is refused with the caFile hint', async () => {
    const config = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(path.join(dir, 'hms.config.json'), 'utf8')));
    delete config.servers.test.caFile;
    await writeFile(path.join(dir, 'no-ca.json'), JSON.stringify(config));
    const run = await hms(['status', '--via', 'https', '--config', 'no-ca.json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/TLS certificate of test is not trusted/);
    expect(run.stderr).toContain('caFile');
  });

  it(
    'Given `hms restart cigar --yes --json`, When run, ' + 'Then the new state matches the contract and the audit names the action',
    async () => {
      const run = await hms(['restart', 'cigar', '--yes', '--json']);
      expect(run.code, run.stderr).toBe(0);
      expect(appActionResponseSchema.parse(JSON.parse(run.stdout)).app.state.activeState).toBe('active');
      const audit = auditResponseSchema.parse(JSON.parse((await hms(['audit', '--json', '-n', '3'])).stdout));
      expect(audit.entries[0]).toMatchObject({ action: 'app.restart', target: 'cigar', result: 'ok' });
    },
  );

  it('Given a restart without --yes and no terminal, When run, Then it is a usage error and nothing restarts', async () => {
    const before = appsResponseSchema.parse(JSON.parse((await hms(['status', '--json'])).stdout)).apps[0]!.state.mainPid;
    const run = await hms(['restart', 'cigar']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--yes');
    expect(appsResponseSchema.parse(JSON.parse((await hms(['status', '--json'])).stdout)).apps[0]!.state.mainPid).toBe(before);
  });

  it('Given `hms metrics --json`, When run, Then the contract holds with real numbers', async () => {
    const run = await hms(['metrics', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(metricsResponseSchema.parse(JSON.parse(run.stdout)).memory.totalBytes).toBeGreaterThan(0);
  });

  it('Given an unknown app, When acted on, Then exit 1 names the known apps and the server is unchanged', async () => {
    const run = await hms(['start', 'cigarr']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Unknown app "cigarr"/);
    expect(run.stderr).toContain('cigar, tobacco');
  });

  it(
    'Given `hms logs cigar -f` through the SSH tunnel, When the agent restarts under systemd, ' +
      'Then it reconnects, the line written while it was down and the ones after come once, and Ctrl-C ends it with 0',
    async () => {
      const log = '/var/www/cigar/shared/log/production.log';
      const write = (text: string) =>
        ctx.server.exec(['sh', '-c', `echo "I, [$(date -u +%Y-%m-%dT%H:%M:%S.000000) #1]  INFO -- : ${text}" >> ${log}`]);
      const child = spawn(process.execPath, [HMS_BIN, 'logs', 'cigar', '-f', '-n', '1'], {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: path.join(dir, '.xdg'), XDG_RUNTIME_DIR: holderRuntimeFor(dir), ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const printed = () => `stdout: ${stdout}; stderr: ${stderr}`;
      try {
        await waitFor(
          () => stdout.length > 0,
          () => `the backlog; ${printed()}`,
          30_000,
          100,
        );
        await write('before the restart');
        await waitFor(
          () => stdout.includes('before the restart'),
          () => `the line before the restart; ${printed()}`,
          30_000,
          100,
        );
        await ctx.server.exec([
          'sh',
          '-c',
          `systemctl stop hms-agent.service && echo "I, [$(date -u +%Y-%m-%dT%H:%M:%S.000000) #1]  INFO -- : ` +
            `while the agent was down" >> ${log} && sleep 2 && systemctl start hms-agent.service`,
        ]);
        await waitFor(
          () => stderr.includes('reconnected'),
          () => `reconnected; ${printed()}`,
          30_000,
          100,
        );
        let written = 0;
        const writeUntilShown = async (): Promise<boolean> => {
          if (stdout.includes('after the restart')) return true;
          await write(`after the restart ${written}`);
          written += 1;
          return false;
        };
        await waitFor(writeUntilShown, () => `a line after the restart; ${printed()}`, 15_000, 300);
        expect(stderr).toMatch(/lost the connection .*reconnecting…/);
        const shown = stdout.trimEnd().split('\n');
        expect(shown.filter((line) => line.endsWith('before the restart'))).toHaveLength(1);
        expect(shown.filter((line) => line.endsWith('while the agent was down'))).toHaveLength(1);
        expect(child.exitCode).toBeNull();
      } finally {
        child.kill('SIGINT');
      }
      expect(await exited, stderr).toBe(0);
    },
  );

  it(
    'Given `hms logs cigar -f` through the SSH tunnel, When the log grows by 50,000 lines a second for 2 s, ' +
      'Then every line comes once and in order, soon after the last was written',
    async () => {
      await ctx.server.exec(['truncate', '-s', '0', CIGAR_LOG]);
      await ctx.server.exec(['sh', '-c', `echo 'I, [2026-12-07T12:00:00.000000 #1]  INFO -- : follow-ready' >> ${CIGAR_LOG}`]);
      const child = spawn(process.execPath, [HMS_BIN, 'logs', 'cigar', '-f', '-n', '1'], {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: path.join(dir, '.xdg'), XDG_RUNTIME_DIR: holderRuntimeFor(dir), ...env },
      });
      const chunks: string[] = [];
      let tail = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        chunks.push(chunk.toString());
        tail = (tail + chunks.at(-1)!).slice(-400);
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        await waitFor(
          () => tail.includes('follow-ready'),
          () => `the backlog; stdout ends: ${tail}; stderr: ${stderr}`,
          30_000,
          50,
        );
        const written = await writeNumberedLog(ctx.server, CIGAR_LOG, 50_000, 2);
        const last = `seq=${written.total - 1} `;
        await waitFor(
          () => tail.includes(last),
          () => `the last line (${last}); stdout ends: ${tail}; stderr: ${stderr}`,
          30_000,
          20,
        );
        const lagMs = Date.now() - written.endMs;
        const seq = sequenceOf(chunks.join(''));
        console.log(
          `[e2e] hms logs -f at 50,000 lines/s: ${seq.count} lines, written in ${written.writtenMs} ms, last shown ${lagMs} ms after`,
        );
        expect(seq).toEqual({ count: written.total, first: 0, last: written.total - 1, jumps: 0 });
        expect(stderr).not.toMatch(/skipped/);
      } finally {
        child.kill('SIGINT');
      }
      expect(await exited, stderr).toBe(0);
    },
  );

  it('Given a wrong token, When a command runs, Then 401 says to run hms login', async () => {
    const run = await hms(['status'], { HMS_TOKEN: 'wrong-token' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Invalid API token/);
    expect(run.stderr).toContain('hms login test');
  });

  it(
    'Given `hms login --token-stdin` without a keychain, When run, ' + 'Then the token is checked, kept in the 0600 file, and used next',
    async () => {
      const login = await runHms(['login', 'test', '--token-stdin'], { cwd: dir, input: ctx.hosting.apiToken });
      expect(login.code, login.stderr).toBe(0);
      expect(login.stderr).toMatch(/^warning: .*tokens\.json \(mode 600\)/m);
      const status = await runHms(['status', '--json'], { cwd: dir });
      expect(status.code, status.stderr).toBe(0);
      expect(login.stdout + login.stderr).not.toContain(ctx.hosting.apiToken);
      const bad = await runHms(['login', 'test', '--token-stdin'], { cwd: dir, input: 'not-the-token' });
      expect(bad.code).toBe(1);
      expect((await runHms(['logout', 'test'], { cwd: dir })).stdout).toMatch(/Forgot the token/);
    },
  );

  it('Given an unreachable agent port, When a command runs, Then it says the agent is not reachable and what to check', async () => {
    const config = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(path.join(dir, 'hms.config.json'), 'utf8')));
    config.servers.test.agentPort = 8791;
    await writeFile(path.join(dir, 'wrong-port.json'), JSON.stringify(config));
    const run = await hms(['status', '--config', 'wrong-port.json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Could not reach 127\.0\.0\.1:8791|Cannot reach the agent/);
    expect(run.stderr).toMatch(/hms-agent/);
  });

  it('Given a changed host key, When a command runs, Then it is refused loudly and the server is untouched', async () => {
    const config = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(path.join(dir, 'hms.config.json'), 'utf8')));
    const { exec } = await import('../../src/platform/exec.js');
    await exec(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'other_host_key')]);
    const otherKey = (await import('node:fs/promises').then((fs) => fs.readFile(path.join(dir, 'other_host_key.pub'), 'utf8')))
      .split(' ')
      .slice(0, 2)
      .join(' ');
    await writeFile(path.join(dir, 'wrong_known_hosts'), `${ctx.server.host} ${otherKey}\n`);
    config.servers.test.knownHostsFile = 'wrong_known_hosts';
    await writeFile(path.join(dir, 'wrong-key.json'), JSON.stringify(config));
    const run = await hms(['restart', 'cigar', '--yes', '--config', 'wrong-key.json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/HOST KEY .* HAS CHANGED/);
    expect(run.stderr).toContain('ssh-keygen -R');
  });

  it('Given an address where nothing answers SSH, When a command runs, Then the refusal is reported', async () => {
    const config = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(path.join(dir, 'hms.config.json'), 'utf8')));
    config.servers.test.port = 2222;
    await writeFile(path.join(dir, 'closed.json'), JSON.stringify(config));
    const run = await hms(['status', '--config', 'closed.json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused/);
  });
});
