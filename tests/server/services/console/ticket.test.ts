/**
 * Console tickets on this machine's file system: written for the release's owner only,
 * redeemed once by the launcher (which runs the command with the ticket's environment in
 * the release), refused when expired, used, or not a ticket. The SSH session with a
 * terminal that redeems them on a real server is in tests/e2e/backups-views.e2e.test.ts.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleTicketFileSchema } from '../../../../src/api/console.js';
import type { ExecResult } from '../../../../src/platform/exec.js';
import { runConsoleTicket } from '../../../../server/console-run.js';
import { openConsole } from '../../../../server/services/console/index.js';
import { testAgent } from '../../../support/agent.js';

const systemctl = async (argv: readonly string[]): Promise<ExecResult> => ({
  argv,
  code: 0,
  signal: null,
  stdout: 'Environment=SECRET_KEY_BASE=abc\nEnvironmentFiles=\n',
  stderr: '',
  truncated: false,
  timedOut: false,
  aborted: false,
});

async function agentWithRelease() {
  const { dir } = await testAgent();
  const root = path.join(dir, 'cigar');
  await mkdir(path.join(root, 'current'), { recursive: true });
  const consoleDir = path.join(dir, 'consoles');
  return testAgent({ config: { apps: { cigar: { unit: 'cigar.service', root } }, consoleDir }, exec: systemctl });
}

describe('console tickets', () => {
  it('Given a release, When a console is opened, Then a 0600 ticket in a 0700 folder holds the env and release, audited', async () => {
    const { deps } = await agentWithRelease();
    const ticket = await openConsole(deps, 'cigar', 'alice');
    const file = ticket.argv.at(-1)!;
    expect(ticket.argv.slice(-2, -1)).toEqual(['console-run']);
    expect(((await stat(file)).mode & 0o777).toString(8)).toBe('600');
    expect(((await stat(path.dirname(file))).mode & 0o777).toString(8)).toBe('700');
    const content = consoleTicketFileSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    expect(content).toMatchObject({
      app: 'cigar',
      argv: ['bin/rails', 'console'],
      env: { SECRET_KEY_BASE: 'abc', RAILS_ENV: 'production' },
    });
    expect((await deps.audit.recent()).map((entry) => entry.action)).toEqual(['app.console']);
    await expect(openConsole(deps, '../etc', 'alice')).rejects.toThrow(/Unknown app/);
  });

  it('Given a ticket, When the launcher redeems it, Then the command runs in the release with its env, once; then it is gone', async () => {
    const { deps } = await agentWithRelease();
    const ticket = await openConsole(deps, 'cigar', 'alice');
    const file = ticket.argv.at(-1)!;
    const content = consoleTicketFileSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    const out = path.join(path.dirname(content.cwd), 'out');
    // The same ticket with a command that shows what it got (the test writes it as the agent would).
    await writeFile(file, JSON.stringify({ ...content, argv: ['sh', '-c', `pwd > ${out}; echo "$SECRET_KEY_BASE" >> ${out}; exit 7`] }));
    expect(await runConsoleTicket(file)).toBe(7);
    expect((await readFile(out, 'utf8')).split('\n')).toEqual([content.cwd, 'abc', '']);
    expect(await readdir(path.dirname(file))).toEqual([]);
    await expect(runConsoleTicket(file)).rejects.toThrow(/used already, or is gone/);
  });

  it('Given an expired ticket or a path that is not a ticket, When the launcher gets it, Then it refuses, runs nothing', async () => {
    const { deps } = await agentWithRelease();
    const ticket = await openConsole(deps, 'cigar', 'alice');
    const file = ticket.argv.at(-1)!;
    const content = consoleTicketFileSchema.parse(JSON.parse(await readFile(file, 'utf8')));
    await writeFile(file, JSON.stringify({ ...content, expires: '2000-01-01T00:00:00.000Z' }));
    await expect(runConsoleTicket(file)).rejects.toThrow(/expired/);
    for (const bad of ['/etc/passwd', 'relative.json', `${path.dirname(file)}/../x.json`]) {
      await expect(runConsoleTicket(bad)).rejects.toThrow(/not a console ticket/);
    }
  });
});
