/**
 * The connection that stays, through the built `hms` against one real server with the agent: the
 * first command starts a holder (a 0600 socket in a 0700 folder), the next ones use it (sshd sees no
 * new login), `hms disconnect` stops it, a holder killed mid-request costs nothing visible, a changed
 * host key fails as it does without a holder, another uid cannot use the socket, an unsafe
 * socket path is refused, not followed, and said, and a changed configuration ends the holder.
 */

import { readFile, rm, lstat, readdir, symlink, unlink, writeFile, chmod } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appsResponseSchema } from '../../src/api/apps.js';
import { request, type HolderInfo } from '../../src/holder/protocol.js';
import { exec } from '../../src/platform/exec.js';
import { holderRuntimeFor, stopTestHolders } from '../support/holders.js';
import { runHms } from '../support/run-hms.js';
import { testServerSupport } from '../support/test-server.js';
import { waitFor, waitUntil } from '../support/wait-for.js';
import { laptopFolder, startAgentContext, type AgentContext } from './agent-context.js';

const support = testServerSupport();

describe.skipIf(!support.ok)('the connection holder, with the built hms against a real server', () => {
  let ctx: AgentContext;
  let dir: string;
  let runtime: string;
  const started = new Set<number>();
  const hms = (args: string[]) => runHms(args, { cwd: dir, env: { HMS_TOKEN: ctx.hosting.apiToken } });
  const sockets = async () => (await readdir(path.join(runtime, 'hms')).catch(() => [])).filter((name) => name.endsWith('.sock'));
  const socketPath = async () => path.join(runtime, 'hms', (await sockets())[0]!);
  const info = async (): Promise<HolderInfo> => {
    const { answer, socket } = await request(await socketPath(), { v: 1, op: 'info' });
    socket.destroy();
    if (!('ok' in answer)) throw new Error(`no info: ${JSON.stringify(answer)}`);
    started.add(answer.pid);
    return answer as HolderInfo;
  };
  const logins = async () => {
    const journal = await ctx.server.exec(['journalctl', '-u', 'ssh.service', '-o', 'cat', '--no-pager']);
    return journal.stdout.split('\n').filter((line) => line.startsWith('Accepted publickey')).length;
  };
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  /** hms with a probe that counts, at exit, the files of ssh2 that were loaded. */
  const probed = async (args: string[]) => {
    const probe = path.join(dir, 'probe.cjs');
    const out = path.join(dir, 'probe.json');
    await writeFile(
      probe,
      "process.on('exit', () => require('fs').writeFileSync(process.env.HMS_PROBE_OUT, " +
        'String(Object.keys(require.cache).filter((file) => file.includes("/node_modules/ssh2/")).length)));',
    );
    const env = { HMS_TOKEN: ctx.hosting.apiToken, NODE_OPTIONS: `--require ${probe}`, HMS_PROBE_OUT: out };
    const run = await runHms(args, { cwd: dir, env });
    return { run, ssh2Files: Number(await readFile(out, 'utf8')) };
  };
  const warm = async () => {
    if ((await sockets()).length === 0) expect((await hms(['status', '--json'])).code).toBe(0);
    await waitFor(
      async () => (await sockets()).length === 1,
      () => `a socket in ${runtime}`,
      20_000,
    );
    await waitUntil(async () => (await info().catch(() => undefined)) !== undefined, 20_000);
    return info();
  };

  beforeAll(async () => {
    ctx = await startAgentContext();
    dir = await laptopFolder(ctx, 'hms-holder-e2e-');
    runtime = holderRuntimeFor(dir);
  });
  afterAll(async () => {
    if (runtime) await stopTestHolders([runtime]);
    for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await ctx?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'Given no holder, ' +
      'When `hms status --json` runs twice, Then the first starts a 0600 holder in a 0700 folder and the second logs in nowhere new',
    async () => {
      const first = await hms(['status', '--json']);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toBe('');
      // The holder it started (as it ended) connects, then listens: wait for it, not start another (warm()).
      await waitFor(
        async () => (await sockets()).length === 1,
        () => `a socket in ${runtime}`,
        20_000,
      );
      await waitUntil(async () => (await info().catch(() => undefined)) !== undefined, 20_000);
      const holder = await info();
      expect((await lstat(path.join(runtime, 'hms'))).mode & 0o777).toBe(0o700);
      const socket = await lstat(await socketPath());
      expect(socket.isSocket() && socket.mode & 0o777).toBe(0o600);
      const before = await logins();
      const second = await probed(['status', '--json']);
      expect(second.run.code, second.run.stderr).toBe(0);
      expect(appsResponseSchema.parse(JSON.parse(second.run.stdout)).apps.length).toBeGreaterThan(0);
      expect(await logins()).toBe(before);
      expect((await info()).pid).toBe(holder.pid);
      // Through the holder, no more of ssh2 is loaded than hms loads to start at all (none, once command modules
      // load lazily; tests/holder/light-path.test.ts checks the holder's own path has no static way to it).
      const bare = await probed(['--version']);
      expect(second.ssh2Files).toBe(bare.ssh2Files);
    },
  );

  it('Given a holder, When `hms disconnect` runs, Then it is stopped and listed; a second run says none was running', async () => {
    const holder = await warm();
    const run = await hms(['disconnect']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Stopped test (pid ${holder.pid})`);
    expect(await sockets()).toEqual([]);
    await waitFor(
      () => !alive(holder.pid),
      () => `holder ${holder.pid} to exit`,
      5_000,
    );
    const again = await hms(['disconnect', '--json']);
    expect(JSON.parse(again.stdout).holders).toEqual([]);
    expect((await hms(['disconnect'])).stdout).toContain('No holder was running.');
  });

  it(
    'Given a request in flight through a holder, ' +
      'When the holder is killed -9, Then the command still succeeds and prints nothing more',
    async () => {
      const holder = await warm();
      const agent = (await ctx.server.exec(['systemctl', 'show', '-p', 'MainPID', '--value', 'hms-agent.service'])).stdout.trim();
      await ctx.server.exec(['kill', '-STOP', agent]);
      try {
        const pending = hms(['status', '--json']);
        // One client is this `info`; another is the status request, held by the stopped agent.
        await waitFor(
          async () => (await info()).clients >= 2,
          () => 'the request in flight',
          20_000,
        );
        process.kill(holder.pid, 'SIGKILL');
        await waitFor(
          () => !alive(holder.pid),
          () => 'the holder to die',
          5_000,
        );
        await ctx.server.exec(['kill', '-CONT', agent]);
        const run = await pending;
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr).toBe('');
        expect(appsResponseSchema.parse(JSON.parse(run.stdout)).apps.length).toBeGreaterThan(0);
      } finally {
        await ctx.server.exec(['kill', '-CONT', agent]);
      }
      // The dead holder's socket was replaced by a new holder's.
      await waitFor(
        async () => (await info().catch(() => undefined))?.pid !== undefined && (await info()).pid !== holder.pid,
        () => 'a new holder',
        20_000,
      );
    },
  );

  it('Given a holder, When another uid (nobody) connects to its socket, Then EACCES, also with the folders open to it', async () => {
    await warm();
    const socket = await socketPath();
    const script =
      `require('net').connect(${JSON.stringify(socket)})` +
      ".on('connect',()=>{console.log('CONNECTED');process.exit(0)})" +
      ".on('error',(e)=>{console.log(e.code);process.exit(1)})";
    const asNobody = () =>
      exec(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script], { timeoutMs: 10_000 });
    expect((await asNobody()).stdout.trim()).toBe('EACCES');
    const folders = [dir, runtime, path.join(runtime, 'hms')];
    await Promise.all(folders.map((folder) => chmod(folder, 0o711)));
    try {
      expect((await asNobody()).stdout.trim()).toBe('EACCES');
    } finally {
      await Promise.all(folders.map((folder) => chmod(folder, 0o700)));
    }
  });

  it(
    'Given a symlink, then a 0666 socket, at the socket path, ' + 'When hms runs, Then it works directly, says why, and leaves them alone',
    async () => {
      await warm();
      const socket = await socketPath();
      expect((await hms(['disconnect'])).code).toBe(0);
      await symlink('/tmp/elsewhere.sock', socket);
      try {
        const run = await hms(['status', '--json']);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr).toContain(`${socket} is a symbolic link; hms does not follow it. Remove it: rm ${socket}`);
        expect((await lstat(socket)).isSymbolicLink()).toBe(true);
      } finally {
        await unlink(socket);
      }
      const open = net.createServer();
      await new Promise<void>((resolve) => open.listen(socket, resolve));
      await chmod(socket, 0o666);
      try {
        const run = await hms(['status', '--json']);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr).toContain(`can be used by other users (mode 666). Fix it: rm ${socket}`);
        expect((await lstat(socket)).mode & 0o777).toBe(0o666);
      } finally {
        await new Promise((resolve) => open.close(resolve));
      }
      expect(await sockets()).toEqual([]);
    },
  );

  it('Given a holder whose SSH connection hangs (a laptop back from sleep), When hms runs, Then it reconnects and succeeds', async () => {
    const holder = await warm();
    await ctx.server.exec(['pkill', '-STOP', '-f', '^sshd: root']);
    try {
      const run = await hms(['status', '--json']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
      expect((await info()).pid).toBe(holder.pid);
    } finally {
      await ctx.server.exec(['pkill', '-CONT', '-f', '^sshd: root']);
    }
  });

  it(
    'Given a holder, ' +
      'When the host key changes and its SSH connection drops, Then the next command fails with the message of --no-persist',
    async () => {
      const holder = await warm();
      await ctx.server.exec([
        'sh',
        '-c',
        'mkdir -p /root/hostkeys && cp -a /etc/ssh/ssh_host_* /root/hostkeys/ && rm /etc/ssh/ssh_host_* ' +
          '&& ssh-keygen -A && systemctl restart ssh.service',
      ]);
      try {
        await ctx.server.exec(['pkill', '-KILL', '-f', '^sshd: root']);
        // The holder sees its connection close (no established TCP connection of its pid left).
        const established = async () => (await exec(['ss', '-tnpH', 'state', 'established'])).stdout.includes(`pid=${holder.pid},`);
        await waitFor(
          async () => !(await established()),
          () => 'the holder to lose its connection',
          20_000,
        );
        const run = await hms(['status', '--json']);
        const direct = await hms(['status', '--json', '--no-persist']);
        expect(run.code).toBe(1);
        expect(run.stderr).toContain('HAS CHANGED');
        expect(run.stderr).toBe(direct.stderr);
        await waitFor(
          () => !alive(holder.pid),
          () => 'the holder to exit',
          5_000,
        );
      } finally {
        await ctx.server.exec(['sh', '-c', 'cp -a /root/hostkeys/ssh_host_* /etc/ssh/ && systemctl restart ssh.service']);
      }
    },
  );

  it(
    'Given a holder, When hms.config.json changes, Then the next command goes on without a word, ' +
      'the old holder exits, and a new one serves the commands after',
    async () => {
      const old = await warm();
      const file = path.join(dir, 'hms.config.json');
      await writeFile(file, `${await readFile(file, 'utf8')}\n`);
      const run = await hms(['status', '--json']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
      await waitFor(
        () => !alive(old.pid),
        () => `the holder ${old.pid} started from the old configuration to exit`,
        10_000,
      );
      const fresh = await warm();
      expect(fresh.pid).not.toBe(old.pid);
    },
  );
});
