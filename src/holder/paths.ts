/**
 * Where holders listen, and the checks that make a socket there safe to use: a runtime folder only
 * this user can enter ($XDG_RUNTIME_DIR/hms/, else /tmp/hms-<uid>/, checked like tmux checks its own:
 * a real folder, owned by us, no group or other permission bits), and in it one socket per server and
 * connection settings. Nothing that fails a check is followed, used or removed.
 * No node:crypto here: the client side loads this on every command.
 */
import { lstat, mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';

/** A Unix socket path longer than this does not fit in sun_path (108 bytes with its NUL). */
export const MAX_SOCKET_PATH_BYTES = 107;

/** What a holder is for: the settings of one SSH connection and the agent port it forwards to. */
export interface HolderKeyParts {
  user: string;
  host: string;
  port: number;
  identityFile?: string | undefined;
  knownHostsFile: string;
  agentPort: number;
}

/** The key a holder is started with and compared with on every request (JSON, fixed field order). */
export function holderKey(parts: HolderKeyParts): string {
  const { user, host, port, identityFile, knownHostsFile, agentPort } = parts;
  return JSON.stringify({ user, host, port, identityFile: identityFile ?? null, knownHostsFile, agentPort });
}

/** FNV-1a, 64 bits, as 16 hex digits: a short, stable name, not a secret or an integrity check. */
export function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

export function runtimeDir(env: NodeJS.ProcessEnv, uid = process.getuid?.() ?? 0): string {
  return env.XDG_RUNTIME_DIR ? path.join(env.XDG_RUNTIME_DIR, 'hms') : path.join('/tmp', `hms-${uid}`);
}

/** The socket of a server's holder: `<server>-<hash of the key>.sock`; undefined when the path is too long. */
export function socketPathFor(dir: string, server: string, key: string): string | undefined {
  const file = path.join(dir, `${server}-${fnv1a64(key)}.sock`);
  return Buffer.byteLength(file) <= MAX_SOCKET_PATH_BYTES ? file : undefined;
}

/** The server name a socket file belongs to (its name before the hash), or undefined for other files. */
export function serverOfSocket(file: string): string | undefined {
  return /^(.+)-[0-9a-f]{16}\.sock$/.exec(path.basename(file))?.[1];
}

const uid = () => process.getuid?.() ?? 0;

/** Why a file may not be used (a sentence saying what is wrong and what to do), or undefined when it is ours. */
function ownershipProblem(file: string, info: Awaited<ReturnType<typeof lstat>>, kind: 'folder' | 'socket'): string | undefined {
  if (info.isSymbolicLink()) return `${file} is a symbolic link; hms does not follow it. Remove it: rm ${file}`;
  if (kind === 'folder' && !info.isDirectory()) return `${file} is not a folder. Remove it: rm ${file}`;
  if (kind === 'socket' && !info.isSocket()) return `${file} is not a socket. Remove it: rm ${file}`;
  if (info.uid !== uid()) return `${file} belongs to uid ${info.uid}, not to you (uid ${uid()}). Remove it as its owner or root.`;
  if ((Number(info.mode) & 0o077) !== 0) {
    const mode = (Number(info.mode) & 0o777).toString(8);
    const fix = kind === 'folder' ? `chmod 700 ${file}` : `rm ${file}`;
    return `${file} can be used by other users (mode ${mode}). Fix it: ${fix}`;
  }
  return undefined;
}

/** Makes the runtime folder (0700) if missing; a problem sentence when it is not safe to use. */
export async function prepareRuntimeDir(dir: string): Promise<string | undefined> {
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      return `Cannot create ${dir}: ${(error as Error).message}.`;
    }
  }
  return checkRuntimeDir(dir);
}

export async function checkRuntimeDir(dir: string): Promise<string | undefined> {
  try {
    return ownershipProblem(dir, await lstat(dir), 'folder');
  } catch (error) {
    return `Cannot check ${dir}: ${(error as Error).message}.`;
  }
}

export type SocketState = { state: 'absent' } | { state: 'ours'; ino: number } | { state: 'refused'; problem: string };

/** What is at a socket path: nothing, our own socket (0600 or stricter), or something not to touch. */
export async function checkSocket(file: string): Promise<SocketState> {
  try {
    const info = await lstat(file);
    const problem = ownershipProblem(file, info, 'socket');
    return problem ? { state: 'refused', problem } : { state: 'ours', ino: Number(info.ino) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    return { state: 'refused', problem: `Cannot check ${file}: ${(error as Error).message}.` };
  }
}

/** Removes a socket nobody listens on, only when it passes the checks (and, given `ino`, is still that file). */
export async function unlinkOwnSocket(file: string, ino?: number): Promise<boolean> {
  const now = await checkSocket(file);
  if (now.state !== 'ours' || (ino !== undefined && now.ino !== ino)) return false;
  await unlink(file).catch(() => undefined);
  return true;
}
