import { chmod, lstat, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkSocket,
  fnv1a64,
  holderKey,
  prepareRuntimeDir,
  runtimeDir,
  serverOfSocket,
  socketPathFor,
  unlinkOwnSocket,
} from '../../src/holder/paths.js';
import { exec } from '../../src/platform/exec.js';

const uid = process.getuid!();

describe('holder paths and the checks on them', () => {
  let base: string;
  const servers: net.Server[] = [];
  const listen = async (file: string) => {
    const server = net.createServer();
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(file, resolve));
    return server;
  };
  beforeEach(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'hms-holder-paths-'));
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
    await rm(base, { recursive: true, force: true });
  });

  it('Given XDG_RUNTIME_DIR or not, When the runtime folder is chosen, Then it is $XDG_RUNTIME_DIR/hms, else /tmp/hms-<uid>', () => {
    expect(runtimeDir({ XDG_RUNTIME_DIR: '/run/user/1000' })).toBe('/run/user/1000/hms');
    expect(runtimeDir({}, 1234)).toBe('/tmp/hms-1234');
  });

  it('Given two keys, When socket names are made, Then each is <server>-<16 hex>.sock, stable, different per key, and read back', () => {
    const key = holderKey({ user: 'root', host: 'h', port: 22, identityFile: '/k', knownHostsFile: '/kh', agentPort: 8790 });
    const other = holderKey({ user: 'root', host: 'h', port: 22, identityFile: '/k', knownHostsFile: '/kh', agentPort: 8791 });
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    const file = socketPathFor('/run/user/1/hms', 'prod', key)!;
    expect(file).toMatch(/^\/run\/user\/1\/hms\/prod-[0-9a-f]{16}\.sock$/);
    expect(socketPathFor('/run/user/1/hms', 'prod', key)).toBe(file);
    expect(socketPathFor('/run/user/1/hms', 'prod', other)).not.toBe(file);
    expect(serverOfSocket(file)).toBe('prod');
    expect(serverOfSocket('/x/notes.txt')).toBeUndefined();
    expect(socketPathFor(`/${'d'.repeat(100)}`, 'prod', key)).toBeUndefined();
  });

  it('Given no folder, When it is prepared, Then it is made 0700 and passes; made 0755 it is refused with the chmod to run', async () => {
    const dir = path.join(base, 'hms');
    expect(await prepareRuntimeDir(dir)).toBeUndefined();
    expect((await lstat(dir)).mode & 0o777).toBe(0o700);
    await chmod(dir, 0o755);
    expect(await prepareRuntimeDir(dir)).toBe(`${dir} can be used by other users (mode 755). Fix it: chmod 700 ${dir}`);
  });

  it('Given the folder is a symlink to a 0700 folder, When it is prepared, Then it is refused, not followed', async () => {
    const real = path.join(base, 'real');
    await mkdir(real, { mode: 0o700 });
    const dir = path.join(base, 'hms');
    await symlink(real, dir);
    expect(await prepareRuntimeDir(dir)).toBe(`${dir} is a symbolic link; hms does not follow it. Remove it: rm ${dir}`);
  });

  it('Given a folder owned by another uid (nobody), When it is prepared, Then it is refused', async () => {
    const dir = path.join(base, 'hms');
    await mkdir(dir, { mode: 0o700 });
    const chown = await exec(['chown', '65534:65534', dir]);
    expect(chown.code, chown.stderr).toBe(0);
    expect(await prepareRuntimeDir(dir)).toBe(`${dir} belongs to uid 65534, not to you (uid ${uid}). Remove it as its owner or root.`);
  });

  it(
    'Given sockets of each kind, ' + 'When checked, Then ours passes; a symlink, a 0666 socket, a plain file are refused and never removed',
    async () => {
      const ours = path.join(base, 'ours.sock');
      const previous = process.umask(0o177);
      await listen(ours);
      process.umask(previous);
      expect((await checkSocket(ours)).state).toBe('ours');
      expect(await checkSocket(path.join(base, 'none.sock'))).toEqual({ state: 'absent' });

      const link = path.join(base, 'link.sock');
      await symlink(ours, link);
      expect(await checkSocket(link)).toEqual({
        state: 'refused',
        problem: `${link} is a symbolic link; hms does not follow it. Remove it: rm ${link}`,
      });
      expect(await unlinkOwnSocket(link)).toBe(false);
      expect((await lstat(link)).isSymbolicLink()).toBe(true);

      const open = path.join(base, 'open.sock');
      await listen(open);
      await chmod(open, 0o666);
      expect(await checkSocket(open)).toEqual({
        state: 'refused',
        problem: `${open} can be used by other users (mode 666). Fix it: rm ${open}`,
      });
      expect(await unlinkOwnSocket(open)).toBe(false);

      const file = path.join(base, 'file.sock');
      await writeFile(file, '', { mode: 0o600 });
      expect((await checkSocket(file)).state).toBe('refused');
      expect(await unlinkOwnSocket(file)).toBe(false);
      expect((await lstat(file)).isFile()).toBe(true);
    },
  );
});
