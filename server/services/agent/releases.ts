/**
 * The agent's own releases: <installDir>/releases/<id>, `current` pointing at one.
 * A new release is staged whole (temporary folder, then rename); activating it is
 * handed to a transient systemd unit, because restarting hms-agent ends this process.
 */
import { lstat, mkdir, readdir, readFile, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  agentUpdateSchema,
  RELEASE_FILE,
  releaseIdOf,
  uploadReleaseSchema,
  type AgentReleases,
  type AgentUpdate,
  type UploadRelease,
} from '../../../src/api/agent.js';
import type { AgentDeps } from '../../env.js';
import { ApiError, unknownName } from '../../errors.js';

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
  const releases = await Promise.all(
    names.map(async (id) => ({ id, installedAt: (await stat(path.join(releasesDir(deps), id))).mtime.toISOString() })),
  );
  releases.sort((a, b) => b.installedAt.localeCompare(a.installedAt));
  return {
    current: await currentAgentRelease(deps.config.installDir),
    running: deps.release ?? null,
    releases,
    update: await readUpdate(deps.config.stateDir),
  };
}

/** A release's file, decoded: the bundle or one of the remote CLI tools. */
export interface ReleaseFile {
  name: string;
  mode: number;
  content: Buffer;
}

/** The largest bundle the browser form takes (the whole request may be 32 MB; today's bundle is under 1 MB). */
export const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

/** A pending update older than this no longer blocks a new one (its activator died). */
export const ACTIVATION_STALE_MS = 120_000;

/**
 * Stages a release whole: written to `.<id>.partial`, then renamed. Both the API's
 * upload and the browser's go through here. The same files give the same id, so a
 * second upload changes nothing.
 */
export async function stageReleaseFiles(
  deps: AgentDeps,
  upload: { version: string; files: ReleaseFile[] },
  actor: string,
): Promise<{ release: string; created: boolean }> {
  const { files } = upload;
  if (!files.some((file) => file.name === 'hms-agent.mjs')) throw new ApiError(400, 'A release needs hms-agent.mjs.');
  if (!files.every((file) => RELEASE_FILE.test(file.name)))
    throw new ApiError(400, 'A release holds only hms-agent.mjs and remote-cli-tools/<name>.sh.');
  const release = releaseIdOf(upload.version, files);
  const final = path.join(releasesDir(deps), release);
  if (
    await stat(final).then(
      () => true,
      () => false,
    )
  )
    return { release, created: false };
  const staging = path.join(releasesDir(deps), `.${release}.partial`);
  await rm(staging, { recursive: true, force: true });
  try {
    await mkdir(path.join(staging, 'remote-cli-tools'), { recursive: true, mode: 0o755 });
    // Names come from the allow-list pattern of the contract (checked above).
    for (const file of files) await writeFile(path.join(staging, file.name), file.content, { mode: file.mode });
    await rename(staging, final);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await deps.audit.record({ actor, action: 'agent.upload', target: release, result: 'ok' });
  return { release, created: true };
}

/** POST /api/agent/releases: the files come base64-encoded in JSON. */
export async function stageAgentRelease(
  deps: AgentDeps,
  upload: UploadRelease,
  actor: string,
): Promise<{ release: string; created: boolean }> {
  const files = upload.files.map((file) => ({ name: file.name, mode: file.mode, content: Buffer.from(file.contentBase64, 'base64') }));
  return stageReleaseFiles(deps, { version: upload.version, files }, actor);
}

/** Why a file cannot be the agent's bundle, or undefined when it can: JavaScript is non-empty UTF-8 text. */
export function bundleProblem(bundle: Buffer): string | undefined {
  if (bundle.length === 0) return 'The file is empty.';
  if (bundle.length > MAX_BUNDLE_BYTES) return `The file is ${bundle.length} bytes; the bundle may be at most ${MAX_BUNDLE_BYTES} bytes.`;
  if (bundle.includes(0)) return 'The file is not JavaScript text (it contains NUL bytes).';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bundle);
  } catch {
    return 'The file is not JavaScript text (it is not UTF-8).';
  }
  return undefined;
}

/** The remote CLI tools of the current release: regular files named like the contract's allow-list. */
async function currentTools(deps: AgentDeps, current: string): Promise<ReleaseFile[]> {
  const dir = path.join(releasesDir(deps), current, 'remote-cli-tools');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => RELEASE_FILE.test(`remote-cli-tools/${name}`)).sort();
  const tools = await Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name);
      if (!(await lstat(file)).isFile()) return [];
      return [{ name: `remote-cli-tools/${name}`, mode: 0o755, content: await readFile(file) }];
    }),
  );
  return tools.flat();
}

/**
 * A release made of a bundle alone (the browser's upload): its remote CLI tools are
 * copied from the current release, so the scripts keep working after the switch.
 */
export async function stageAgentBundle(
  deps: AgentDeps,
  upload: { version: string; bundle: Buffer },
  actor: string,
): Promise<{ release: string; created: boolean; tools: number; from: string }> {
  // The version becomes part of the release's folder name: only the contract's pattern passes.
  if (!uploadReleaseSchema.shape.version.safeParse(upload.version).success) {
    throw new ApiError(400, `"${upload.version.slice(0, 40)}" is not a version.`, {
      hint: 'Write it as 1.2.3 or 1.2.3-rc.1 (the version in package.json).',
    });
  }
  const problem = bundleProblem(upload.bundle);
  if (problem)
    throw new ApiError(upload.bundle.length > MAX_BUNDLE_BYTES ? 413 : 400, problem, {
      hint: 'Choose dist/hms-agent.mjs, made by `npm run build`.',
    });
  const from = await currentAgentRelease(deps.config.installDir);
  if (!from) throw notInstalled();
  const tools = await currentTools(deps, from);
  const staged = await stageReleaseFiles(
    deps,
    { version: upload.version, files: [{ name: 'hms-agent.mjs', mode: 0o644, content: upload.bundle }, ...tools] },
    actor,
  );
  return { ...staged, tools: tools.length, from };
}

const notInstalled = () =>
  new ApiError(409, 'This agent is not installed as a release, so it cannot update itself.', {
    hint: 'Use `hms deploy-hosting-api` to install it.',
  });

/** Starts the switch in a transient unit running the CURRENT (known good) release's code. */
export async function activateAgentRelease(
  deps: AgentDeps,
  release: string,
  actor: string,
): Promise<{ release: string; from: string | null; unit: string }> {
  const { releases } = await listAgentReleases(deps);
  if (!releases.some((r) => r.id === release))
    throw unknownName(
      'release',
      release,
      releases.map((r) => r.id),
    );
  const from = await currentAgentRelease(deps.config.installDir);
  const pending = await readUpdate(deps.config.stateDir);
  if (pending?.status === 'activating' && Date.now() - Date.parse(pending.startedAt) < ACTIVATION_STALE_MS) {
    throw new ApiError(409, `An update to ${pending.release} is already in progress.`, {
      hint: 'Wait for it to finish (GET /api/agent/releases).',
    });
  }
  if (!from) throw notInstalled();
  const unit = `hms-agent-activate-${Date.now()}`;
  const runner = path.join(deps.config.installDir, 'releases', from, 'hms-agent.mjs');
  await writeUpdate(deps.config.stateDir, { release, from, status: 'activating', startedAt: deps.clock().toISOString() });
  const result = await deps.exec(
    [
      'systemd-run',
      `--unit=${unit}`,
      '--collect',
      '--quiet',
      '--',
      process.execPath,
      runner,
      '--activate',
      release,
      '--config',
      deps.configFile ?? '/etc/hosting-api/agent.json',
    ],
    { timeoutMs: 15_000 },
  );
  if (result.code !== 0) {
    await writeUpdate(deps.config.stateDir, {
      release,
      from,
      status: 'failed',
      startedAt: deps.clock().toISOString(),
      detail: result.stderr.trim(),
    });
    await deps.audit.record({
      actor,
      action: 'agent.activate',
      target: release,
      result: 'failed',
      detail: `from ${from}: ${result.stderr.trim().slice(0, 200)}`,
    });
    throw new ApiError(502, `Could not start the update: ${result.stderr.trim()}`);
  }
  await deps.audit.record({ actor, action: 'agent.activate', target: release, result: 'ok', detail: `from ${from}` });
  return { release, from, unit };
}
