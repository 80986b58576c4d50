/**
 * The hostile-input corpus (hostile-corpus.ts) against the whole agent app through
 * `app.request()`: the logs, configs, scripts and apps routes, with a canary file
 * outside the allowed tree and symlinks inside it that point there.
 *
 * `exec` is wrapped, and the wrapper only OBSERVES: it records each argv and
 * forwards it to the real src/platform/exec.ts, so grep, tail, `nginx -t` and the scripts run
 * for real. (systemctl and journalctl would run for real too and fail on this host,
 * which has no systemd as PID 1; no refused case may start a process at all.)
 *
 * For every case: a 4xx (or, for `inert` cases, a 200 in which the input was only
 * data), never the canary in the answer, no process handed a path outside the
 * allowed tree, nothing outside it created or changed, and /api/health still answers.
 */
import { existsSync, realpathSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec as realExec, type ExecOptions } from '../../src/platform/exec.js';
import type { AgentDeps } from '../../server/env.js';
import { etagOf } from '../../server/services/configs/sites.js';
import { AUTH, testAgent, type TestAgent } from '../support/agent.js';
import type { HostileCase } from './hostile-case.js';
import { allCases } from './hostile-corpus.js';
import { buildHostileTree, type HostileTree } from './hostile-tree.js';
import { NGINX_BINARY } from '../support/nginx-fixture.js';
import { waitUntil } from '../support/wait-for.js';

const calls: string[][] = [];
// Observes only: every argv is recorded, then run by the real exec door.
const observingExec = ((argv: readonly string[], options?: ExecOptions) => {
  calls.push([...argv]);
  return realExec(argv, options);
}) as AgentDeps['exec'];

const PROGRAMS = new Set(['grep', 'tail', 'timeout', 'systemctl', 'journalctl', NGINX_BINARY]);
const PASSWD_LINE = 'root:x:0:0';
const DEFAULT_MAX_MS = 15_000;
/** How long an event stream (a follow that was not refused) is read before hanging up. */
const STREAM_READ_MS = 1000;

let tree: HostileTree;
let allowedReal: string;
let agent: TestAgent;

beforeAll(async () => {
  tree = await buildHostileTree();
  allowedReal = realpathSync(tree.allowed);
  agent = await testAgent({ config: tree.config, exec: observingExec });
});

afterAll(async () => {
  if (tree) await rm(tree.root, { recursive: true, force: true });
  if (agent) await rm(agent.dir, { recursive: true, force: true });
});

function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Inside the allowed tree by name AND after following symlinks. */
function insideAllowed(file: string): boolean {
  const resolved = path.resolve(file);
  const real = existsSync(resolved) ? realpathSync(resolved) : resolved;
  return isInside(allowedReal, resolved) && isInside(allowedReal, real);
}

/** What is wrong with one argv: an unexpected program, or any argument naming a path outside the tree. */
function argvProblems(argv: string[]): string[] {
  const problems = PROGRAMS.has(argv[0]!) ? [] : [`runs ${argv[0]}`];
  argv.forEach((arg, index) => {
    if (index === 0) return;
    // grep's pattern (after -e) and journalctl's --grep= are data, never a file.
    if ((argv[0] === 'grep' && argv[index - 1] === '-e') || arg.startsWith('--grep=')) return;
    const slash = arg.indexOf('/');
    if (slash >= 0 && !insideAllowed(arg.slice(slash))) problems.push(`${argv[0]} got "${arg.slice(0, 120)}", outside ${tree.allowed}`);
  });
  return problems;
}

/** Every file and folder under the tree's root, except the allowed tree, with size and mtime. */
async function outsideSnapshot(): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (file === tree.allowed) continue;
      const info = await stat(file).catch(() => null);
      entries[file] = info ? `${info.size} ${info.mtimeMs}` : 'dangling';
      if (entry.isDirectory()) await walk(file);
    }
  };
  await walk(tree.root);
  return entries;
}

interface Outcome {
  status: number;
  text: string;
  ms: number;
}

async function currentEtag(): Promise<string> {
  return etagOf(await readFile(path.join(tree.allowed, 'nginx', 'sites-available', 'cigar')));
}

/** Sends the case's request and reads its answer; an event stream is read briefly, then hung up. */
async function send(hostile: HostileCase): Promise<Outcome> {
  const url = typeof hostile.url === 'string' ? hostile.url : hostile.url(tree);
  const headers = typeof hostile.headers === 'function' ? hostile.headers(tree, await currentEtag()) : (hostile.headers ?? {});
  const body = typeof hostile.body === 'function' ? hostile.body(tree) : hostile.body;
  const abort = new AbortController();
  const hangUp = setTimeout(() => abort.abort(), (hostile.maxMs ?? DEFAULT_MAX_MS) + 5000);
  const started = performance.now();
  try {
    const response = await agent.app.request(url, { method: hostile.method, headers: { ...AUTH, ...headers }, body, signal: abort.signal });
    const head = JSON.stringify([...response.headers]);
    if (!response.headers.get('content-type')?.startsWith('text/event-stream')) {
      return { status: response.status, text: head + (await response.text()), ms: performance.now() - started };
    }
    // The stream is read for a fixed window on purpose; what counts is how long it took
    // to open plus how late the reading ended (a blocked event loop makes both late).
    const opened = performance.now() - started;
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = head;
    const deadline = Date.now() + STREAM_READ_MS;
    while (Date.now() < deadline) {
      const next = await Promise.race([
        reader.read(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), deadline - Date.now())),
      ]);
      if (next === null || next.done) break;
      text += decoder.decode(next.value, { stream: true });
    }
    const ms = opened + Math.max(0, Date.now() - deadline);
    abort.abort();
    await reader.cancel().catch(() => undefined);
    return { status: response.status, text, ms };
  } finally {
    clearTimeout(hangUp);
  }
}

async function checkCase(hostile: HostileCase): Promise<void> {
  const before = await outsideSnapshot();
  const firstCall = calls.length;

  const outcome = await send(hostile);

  if (hostile.expect === 'inert') expect(outcome.status, outcome.text.slice(0, 300)).toBe(200);
  else {
    expect(outcome.status, outcome.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
    expect(outcome.status, outcome.text.slice(0, 300)).toBeLessThan(500);
  }
  expect(outcome.text).not.toContain(tree.marker);
  expect(outcome.text).not.toContain(PASSWD_LINE);
  expect(outcome.ms).toBeLessThan(hostile.maxMs ?? DEFAULT_MAX_MS);
  const started = calls.slice(firstCall);
  if (!hostile.runs) expect(started, 'a refused request starts no process').toEqual([]);
  expect(started.flatMap(argvProblems)).toEqual([]);
  expect(await outsideSnapshot()).toEqual(before);
  expect(existsSync(path.join(tree.outside, 'pwned'))).toBe(false);
  const health = await agent.app.request('/api/health');
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok' });
}

const families = allCases();
const total = families.reduce((sum, [, cases]) => sum + cases.length, 0);

describe('hostile inputs against hms-agent', () => {
  it(`Given the corpus, When counted, Then it holds at least 50 distinct inputs (${total})`, () => {
    console.log(`[hostile-inputs] ${total} cases: ${families.map(([family, cases]) => `${family} ${cases.length}`).join(', ')}`);
    const names = families.flatMap(([family, cases]) => cases.map((hostile) => `${family}: ${hostile.name}`));
    expect(new Set(names).size).toBe(names.length);
    expect(total).toBeGreaterThanOrEqual(50);
  });

  describe.each(families)('%s', (_family, cases) => {
    it.each(cases.filter((hostile) => !hostile.knownBug))(
      'Given $name, When sent, Then it is refused and nothing outside is touched',
      checkCase,
    );
    // Expected failures: each passes while the agent still has the bug in `knownBug`, and fails (to be moved up) once fixed.
    const knownBugs = cases.filter((hostile) => hostile.knownBug);
    if (knownBugs.length > 0) it.fails.each(knownBugs)('KNOWN BUG, $name: $knownBug', checkCase);
  });
});

/** Children of this process whose command line starts with `argv`, from /proc. */
async function childrenRunning(argv: string[]): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const ppid = Number(/^\d+ \(.*\) \S+ (\d+)/.exec(stat)?.[1]);
    if (ppid === process.pid && cmdline.startsWith(`${argv.join('\u0000')}\u0000`)) pids.push(Number(entry));
  }
  return pids;
}

describe('a follow filter on a line an attacker wrote', () => {
  it(
    'Given a follow with grep "a*a*b" on a line of 100,000 a\'s, When /api/health is asked meanwhile, ' +
      'Then it answers within 200 ms each time, and the follow ends with the client',
    async () => {
      const stop = new AbortController();
      const response = await agent.app.request('/api/logs/cigar:huge/follow?lines=1&grep=a*a*b', { headers: AUTH, signal: stop.signal });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const pending = reader.read();
      await waitUntil(async () => (await childrenRunning(['grep', '--line-buffered'])).length > 0, 2_000, 20);
      expect(await childrenRunning(['grep', '--line-buffered'])).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 100)); // tail has printed the line; grep has it

      for (let i = 0; i < 5; i += 1) {
        const started = performance.now();
        const health = await agent.app.request('/api/health');
        expect(health.status).toBe(200);
        expect(performance.now() - started).toBeLessThan(200);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }

      stop.abort();
      await reader.cancel().catch(() => undefined);
      await pending.catch(() => undefined);
      await waitUntil(async () => (await childrenRunning(['grep', '--line-buffered'])).length === 0, 2_000, 20);
      expect(await childrenRunning(['grep', '--line-buffered'])).toEqual([]);
      expect(await childrenRunning(['tail', '-n', '1', '-F'])).toEqual([]);
    },
  );
});
