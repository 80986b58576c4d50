/**
 * `hms logs <source> --all [-f]` against two real agents served on loopback, each with
 * its own cigar production log, and a third server whose port is closed (a server that
 * is down). The SSH side of an unreachable server (a silent one) is in
 * tests/commands/each-server.test.ts and tests/e2e/fleet.e2e.test.ts.
 */
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLineSchema } from '../../src/api/logs.js';
import { logsCommand } from '../../src/commands/logs.js';
import { serverSchema, type Config } from '../../src/config/schema.js';
import { serverPrefixes } from '../../src/core/server-prefix.js';
import { TEST_TOKEN } from '../support/agent.js';
import { servedAgent, type ServedAgent } from '../support/served-agent.js';
import { testContext, type TestContext, type TestContextOptions } from '../support/test-context.js';
import { waitFor } from '../support/wait-for.js';

let dir: string;
const logs: Record<string, string> = {};
const agents: Record<string, ServedAgent> = {};
let config: Config;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-logs-all-'));
  for (const name of ['web1', 'web10']) {
    const root = path.join(dir, name, 'cigar');
    logs[name] = path.join(root, 'shared', 'log', 'production.log');
    await mkdir(path.dirname(logs[name]!), { recursive: true });
    await writeFile(logs[name]!, `I, [2026-11-25T18:02:11.000000 #7]  INFO -- : backlog on ${name}\n`);
    agents[name] = await servedAgent({ config: { apps: { cigar: { unit: 'cigar.service', root } } } });
  }
  const down = { ...serverSchema.parse({ host: '127.0.0.1' }), publicUrl: 'http://127.0.0.1:1' };
  config = {
    servers: { web1: agents.web1!.config.servers.test!, web10: agents.web10!.config.servers.test!, down },
    apps: {},
    file: path.join(dir, 'hms.config.json'),
  } as Config;
});

afterAll(async () => {
  await Promise.all(Object.values(agents).map((agent) => agent.dispose()));
  await rm(dir, { recursive: true, force: true });
});

const context = (options: TestContextOptions = {}): TestContext =>
  testContext({ ...options, config, flags: { via: 'https', all: true, ...options.flags }, env: { HMS_TOKEN: TEST_TOKEN } });

const printed = (ctx: TestContext) => () => `stdout:\n${ctx.stdout.text}\nnotes:\n${ctx.notes.join('\n')}`;

describe('hms logs <source> --all -f', () => {
  it('Given two agents and a server that is down, When cigar is followed on all, ' +
    'Then lines of both come prefixed by their server (aligned), the down one is said once on stderr, ' +
    'and Ctrl-C ends it with exit 1', async () => {
    const stop = new AbortController();
    const ctx = context({ args: ['cigar'], flags: { follow: true, lines: 1 }, signal: stop.signal });
    const running = logsCommand.run(ctx);
    await waitFor(() => ctx.stdout.text.includes('backlog on web1') && ctx.stdout.text.includes('backlog on web10'), printed(ctx));
    const write = async (): Promise<boolean> => {
      if (['web1', 'web10'].every((name) => ctx.stdout.text.includes(`marker of ${name}`))) return true;
      for (const name of ['web1', 'web10'])
        await appendFile(logs[name]!, `I, [2026-11-25T18:05:00.000000 #7]  INFO -- : marker of ${name}\n`);
      return false;
    };
    await waitFor(write, printed(ctx), 10_000, 200);
    stop.abort();
    const output = await running;
    expect(output.exitCode).toBe(1);
    const lines = ctx.stdout.text.trimEnd().split('\n');
    expect(lines.find((line) => line.endsWith('marker of web1'))).toMatch(/^web1 {2}\| 2026-11-25T18:05:00\.000Z\s+.*marker of web1$/);
    expect(lines.find((line) => line.includes('marker of web10'))).toMatch(/^web10 \| 2026-11-25T18:05:00\.000Z/);
    expect(lines.every((line) => /^web1 {2}\| |^web10 \| /.test(line))).toBe(true);
    expect(ctx.notes.filter((note) => note.startsWith('hms: down: '))).toHaveLength(1);
    expect(ctx.notes.find((note) => note.startsWith('hms: down: '))).toMatch(/^hms: down: Cannot reach the agent on down .*ECONNREFUSED/);
  }, 30_000);

  it('Given --json, When lines come, Then each JSON line carries its server', async () => {
    const stop = new AbortController();
    const ctx = context({ args: ['cigar'], flags: { follow: true, json: true, lines: 1 }, signal: stop.signal });
    const running = logsCommand.run(ctx);
    await waitFor(() => ctx.stdout.text.split('\n').length > 2, printed(ctx));
    stop.abort();
    await running;
    const lines = ctx.stdout.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.server).sort()).toEqual(['web1', 'web10']);
    for (const line of lines) expect(logLineSchema.parse(line).text).toMatch(new RegExp(` (on|of) ${line.server}$`));
  });

  it('Given every server down, When followed, Then it fails with each reason said', async () => {
    const onlyDown = { ...config, servers: { down: config.servers.down! } } as Config;
    const ctx = testContext({ args: ['cigar'], config: onlyDown, flags: { via: 'https', all: true, follow: true } });
    await expect(logsCommand.run(ctx)).rejects.toThrow(/No server gave cigar:production \(1 tried\)/);
    expect(ctx.notes).toHaveLength(1);
  });
});

describe('hms logs <source> --all (no -f)', () => {
  it('Given two agents and one down, When read, Then each line is prefixed, server by server, and it exits 1', async () => {
    const output = await logsCommand.run(context({ args: ['cigar'], flags: { lines: 5 } }));
    expect(output.exitCode).toBe(1);
    expect(output.human).toMatch(/^web1 {2}\| 2026-11-25T18:02:11\.000Z\s+.*backlog on web1$/m);
    expect(output.human).toMatch(/^web10 \| 2026-11-25T18:02:11\.000Z\s+.*backlog on web10$/m);
    expect((output.data as Array<{ server: string; ok: boolean }>).map((r) => [r.server, r.ok])).toEqual([
      ['web1', true],
      ['web10', true],
      ['down', false],
    ]);
  });

  it('Given --all without a log named, When run, Then it asks for one', async () => {
    await expect(logsCommand.run(context())).rejects.toThrow('--all follows one log on every server: name it.');
  });
});

describe('server prefixes', () => {
  it('Given names of different lengths, When prefixed, Then they align; on a terminal each has its colour', () => {
    expect(serverPrefixes(['a', 'bbb'], false)).toEqual({ a: 'a   |', bbb: 'bbb |' });
    const colored = serverPrefixes(['a', 'bbb'], true);
    expect(colored.a).toBe('\u001b[36ma   |\u001b[39m');
    expect(colored.bbb).toBe('\u001b[33mbbb |\u001b[39m');
  });
});
