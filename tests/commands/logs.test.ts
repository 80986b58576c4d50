/**
 * `hms logs` against real agents: the in-process local agent (no apps), and an agent
 * served on loopback with a real app log that `tail -F` follows, stopped and started
 * again on the same port to drop the follow's connection.
 */
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLineSchema, logLinesResponseSchema } from '../../src/api/logs.js';
import { AgentError } from '../../src/client/http.js';
import { formatLine, sourceName } from '../../src/core/log-lines.js';
import { logsCommand } from '../../src/commands/logs.js';
import { HmsError } from '../../src/core/errors.js';
import { servedAgent, type ServedAgent } from '../support/served-agent.js';
import { testContext, type TestContext } from '../support/test-context.js';
import { waitFor } from '../support/wait-for.js';

const LINES = [
  '  (a continuation before any timed line)',
  'I, [2026-11-25T18:02:11.000000 #7]  INFO -- : Started GET "/" for 203.0.113.9',
  'E, [2026-11-25T18:02:12.000000 #7] ERROR -- : RuntimeError (boom \u001b[31mred)',
  '  app/models/cigar.rb:12',
  'I, [2026-11-25T18:02:13.000000 #7]  INFO -- : Completed 500 Internal Server Error in 3ms',
];

const RAILS_DEFAULT = [
  '[0f6b1c52] Started GET "/" for 127.0.0.1 at 2026-12-03 14:46:15 +0000',
  '[0f6b1c52] Processing by CigarsController#index as HTML',
  '[0f6b1c52] Completed 200 OK in 5ms (Views: 3.0ms | ActiveRecord: 0.4ms | Allocations: 2301)',
];

let dir: string;
let production: string;
let served: ServedAgent;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-logs-cmd-'));
  const root = path.join(dir, 'www', 'cigar');
  production = path.join(root, 'shared', 'log', 'production.log');
  await mkdir(path.dirname(production), { recursive: true });
  await writeFile(production, `${LINES.join('\n')}\n`);
  // tobacco logs in Rails' default format: only the Started line of a request has a time.
  const tobacco = path.join(dir, 'www', 'tobacco');
  await mkdir(path.join(tobacco, 'shared', 'log'), { recursive: true });
  await writeFile(path.join(tobacco, 'shared', 'log', 'production.log'), `${RAILS_DEFAULT.join('\n')}\n`);
  served = await servedAgent({
    config: { apps: { cigar: { unit: 'cigar.service', root }, tobacco: { unit: 'tobacco.service', root: tobacco } } },
  });
});

afterAll(async () => {
  await served.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** What a command printed so far, to read when a wait for it times out. */
function printed(context: TestContext): () => string {
  return () => `stdout:\n${context.stdout.text}\nnotes:\n${context.notes.join('\n')}`;
}

describe('hms logs in local mode (no server configured)', () => {
  it('Given no argument, When run, Then the sources of this machine are listed with how to read an app', async () => {
    const output = await logsCommand.run(testContext());
    expect(output.human).toMatch(/^SOURCE\s+KIND\s+UNIT OR FILE\s+SIZE/);
    expect(output.human).toContain('journal:nginx');
    expect(output.human).toContain('nginx:error');
  });

  it("Given an unknown name, When read, Then the agent's 404 lists the known sources (exit 1)", async () => {
    const error = await logsCommand.run(testContext({ args: ['cigar'] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentError);
    expect((error as AgentError).status).toBe(404);
    expect((error as AgentError).message).toContain('Unknown log source "cigar:production"');
    expect((error as AgentError).hint).toMatch(/Known log sources: .*journal:nginx/);
    expect((error as AgentError).exitCode).toBe(1);
  });
});

describe('hms logs <app>', () => {
  it(
    'Given an app, When read, ' +
      'Then its production log is shown oldest first, every line with its time, "-" before any time, escapes shown not obeyed',
    async () => {
      const output = await logsCommand.run(served.context({ args: ['cigar'] }));
      const shown = output.human.split('\n');
      expect(shown).toHaveLength(5);
      expect(shown[0]).toBe(`${'-'.padEnd(24)}    (a continuation before any timed line)`);
      expect(shown[1]).toMatch(/^2026-11-25T18:02:11\.000Z  I, \[/);
      expect(shown[2]).toContain('boom \\x1b[31mred');
      expect(shown[3]).toMatch(/^2026-11-25T18:02:12\.000Z    app\/models/); // inherits the line before's time
    },
  );

  it("Given an app logging in Rails' default format, When read, Then every line of a request shows the Started line's time", async () => {
    const output = await logsCommand.run(served.context({ args: ['tobacco:production'] }));
    expect(output.human.split('\n')).toEqual(RAILS_DEFAULT.map((text) => `2026-12-03T14:46:15.000Z  ${text}`));
  });

  it(
    'Given --since and --until as people write them, When read, ' +
      'Then the window is resolved here and a bad value is a usage error naming the forms',
    async () => {
      const output = await logsCommand.run(
        served.context({ args: ['cigar'], flags: { since: '2026-11-25 18:02:12', until: '2026-11-25T18:02:12.500' } }),
      );
      // The log's times have no offset (the server's local time), and neither have these: both local.
      const shown = output.human.split('\n');
      expect(shown.map((line) => line.slice(0, 24))).toEqual(Array(2).fill(new Date(2026, 10, 25, 18, 2, 12).toISOString()));
      expect(shown[0]).toContain('RuntimeError');
      expect(shown[1]).toMatch(/ {2}app\/models\/cigar.rb:12$/);
      const recent = await logsCommand.run(served.context({ args: ['cigar'], flags: { since: '10 min ago' } }));
      expect(recent.human).toBe('');
      const error = await logsCommand.run(served.context({ args: ['cigar'], flags: { since: '-999999 weeks' } })).catch((e: unknown) => e);
      expect((error as HmsError).exitCode).toBe(2);
      expect((error as HmsError).hint).toContain('"2 hours ago"');
    },
  );

  it("Given --json, -n and --grep, When read, Then the agent's answer is the data and the filters reached it", async () => {
    const context = served.context({ args: ['cigar:production'], flags: { json: true, lines: 2, grep: 'INFO' } });
    const output = await logsCommand.run(context);
    const data = logLinesResponseSchema.parse(output.data);
    expect(data.source).toBe('cigar:production');
    expect(data.lines.map((line) => line.text)).toEqual([LINES[1], LINES[4]]);
  });

  it('Given -n smaller than the log, When read, Then the newest lines come and a note says older ones exist', async () => {
    const context = served.context({ args: ['cigar'], flags: { lines: 1 } });
    const output = await logsCommand.run(context);
    expect(output.human).toContain('Completed 500');
    expect(context.notes.join('\n')).toMatch(/Older lines exist: raise -n/);
  });

  it('Given --priority on a file log, When read, Then the agent refuses it and says what to use instead', async () => {
    const error = await logsCommand.run(served.context({ args: ['cigar'], flags: { priority: 'err' } })).catch((e: unknown) => e);
    expect((error as AgentError).status).toBe(400);
    expect((error as AgentError).hint).toMatch(/grep/);
  });

  it('Given -f with --since, When run, Then it is a usage error (exit 2) before anything connects', async () => {
    const error = await logsCommand
      .run(served.context({ args: ['cigar'], flags: { follow: true, since: '-1h' } }))
      .catch((e: unknown) => e);
    expect((error as HmsError).exitCode).toBe(2);
  });

  it('Given a name without ":", When mapped, Then it is the app\'s production log; a full source name stays', () => {
    expect(sourceName('cigar')).toBe('cigar:production');
    expect(sourceName('journal:cigar')).toBe('journal:cigar');
    // A worker's (or a scheduled task's) unit name means its journal.
    expect(sourceName('cigar-worker', new Set(['cigar-worker']))).toBe('journal:cigar-worker');
    expect(sourceName('cigar-other', new Set(['cigar-worker']))).toBe('cigar-other:production');
    expect(formatLine({ text: 'x' })).toBe(`${'-'.padEnd(24)}  x`);
  });
});

describe('hms logs <app> -f', () => {
  it('Given a follow, When the agent restarts on the same port, Then it notes reconnecting… and reconnected, ' +
    'the lines written meanwhile and after come, none repeats, and Ctrl-C ends it with exit 0', async () => {
    const stop = new AbortController();
    const context = served.context({ args: ['cigar'], flags: { follow: true, lines: 2 }, signal: stop.signal });
    const running = logsCommand.run(context);
    await waitFor(() => context.stdout.text.includes('Completed 500'), printed(context), 10_000, 50);
    expect(context.stdout.text).not.toContain('Started GET'); // -n 2: the two newest only

    await appendFile(production, 'I, [2026-11-25T18:03:00.000000 #7]  INFO -- : before the restart\n');
    await waitFor(() => context.stdout.text.includes('before the restart'), printed(context), 10_000, 50);

    await served.stop();
    await waitFor(() => context.notes.some((note) => note.includes('reconnecting…')), printed(context), 10_000, 50);
    await appendFile(production, 'I, [2026-11-25T18:03:30.000000 #7]  INFO -- : while the agent was down\n');
    await sleep(1200); // a few failed attempts while nothing listens
    await served.start();
    await waitFor(() => context.notes.some((note) => note.endsWith('reconnected')), printed(context), 20_000, 50);

    // tail starts a moment after the stream opens: write until a line gets through.
    let written = 0;
    const writeUntilShown = async (): Promise<boolean> => {
      if (context.stdout.text.includes('after the restart')) return true;
      await appendFile(production, `I, [2026-11-25T18:04:0${written % 10}.000000 #7]  INFO -- : after the restart ${written}\n`);
      written += 1;
      return false;
    };
    await waitFor(writeUntilShown, printed(context), 10_000, 200);
    stop.abort();
    const output = await running;
    expect(output.exitCode ?? 0).toBe(0);
    const shown = context.stdout.text.trimEnd().split('\n');
    expect(shown.filter((line) => line.includes('Completed 500'))).toHaveLength(1);
    expect(shown.filter((line) => line.includes('before the restart'))).toHaveLength(1);
    expect(shown.filter((line) => line.includes('while the agent was down'))).toHaveLength(1);
    expect(shown.every((line) => /^(2026-\S+Z|-)\s+/.test(line))).toBe(true);
    expect(context.notes.filter((note) => note.includes('reconnecting…'))).toHaveLength(1);
  }, 60_000);

  it('Given -f --json, When lines come, Then each is one JSON line, and an abort ends the follow cleanly', async () => {
    const stop = new AbortController();
    const context = served.context({ args: ['cigar'], flags: { follow: true, json: true, lines: 1 }, signal: stop.signal });
    const running = logsCommand.run(context);
    await waitFor(() => context.stdout.text.includes('\n'), printed(context), 10_000, 50);
    stop.abort();
    const output = await running;
    expect(output.data).toBeUndefined();
    const lines = context.stdout.text
      .trimEnd()
      .split('\n')
      .map((line) => logLineSchema.parse(JSON.parse(line)));
    expect(lines.at(-1)!.ts).toMatch(/Z$/);
  });

  it('Given a wrong token, When following, Then the 401 ends it at once with the login hint', async () => {
    const context = served.context({ args: ['cigar'], flags: { follow: true }, env: { HMS_TOKEN: 'wrong' } });
    const error = await logsCommand.run(context).catch((e: unknown) => e);
    expect((error as AgentError).status).toBe(401);
    expect((error as AgentError).hint).toContain('hms login test');
  });
});
