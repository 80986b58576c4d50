/**
 * The bundled agent (`node dist/hms-agent.mjs --config FILE`) as its own process on
 * this host's loopback: the real program, so its memory is read from
 * /proc/<pid>/status. It is spawned here rather than through the exec door because
 * the benchmarks and the hostile suite need the child's pid, which the door does not expose.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { waitUntil } from './wait-for.js';

export const LOCAL_TOKEN = 'tok_bench_0123456789abcdef0123456789abcdef';
export const LOCAL_USER = 'admin';
export const LOCAL_PASSWORD = 'bench password';

export interface LocalAgent {
  pid: number;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** A temp folder for this agent; removed by stop(). */
  dir: string;
  /** A field of /proc/<pid>/status (VmRSS, VmHWM) in bytes. */
  memory(field: 'VmRSS' | 'VmHWM'): Promise<number>;
  get(pathAndQuery: string): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

/** A loopback port nothing listens on (bound, then let go). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function memoryField(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1];
  if (!kb) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kb) * 1024;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts the agent with `nginx` and `apps` settings merged into a config whose every
 * path is in a temp folder; `config` replaces whole top-level keys of it (a test's own tree),
 * and `env` the environment it runs in.
 */
export async function startLocalAgent(
  options: {
    nginx?: Record<string, unknown>;
    apps?: Record<string, unknown>;
    config?: Record<string, unknown>;
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<LocalAgent> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-bench-agent-'));
  const port = await freePort();
  const nginxDir = path.join(dir, 'nginx');
  await mkdir(path.join(nginxDir, 'sites-available'), { recursive: true });
  const secretsFile = path.join(dir, 'secrets.json');
  const secrets = {
    admin_username: LOCAL_USER,
    admin_password_bcrypt: bcrypt.hashSync(LOCAL_PASSWORD, 4),
    jwt_secret: 'jwt_bench_0123456789abcdef0123456789abcdef',
    api_token: LOCAL_TOKEN,
  };
  await writeFile(secretsFile, JSON.stringify({ hosting_management: secrets }));
  await chmod(secretsFile, 0o600);
  const config = {
    listen: { host: '127.0.0.1', port },
    stateDir: path.join(dir, 'state'),
    secretsFile,
    scriptsDir: path.resolve('remote-cli-tools'),
    apps: options.apps ?? {},
    nginx: {
      mainConfig: path.join(nginxDir, 'nginx.conf'),
      sitesDir: path.join(nginxDir, 'sites-available'),
      accessLog: path.join(nginxDir, 'access.log'),
      errorLog: path.join(nginxDir, 'error.log'),
      ...options.nginx,
    },
    ...options.config,
  };
  const configFile = path.join(dir, 'agent.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));

  const child = spawn(process.execPath, [path.resolve('dist/hms-agent.mjs'), '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited(child);
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const answers = async (): Promise<boolean> => {
      if (child.exitCode !== null) throw new Error(`hms-agent exited with ${child.exitCode}:\n${output}`);
      return fetch(`${base}/api/health`).then(
        (response) => response.ok,
        () => false,
      );
    };
    if (!(await waitUntil(answers, 15_000, 50))) throw new Error(`hms-agent did not answer on ${base} within 15 s:\n${output}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    pid: child.pid!,
    port,
    url: base,
    dir,
    memory: (field) => memoryField(child.pid!, field),
    async get(pathAndQuery) {
      const response = await fetch(`${base}${pathAndQuery}`, { headers: { authorization: `Bearer ${LOCAL_TOKEN}` } });
      return { status: response.status, body: await response.text() };
    },
    stop,
  };
}
