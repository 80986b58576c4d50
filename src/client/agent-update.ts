/**
 * The agent updating itself, as `hms update-hosting-api` and the control center
 * both run it: send this hms's bundle (or name a kept release), switch, then read
 * the update record until it says how it ended. Requests fail while the agent
 * restarts; that is expected, and said once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentUpdate } from '../api/agent.js';
import { HmsError } from '../core/errors.js';
import type { AgentBundle } from './agent-bundle.js';
import { activateAgentRelease, agentReleases, uploadAgentRelease } from './agent-client.js';
import type { ApiClient } from './api-client.js';

export type AgentUpdateProgress = { step: 'uploading' | 'switching' | 'restarting'; release: string };

/** Nothing to do (it already runs that release), or the update record's last word. */
export type AgentUpdateResult = { changed: false; release: string; status: 'active' } | { changed: true; update: AgentUpdate };

export interface AgentUpdateOptions {
  client: ApiClient;
  /** This hms's agent to send and switch to, or a kept release to switch back to. */
  source: { bundle: AgentBundle } | { release: string };
  onProgress?: (progress: AgentUpdateProgress) => void;
  /** Stops waiting; once the switch has started it goes on on the server. */
  signal?: AbortSignal;
  waitMs?: number;
  pollMs?: number;
}

export const UPDATE_WAIT_MS = 90_000;

export async function updateAgent(options: AgentUpdateOptions): Promise<AgentUpdateResult> {
  const { client, source, signal } = options;
  const progress = options.onProgress ?? (() => undefined);
  let release: string;
  if ('bundle' in source) {
    progress({ step: 'uploading', release: source.bundle.release });
    release = (await uploadAgentRelease(client, source.bundle, signal)).release;
  } else release = source.release;
  const before = await agentReleases(client, signal);
  if (before.current === release && before.running === release) return { changed: false, release, status: 'active' };
  await activateAgentRelease(client, release, signal);
  progress({ step: 'switching', release });
  return { changed: true, update: await waitForOutcome(options, release, progress) };
}

/** Polls the update record through the agent; connection errors are expected while it restarts. */
async function waitForOutcome(
  options: AgentUpdateOptions,
  release: string,
  progress: (p: AgentUpdateProgress) => void,
): Promise<AgentUpdate> {
  const { client, signal, waitMs = UPDATE_WAIT_MS, pollMs = 700 } = options;
  const deadline = Date.now() + waitMs;
  let restarting = false;
  while (Date.now() < deadline) {
    await sleep(pollMs, undefined, signal ? { signal } : {});
    try {
      const { update } = await agentReleases(client, signal);
      if (update && update.release === release && update.status !== 'activating') return update;
    } catch (error) {
      if (signal?.aborted) throw error;
      if (!restarting) progress({ step: 'restarting', release });
      restarting = true;
    }
  }
  throw new HmsError(`No outcome for the update to ${release} after ${waitMs / 1000} s.`, {
    hint: 'Check `journalctl -u hms-agent` and `systemctl list-units "hms-agent-activate-*"` on the server.',
  });
}

/** One line per step of an update, as the CLI notes it and the control center lists it. */
export function updateProgressLine(server: string, progress: AgentUpdateProgress): string {
  if (progress.step === 'uploading') return `Uploading agent release ${progress.release} to ${server}…`;
  if (progress.step === 'switching') return `Switching ${server} to ${progress.release} (health-checked, rolled back on failure)…`;
  return '  the agent is restarting…';
}

/** How it ended, for people: `ok` is false when the new release did not stay. */
export function updateOutcome(server: string, result: AgentUpdateResult): { ok: boolean; text: string } {
  if (!result.changed) return { ok: true, text: `${server} already runs ${result.release}; nothing changed.` };
  const { update } = result;
  if (update.status === 'active') return { ok: true, text: `${server} now runs agent ${update.release} (was ${update.from ?? 'none'}).` };
  const how = update.status === 'rolled-back' ? `rolled back to ${update.from}; the agent keeps answering` : 'NOT rolled back';
  return { ok: false, text: `${server}: ${update.release} failed its health check and was ${how}.\n${update.detail ?? ''}` };
}
