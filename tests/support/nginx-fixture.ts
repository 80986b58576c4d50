/**
 * A throwaway nginx tree for the real `nginx -t` (Debian layout: nginx.conf,
 * mime.types, sites-available/, sites-enabled/), with pid, logs and temp paths
 * inside it so that testing it touches nothing of the host's nginx.
 *
 * `systemctl` cannot manage services here (no systemd as PID 1), so `hostExec` runs
 * the REAL nginx for nginx argv and answers systemctl argv the way systemctl does
 * (exit codes and messages from systemctl(1)); the e2e suite runs the same paths
 * against a real systemd in the disposable test server.
 */
import { copyFile, mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exec as realExec, type ExecResult } from '../../src/platform/exec.js';
import type { AgentDeps } from '../../server/env.js';

export const NGINX_BINARY = '/usr/sbin/nginx';

export interface NginxTree {
  root: string;
  mainConfig: string;
  sitesDir: string;
  enabledDir: string;
  /** The agent config's `nginx` section for this tree. */
  nginx: Record<string, unknown>;
  addSite(name: string, content: string, options?: { enabled?: boolean }): Promise<string>;
  /** Every file in the tree's config folders, for "nothing else was written" checks. */
  files(): Promise<string[]>;
}

/** An nginx.conf whose pid, logs and temp files stay in `run`, including the sites in `enabledDir`. */
export function nginxMainConfig(run: string, enabledDir: string): string {
  return [
    `pid ${run}/nginx.pid;`,
    `error_log ${run}/error.log;`,
    'events {}',
    'http {',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `    ${kind}_temp_path ${run}/${kind};`),
    `    access_log ${run}/access.log;`,
    '    include mime.types;',
    `    include ${enabledDir}/*;`,
    '}',
    '',
  ].join('\n');
}

export function serverBlock(port: number, extra = ''): string {
  return (
    `server {\n    listen 127.0.0.1:${port};\n    server_name site${port}.test;\n` +
    `${extra}    location / {\n        return 200 "ok";\n    }\n}\n`
  );
}

export async function nginxTree(sites: string[] = ['cigar', 'tobacco', 'hosting']): Promise<NginxTree> {
  const root = await mkdtemp(path.join(tmpdir(), 'hms-nginx-'));
  const sitesDir = path.join(root, 'sites-available');
  const enabledDir = path.join(root, 'sites-enabled');
  const run = path.join(root, 'run');
  await Promise.all([mkdir(sitesDir), mkdir(enabledDir), mkdir(run)]);
  await copyFile('/etc/nginx/mime.types', path.join(root, 'mime.types'));
  const mainConfig = path.join(root, 'nginx.conf');
  await writeFile(mainConfig, nginxMainConfig(run, enabledDir));
  const listFiles = async (dir: string): Promise<string[]> =>
    (await readdir(dir, { withFileTypes: true })).flatMap((entry) => (entry.isDirectory() ? [] : [path.join(dir, entry.name)]));
  return {
    root,
    mainConfig,
    sitesDir,
    enabledDir,
    // Unsandboxed: these suites test the lint, redaction, locking and reloads, and must run
    // without root; the sandbox (the default) has its own suite, nginx-sandbox.test.ts, and the e2e one.
    nginx: {
      binary: NGINX_BINARY,
      mainConfig,
      sitesDir,
      sites,
      accessLog: `${run}/access.log`,
      errorLog: `${run}/error.log`,
      testSandbox: false,
    },
    async addSite(name, content, options = {}) {
      const file = path.join(sitesDir, name);
      await writeFile(file, content);
      if (options.enabled ?? true) await symlink(`../sites-available/${name}`, path.join(enabledDir, name));
      return file;
    },
    async files() {
      return [...(await listFiles(root)), ...(await listFiles(sitesDir)), ...(await listFiles(enabledDir))].sort();
    },
  };
}

function answer(argv: readonly string[], code: number, stdout = '', stderr = ''): ExecResult {
  return { argv, code, signal: null, stdout, stderr, truncated: false, timedOut: false, aborted: false };
}

export interface HostExec {
  exec: AgentDeps['exec'];
  calls: string[][];
  /** What the next `systemctl reload` does; 'fail' is nginx's ExecReload failing. */
  reload: Array<'ok' | 'fail'>;
  /** What `systemctl is-active` says after each reload. */
  state: string;
}

export function hostExec(): HostExec {
  const host: HostExec = {
    calls: [],
    reload: [],
    state: 'active',
    exec: async (argv, options) => {
      host.calls.push([...argv]);
      if (argv[0] === NGINX_BINARY) return realExec(argv, options);
      if (argv[0] === 'systemctl' && argv[1] === 'reload') {
        if ((host.reload.shift() ?? 'ok') === 'ok') return answer(argv, 0);
        const unit = argv[2]!;
        return answer(
          argv,
          1,
          '',
          `Job for ${unit} failed because the control process exited with error code.\n` +
            `See "systemctl status ${unit}" and "journalctl -xeu ${unit}" for details.\n`,
        );
      }
      if (argv[0] === 'systemctl' && argv[1] === 'is-active') return answer(argv, host.state === 'active' ? 0 : 3, `${host.state}\n`);
      throw new Error(`hostExec: unexpected command ${argv.join(' ')}`);
    },
  };
  return host;
}
