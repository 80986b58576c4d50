/**
 * `hms-agent --activate <release>`: run by a transient systemd unit from the
 * CURRENT release's code. Switches `current`, restarts hms-agent, waits for the new
 * release to answer /api/health, and switches back when it does not.
 */
import { request } from 'node:http';
import { readdir, rename, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { exec } from '../../../src/platform/exec.js';
import type { AgentConfig } from '../../config.js';
import { currentAgentRelease, writeUpdate } from './releases.js';
import { AuditLog } from '../audit/index.js';

const HEALTH_TIMEOUT_MS = 20_000;
const KEEP = 5;

function health(port: number): Promise<{ release?: string } | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/health', timeout: 1000 }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(body) as { release?: string }) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function switchTo(config: AgentConfig, release: string): Promise<void> {
  const temp = path.join(config.installDir, `.current.${process.pid}`);
  await rm(temp, { force: true });
  await symlink(`releases/${release}`, temp);
  await rename(temp, path.join(config.installDir, 'current'));
}

async function restartAndWait(config: AgentConfig, release: string): Promise<boolean> {
  // A release that crashed in a loop has used up the unit's start limit: clear it.
  await exec(['systemctl', 'reset-failed', config.agentUnit], { timeoutMs: 30_000 });
  await exec(['systemctl', 'restart', config.agentUnit], { timeoutMs: 60_000 });
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if ((await health(config.listen.port))?.release === release) return true;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return false;
}

/** Keeps the newest releases, and never the current or the previous one. */
async function prune(config: AgentConfig, keepAlso: string[]): Promise<void> {
  const dir = path.join(config.installDir, 'releases');
  const names = (await readdir(dir)).filter((name) => !name.startsWith('.'));
  const dated = await Promise.all(names.map(async (name) => ({ name, at: (await stat(path.join(dir, name))).mtimeMs })));
  dated.sort((a, b) => b.at - a.at);
  for (const { name } of dated.slice(KEEP)) if (!keepAlso.includes(name)) await rm(path.join(dir, name), { recursive: true, force: true });
}

export async function activate(config: AgentConfig, release: string): Promise<number> {
  const from = await currentAgentRelease(config.installDir);
  const startedAt = new Date().toISOString();
  await switchTo(config, release);
  const audit = new AuditLog(config.stateDir);
  const outcome = (result: 'ok' | 'failed', detail: string) =>
    audit.record({ actor: 'hms-agent', action: 'agent.update', target: release, result, detail }).catch(() => undefined);
  if (await restartAndWait(config, release)) {
    await writeUpdate(config.stateDir, { release, from, status: 'active', startedAt, endedAt: new Date().toISOString() });
    await outcome('ok', `active (was ${from ?? 'none'})`);
    await prune(config, [release, ...(from ? [from] : [])]).catch(() => undefined);
    return 0;
  }
  const journal = await exec(['journalctl', '-u', config.agentUnit, '-n', '15', '--no-pager', '-o', 'cat'], { timeoutMs: 10_000 }).catch(
    () => undefined,
  );
  const detail = `The new release did not answer /api/health within ${HEALTH_TIMEOUT_MS / 1000} s.\n${journal?.stdout.trim() ?? ''}`;
  if (from) {
    await switchTo(config, from);
    const back = await restartAndWait(config, from);
    await writeUpdate(config.stateDir, {
      release,
      from,
      status: back ? 'rolled-back' : 'failed',
      startedAt,
      endedAt: new Date().toISOString(),
      detail,
    });
    await outcome('failed', back ? `unhealthy; rolled back to ${from}` : `unhealthy; the rollback to ${from} did not answer either`);
    return back ? 1 : 2;
  }
  await writeUpdate(config.stateDir, { release, from, status: 'failed', startedAt, endedAt: new Date().toISOString(), detail });
  await outcome('failed', 'unhealthy; no previous release to go back to');
  return 2;
}
