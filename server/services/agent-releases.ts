/**
 * The agent's own releases: <installDir>/releases/<id>, `current` pointing at one.
 * A new release is staged whole (temporary folder, then rename); activating it is
 * handed to a transient systemd unit, because restarting hms-agent ends this process.
 */
import { mkdir, readdir, readFile, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { agentUpdateSchema, releaseIdOf, type AgentReleases, type AgentUpdate, type UploadRelease } from '../../src/api/agent.js';
import type { AgentDeps } from '../env.js';
import { ApiError, unknownName } from '../errors.js';

export const UPDATE_FILE = 'agent-update.json';

const releasesDir = (deps: AgentDeps): string => path.join(deps.config.installDir, 'releases');

export async function currentAgentRelease(installDir: string): Promise<string | null> {
  const target = await readlink(path.join(installDir, 'current')).catch(() => null);
  return target ? path.basename(target) : null;
}

export async function readUpdate(stateDir: string): Promise<AgentUpdate | null> {
  const text = await readFile(path.join(stateDir, UPDATE_FILE), 'utf8').catch(() => null);
  if (!text) return null;
  const parsed = agentUpdateSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

export async function writeUpdate(stateDir: string, update: AgentUpdate): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  const temp = path.join(stateDir, `.${UPDATE_FILE}.${process.pid}`);
  await writeFile(temp, `${JSON.stringify(update, null, 2)}\n`);
  await rename(temp, path.join(stateDir, UPDATE_FILE));
}

export async function listAgentReleases(deps: AgentDeps): Promise<AgentReleases> {
  const names = (await readdir(releasesDir(deps)).catch(() => [] as string[])).filter((name) => !name.startsWith('.'));
  const releases = await Promise.all(names.map(async (id) => ({ id, installedAt: (await stat(path.join(releasesDir(deps), id))).mtime.toISOString() })));
  releases.sort((a, b) => b.installedAt.localeCompare(a.installedAt));
  return { current: await currentAgentRelease(deps.config.installDir), running: deps.release ?? null, releases, update: await readUpdate(deps.config.stateDir) };
}

export async function stageAgentRelease(deps: AgentDeps, upload: UploadRelease, actor: string): Promise<{ release: string; created: boolean }> {
  const files = upload.files.map((file) => ({ name: file.name, mode: file.mode, content: Buffer.from(file.contentBase64, 'base64') }));
  if (!files.some((file) => file.name === 'hms-agent.mjs')) throw new ApiError(400, 'A release needs hms-agent.mjs.');
  const release = releaseIdOf(upload.version, files);
  const final = path.join(releasesDir(deps), release);
  if (await stat(final).then(() => true, () => false)) return { release, created: false };
  const staging = path.join(releasesDir(deps), `.${release}.partial`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(path.join(staging, 'remote-cli-tools'), { recursive: true, mode: 0o755 });
  // Names come from the allow-list pattern of the contract: hms-agent.mjs or remote-cli-tools/<name>.sh.
  for (const file of files) await writeFile(path.join(staging, file.name), file.content, { mode: file.mode });
  await rename(staging, final);
  await deps.audit.record({ actor, action: 'agent.upload', target: release, result: 'ok' });
  return { release, created: true };
}

/** Starts the switch in a transient unit running the CURRENT (known good) release's code. */
export async function activateAgentRelease(deps: AgentDeps, release: string, actor: string): Promise<{ release: string; from: string | null; unit: string }> {
  const { releases } = await listAgentReleases(deps);
  if (!releases.some((r) => r.id === release)) throw unknownName('release', release, releases.map((r) => r.id));
  const from = await currentAgentRelease(deps.config.installDir);
  const pending = await readUpdate(deps.config.stateDir);
  if (pending?.status === 'activating' && Date.now() - Date.parse(pending.startedAt) < 120_000) {
    throw new ApiError(409, `An update to ${pending.release} is already in progress.`, { hint: 'Wait for it to finish (GET /api/agent/releases).' });
  }
  if (!from) throw new ApiError(409, 'This agent is not installed as a release, so it cannot update itself.', { hint: 'Use `hms deploy-hosting-api` to install it.' });
  const unit = `hms-agent-activate-${Date.now()}`;
  const runner = path.join(deps.config.installDir, 'releases', from, 'hms-agent.mjs');
  await writeUpdate(deps.config.stateDir, { release, from, status: 'activating', startedAt: deps.clock().toISOString() });
  const result = await deps.exec(
    ['systemd-run', `--unit=${unit}`, '--collect', '--quiet', '--', process.execPath, runner, '--activate', release, '--config', deps.configFile ?? '/etc/hosting-api/agent.json'],
    { timeoutMs: 15_000 },
  );
  if (result.code !== 0) {
    await writeUpdate(deps.config.stateDir, { release, from, status: 'failed', startedAt: deps.clock().toISOString(), detail: result.stderr.trim() });
    throw new ApiError(502, `Could not start the update: ${result.stderr.trim()}`);
  }
  await deps.audit.record({ actor, action: 'agent.activate', target: release, result: 'ok', detail: `from ${from}` });
  return { release, from, unit };
}
