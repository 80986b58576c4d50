/**
 * The host behind the /api/apps tests. systemd cannot run here (no systemd as PID 1),
 * so `systemctl` goes to a recorder answering in systemd 252's format (see
 * tests/server/systemctl-recorder.ts); everything else is real: puma's socket is a
 * real node:http server on a unix socket, `nginx -t` is the real nginx binary, the
 * releases and the audit log are real files in a temp dir.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuditEntry } from '../../server/services/audit/audit.js';
import { systemctlRecorder, type UnitFixture } from '../server/systemctl-recorder.js';
import { testAgent } from './agent.js';

export interface AppsHost {
  dir: string;
  /** The headers of every request the puma stand-in got, oldest first. */
  probeHeaders: http.IncomingHttpHeaders[];
  stop(): Promise<void>;
}

export const running = (extra: Partial<UnitFixture> = {}): UnitFixture => ({
  activeState: 'active',
  subState: 'running',
  mainPid: 4242,
  memoryBytes: 187_654_144,
  activeEnter: 'Wed 2026-11-25 18:02:11 UTC',
  ...extra,
});

export const HEALTHY_HOST = {
  'cigar.service': running(),
  'tobacco.service': running({ restarts: 3 }),
  'slowpoke.service': running(),
  'nginx.service': running({ mainPid: 812, memoryBytes: undefined }),
  'hms-agent.service': running({ mainPid: 900 }),
};

export async function appsHost(): Promise<AppsHost> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-apps-'));
  // The releases: cigar has a current release, tobacco none, slowpoke no folder at all.
  await mkdir(path.join(dir, 'cigar/releases/20261125180211'), { recursive: true });
  await symlink('releases/20261125180211', path.join(dir, 'cigar/current'));
  await mkdir(path.join(dir, 'tobacco/releases'), { recursive: true });
  // A real nginx config that `nginx -t` accepts, and one it rejects.
  await mkdir(path.join(dir, 'nginx'));
  const head = `pid ${dir}/nginx/nginx.pid;\nerror_log ${dir}/nginx/error.log;\nevents {}\n`;
  await writeFile(path.join(dir, 'nginx/nginx.conf'), `${head}http { server { listen 127.0.0.1:18089; } }\n`);
  await writeFile(path.join(dir, 'nginx/broken.conf'), `${head}http { server { listen 127.0.0.1:18089; bogus_directive on; } }\n`);

  // Puma stand-in on a unix socket: /up is healthy, /boom is a 500, /slow never answers.
  const probeHeaders: http.IncomingHttpHeaders[] = [];
  const puma = http.createServer((request, response) => {
    probeHeaders.push(request.headers);
    if (request.url === '/up') response.end('OK');
    else if (request.url === '/boom') response.writeHead(500).end('Internal Server Error');
    else if (request.url !== '/slow') response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => puma.listen(path.join(dir, 'puma.sock'), resolve));
  return {
    dir,
    probeHeaders,
    async stop() {
      puma.closeAllConnections();
      await new Promise((resolve) => puma.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The agent configs and agents on the host in `dir()` (read when called: the host is made in beforeAll). */
export function appsAgents(dir: () => string) {
  function config(nginxConfig = 'nginx.conf') {
    const socket = path.join(dir(), 'puma.sock');
    return {
      apps: {
        cigar: { unit: 'cigar.service', root: path.join(dir(), 'cigar'), health: { socket, path: '/up' } },
        tobacco: { unit: 'tobacco.service', root: path.join(dir(), 'tobacco'), health: { socket, path: '/boom' } },
        slowpoke: { unit: 'slowpoke.service', root: path.join(dir(), 'slowpoke'), health: { socket, path: '/slow', timeoutMs: 300 } },
      },
      nginx: { unit: 'nginx.service', binary: '/usr/sbin/nginx', mainConfig: path.join(dir(), 'nginx', nginxConfig) },
    };
  }

  async function agentWith(recorder = systemctlRecorder(HEALTHY_HOST), nginxConfig?: string) {
    const agent = await testAgent({ config: config(nginxConfig), exec: recorder.exec });
    const auditEntries = async (): Promise<AuditEntry[]> =>
      (await readFile(agent.deps.audit.file, 'utf8').catch(() => ''))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AuditEntry);
    return { ...agent, recorder, auditEntries };
  }

  return { config, agentWith };
}
