/**
 * What the benchmarks that need a live app start from, reached through hms alone: a
 * laptop folder whose hms.config.json puts cigar (the sample app, on PostgreSQL) on a
 * bare test server, its secrets made by `hms secrets init`, cigar's repository on a git
 * host the server reaches, then `hms full-deploy test` and `hms deploy cigar`.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type GitHost, startGitHost } from '../e2e/git-host.js';
import { laptopFor } from '../e2e/provision-laptop.js';
import { runHms } from '../support/run-hms.js';
import type { TestServer } from '../support/test-server.js';

export interface DeployedCigar {
  /** `hms` in the laptop's folder; throws with its output when it fails, else answers its stdout. */
  hms(args: string[]): Promise<string>;
  /** Stop it after the bench (with the server). */
  gitHost: GitHost;
}

export async function deployCigar(server: TestServer, dir: string): Promise<DeployedCigar> {
  const hms = async (args: string[]) => {
    const run = await runHms(args, { cwd: dir, env: { HMS_NO_KEYCHAIN: '1' } });
    if (run.code !== 0) throw new Error(`hms ${args.join(' ')} failed: ${run.stderr}${run.stdout}`);
    return run.stdout;
  };
  const config = {
    servers: { test: { host: server.host, identityFile: 'id_ed25519', knownHostsFile: 'known_hosts' } },
    apps: { cigar: { server: 'test', repo: '/srv/git/cigar.git', domain: 'cigar.test', database: { adapter: 'postgresql' } } },
  };
  await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify(config));
  await hms(['secrets', 'init']);
  await laptopFor(server, dir);
  const gitHost = await startGitHost(server.hostSideAddress);
  try {
    await gitHost.create('cigar', {}, 'one');
    const deployable = { ...config, apps: { cigar: { ...config.apps.cigar, repo: gitHost.url('cigar') } } };
    const servers = { test: { ...config.servers.test, host: server.host, packages: ['ruby-rails', 'ruby-sqlite3', 'ruby-pg'] } };
    await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify({ ...deployable, servers }));
    await hms(['full-deploy', 'test']);
    await hms(['deploy', 'cigar']);
  } catch (error) {
    await gitHost.stop();
    throw error;
  }
  return { hms, gitHost };
}
