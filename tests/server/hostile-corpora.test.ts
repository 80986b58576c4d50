/**
 * The public payload corpora (tests/fixtures/payloads) against the built agent
 * (dist/hms-agent.mjs) running as its own process on loopback, with the hostile
 * tree of hostile-corpus.ts: a canary outside the allowed folders and symlinks to it
 * inside them. Every payload goes to every surface of hostile-surfaces.ts (those that
 * start a process take a fixed, deterministic sample), anonymous, with the token and
 * with a browser session.
 *
 * Asserted: no 5xx; no answer carries the canary or /etc/passwd; every HTML answer
 * escapes the payload and has no script without the CSP nonce; the canary keeps its
 * content, mtime and atime; nothing outside the allowed folders is created or
 * changed; the agent and its children stay under 200 MB of resident memory, sampled
 * from /proc every 75 ms.
 *
 * Stand-ins: `systemctl` and `journalctl` on the agent's PATH answer as a healthy
 * systemd would, because this host has no systemd as PID 1 (the real ones exit 1 and
 * every reload or journal read would be a 502 of the host, not of the agent). grep,
 * tail, nginx -t and the scripts are the real programs.
 */
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAgent, type LocalAgent } from '../support/agent-process.js';
import { descendantsOf, sampleMemory, type MemoryPeaks } from '../support/process-memory.js';
import { waitUntil } from '../support/wait-for.js';
import { HostileClient, type Answer } from './hostile-client.js';
import { everyNth, forgedSessions, loadPayloads, type Payload } from './hostile-corpora.js';
import { buildHostileTree, type HostileTree } from './hostile-tree.js';
import { surfaces, type Surface, type SurfaceRequest } from './hostile-surfaces.js';
import { armCanary, canaryState, listing, plantCanaryLinks, readsMoveAtime, type CanaryState } from './hostile-watch.js';

const MB = 1024 * 1024;
const MEMORY_CEILING = 200 * MB;
const CONCURRENCY = 4;
const PASSWD_LINE = 'root:x:0:0';

const STAND_INS = {
  systemctl: '#!/bin/sh\n# Stand-in: this host has no systemd as PID 1.\ncase "$1" in is-active) echo active ;; esac\nexit 0\n',
  journalctl: '#!/bin/sh\n# Stand-in: this host has no journal; no entries match.\nexit 0\n',
};

interface Finding {
  surface: string;
  payload: string;
  request: string;
  problem: string;
}

let tree: HostileTree;
let agent: LocalAgent;
let client: HostileClient;
let payloads: Payload[];
let armed: CanaryState;
let atimeTracked: boolean;
let outsideBefore: Record<string, string>;
const findings: Finding[] = [];
const counts = { requests: 0, unsendable: 0, byStatus: new Map<number, number>(), msBySurface: new Map<string, number>() };
let peaks: MemoryPeaks;
let durationMs = 0;

const outside = () => listing([tree.root, agent.dir], [tree.allowed]);

beforeAll(async () => {
  tree = await buildHostileTree();
  await plantCanaryLinks(tree);
  const bin = path.join(tree.root, 'bin');
  await mkdir(bin);
  for (const [name, script] of Object.entries(STAND_INS)) {
    await writeFile(path.join(bin, name), script);
    await chmod(path.join(bin, name), 0o755);
  }
  payloads = loadPayloads(tree.canary);
  agent = await startLocalAgent({
    config: { ...tree.config, loginLimit: { attempts: 1_000_000, windowSeconds: 60 } },
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
  client = await HostileClient.connect(agent.url);
  atimeTracked = await readsMoveAtime(tree.root);
  armed = await armCanary(tree.canary);
  outsideBefore = await outside();
});

afterAll(async () => {
  if (agent) await agent.stop();
  if (tree) await rm(tree.root, { recursive: true, force: true });
});

const describeRequest = (request: SurfaceRequest) => `${request.who} ${request.method} ${request.path.slice(0, 120)}`;

/** What is wrong with one answer to a request that carried `payload`. */
function problemsOf(answer: Answer, payload: string): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`status ${answer.status}: ${answer.text.slice(0, 200)}`);
  if (answer.text.includes(tree.marker)) problems.push('answer carries the canary');
  if (answer.text.includes(PASSWD_LINE)) problems.push('answer carries /etc/passwd');
  if (answer.contentType.startsWith('text/html')) {
    if (/<[a-z!/]/i.test(payload) && answer.text.includes(payload)) problems.push('page carries the payload unescaped');
    const scripts = answer.text.match(/<script\b[^>]*>/gi) ?? [];
    const foreign = scripts.filter((tag) => !/\bnonce="[^"]+"/.test(tag));
    if (foreign.length > 0) problems.push(`page has a script without the nonce: ${foreign[0]!.slice(0, 100)}`);
  }
  return problems;
}

async function probe(surface: Surface, payload: string): Promise<void> {
  const started = performance.now();
  for (const request of surface.requests(payload)) {
    const answer = await client.send(request);
    if (answer === 'unsendable') {
      counts.unsendable += 1;
      continue;
    }
    counts.requests += 1;
    counts.byStatus.set(answer.status, (counts.byStatus.get(answer.status) ?? 0) + 1);
    for (const problem of problemsOf(answer, payload))
      findings.push({ surface: surface.name, payload: payload.slice(0, 120), request: describeRequest(request), problem });
  }
  counts.msBySurface.set(surface.name, (counts.msBySurface.get(surface.name) ?? 0) + performance.now() - started);
}

/** Runs `tasks` with at most CONCURRENCY at once, in their order. */
async function pool(tasks: Array<() => Promise<void>>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < tasks.length) await tasks[next++]!();
    }),
  );
}

describe('the public payload corpora against the agent process', () => {
  it('Given every payload on every surface, When sent, ' +
    'Then no answer is a 5xx, leaks the canary or /etc/passwd, or shows the payload unescaped', async () => {
    const list = surfaces(forgedSessions);
    const texts = payloads.map((payload) => payload.text);
    // Each sampled surface starts at its own offset, so the samples together cover more payloads.
    const tasks = texts.flatMap((text, index) =>
      list.filter((surface, at) => index % surface.stride === at % surface.stride).map((surface) => () => probe(surface, text)),
    );
    const sampler = await sampleMemory(agent.pid, 75);
    const started = performance.now();
    await pool(tasks);
    durationMs = performance.now() - started;
    peaks = await sampler.stop();

    const corpora = [...new Set(payloads.map((payload) => payload.corpus))].map(
      (corpus) => `${corpus} ${payloads.filter((payload) => payload.corpus === corpus).length}`,
    );
    const sampled = list
      .filter((surface) => surface.stride > 1)
      .map((surface) => `${surface.name}: ${everyNth(texts, surface.stride, list.indexOf(surface)).length}`);
    console.log(
      [
        `[hostile-corpora] ${payloads.length} distinct payloads (${corpora.join(', ')})`,
        `[hostile-corpora] ${list.length} surfaces, ${tasks.length} payload x surface probes, ` +
          `${counts.requests} requests (${counts.unsendable} not sendable as HTTP), ${(durationMs / 1000).toFixed(1)} s`,
        `[hostile-corpora] sampled surfaces (every n-th payload): ${sampled.join('; ')}`,
        `[hostile-corpora] slowest surfaces (summed over their requests): ${[...counts.msBySurface]
          .sort(([, a], [, b]) => b - a)
          .slice(0, 5)
          .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
          .join('; ')}`,
        `[hostile-corpora] statuses: ${[...counts.byStatus]
          .sort(([a], [b]) => a - b)
          .map(([status, count]) => `${status} x${count}`)
          .join(', ')}`,
        `[hostile-corpora] memory: agent baseline RSS ${(peaks.baseline / MB).toFixed(1)} MB, ` +
          `agent peak ${(peaks.process / MB).toFixed(1)} MB, children peak ${(peaks.children / MB).toFixed(1)} MB ` +
          `(${peaks.childCount} at most), agent + children peak ${(peaks.total / MB).toFixed(1)} MB, ${peaks.samples} samples`,
      ].join('\n'),
    );
    const kinds = new Map<string, number>();
    for (const finding of findings) kinds.set(finding.problem.split(':')[0]!, (kinds.get(finding.problem.split(':')[0]!) ?? 0) + 1);
    expect(
      findings.slice(0, 20),
      `${findings.length} findings: ${[...kinds].map(([kind, count]) => `${kind} x${count}`).join(', ')}`,
    ).toEqual([]);
  }, 240_000);

  it(
    'Given the suite has run, When the canary outside the allowed folders is looked at, ' +
      'Then its content, mtime and atime are unchanged',
    async () => {
      expect(armed).toBeDefined();
      if (!atimeTracked)
        console.log('[hostile-corpora] reads do not move atime on this file system (noatime): the atime check cannot see a read here');
      const now = await canaryState(tree.canary);
      expect(now.content).toBe(armed.content);
      expect(now.mtimeMs).toBe(armed.mtimeMs);
      expect(now.atimeMs).toBe(armed.atimeMs);
    },
  );

  it(
    'Given the suite has run, When the folders outside the allowed tree are listed, ' +
      'Then nothing was created, removed or changed there',
    async () => {
      expect(await outside()).toEqual(outsideBefore);
    },
  );

  it('Given the suite has run, When the memory samples are read, Then the agent and its children stayed under 200 MB', () => {
    expect(peaks.samples).toBeGreaterThan(10);
    expect(peaks.total).toBeLessThan(MEMORY_CEILING);
  });

  it("Given the suite has hung up on its follows, When the agent's processes are listed, Then none of its children is left", async () => {
    let left: number[] = [];
    await waitUntil(async () => (left = await descendantsOf(agent.pid)).length === 0, 2_000, 50);
    expect(left).toEqual([]);
  });
});
