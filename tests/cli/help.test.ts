/**
 * Asking for help never acts: every command's help, asked three ways, comes from the
 * built hms in an empty folder with no config, secrets, server, network or keychain.
 */
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../src/commands/index.js';
import { exec } from '../../src/platform/exec.js';
import { monitorHelp } from '../../tui/monitor/help.js';
import { runHms, type HmsRun } from '../support/run-hms.js';

/** Every registered command and `monitor`: a new command is checked without being named here. */
const topics = [...commands, monitorHelp];

const emptyDir = (): Promise<string> => mkdtemp(path.join(tmpdir(), 'hms-help-'));

describe('hms <command> --help, -h, hms help <command>', () => {
  // Concurrent: some eighty runs of hms, each mostly its own start-up.
  it.concurrent.for(topics)(
    'Given no config, When the help of `$name` is asked three ways, Then each prints its usage and examples, exits 0, and touches nothing',
    async (topic, { expect }) => {
      const dir = await emptyDir();
      const forms = [
        [topic.name, '--help'],
        [topic.name, '-h'],
        ['help', topic.name],
      ];
      const runs = await Promise.all(forms.map((args) => runHms(args, { cwd: dir })));
      for (const [i, run] of runs.entries()) {
        expect(run.code, `${forms[i]!.join(' ')}: ${run.stderr}`).toBe(0);
        expect(run.stderr).toBe('');
        expect(run.stdout).not.toContain('No hms.config.json found');
        for (const usage of topic.usage) expect(run.stdout).toContain(usage);
        expect(topic.examples.length).toBeGreaterThan(0);
        for (const example of topic.examples) expect(run.stdout).toContain(`$ ${example}`);
        expect(run.stdout).toContain('hms --help');
        expect(run.stdout).toBe(runs[0]!.stdout);
      }
      expect(await readdir(dir, { recursive: true })).toEqual([]);
    },
  );

  it('Given a subcommand, When `hms config edit --help` runs, Then it prints the help of config', async () => {
    const dir = await emptyDir();
    const [sub, parent] = await Promise.all([runHms(['config', 'edit', '--help'], { cwd: dir }), runHms(['help', 'config'], { cwd: dir })]);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toBe(parent.stdout);
  });

  it('Given a flag with a value before the command, When `hms --server prod deploy -h` runs, Then it is the help of deploy', async () => {
    const dir = await emptyDir();
    const run = await runHms(['--server', 'prod', 'deploy', '-h'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('$ hms deploy <app>');
  });

  it("Given `--`, When `hms run nosuch -- --help` runs, Then --help is the script's argument, not a request for help", async () => {
    const run = await runHms(['run', 'nosuch', '--', '--help'], { cwd: await emptyDir() });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Unknown script "nosuch"');
  });

  it(
    'Given no command, When `hms -h`, `hms --help`, `hms help` and `hms help help` run, ' +
      'Then each prints the overview, which points to `hms help <command>`',
    async () => {
      const dir = await emptyDir();
      const runs = await Promise.all([['--help'], ['-h'], ['help'], ['help', 'help']].map((args) => runHms(args, { cwd: dir })));
      for (const run of runs) {
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toBe(runs[0]!.stdout);
      }
      expect(runs[0]!.stdout).toContain('hms help <command>');
      for (const command of commands) expect(runs[0]!.stdout).toContain(command.usage[0]);
    },
  );

  it('Given an unknown command, When its help is asked, Then it is a usage error (exit 2) that names the commands', async () => {
    const dir = await emptyDir();
    for (const args of [
      ['help', 'nosuch'],
      ['nosuch', '--help'],
      ['nosuch', '-h'],
    ]) {
      const run = await runHms(args, { cwd: dir });
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('Unknown command "nosuch"');
      expect(run.stderr).toContain('deploy-hosting-api');
      expect(run.stderr).toContain('monitor');
    }
  });
});

describe('asking for help does not act', () => {
  let server: Server;
  let connections = 0;
  let dir: string;
  const env = { HMS_TOKEN: 'not-a-real-token' };

  // A configured server that counts every connection made to it: any attempt shows.
  beforeAll(async () => {
    server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    dir = await emptyDir();
    await exec(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'id')]);
    const config = {
      servers: { prod: { host: '127.0.0.1', port, identityFile: 'id', knownHostsFile: 'known_hosts' } },
      apps: { cigar: { server: 'prod', repo: 'git@example.com:cigar.git', domain: 'cigar.example.com' } },
    };
    await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify(config));
    expect((await runHms(['secrets', 'init'], { cwd: dir })).code).toBe(0);
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it(
    'Given a reachable server, When `hms deploy cigar` runs without --help, ' + 'Then it connects (the setup would show an attempt)',
    async () => {
      const before = connections;
      const run = await runHms(['deploy', 'cigar'], { cwd: dir, env });
      expect(run.code).not.toBe(0);
      expect(connections).toBeGreaterThan(before);
    },
  );

  it.each(
    [
      ['provision', '--help'],
      ['deploy', 'cigar', '--help'],
      ['deploy', 'cigar', '-h'],
      ['full-deploy', 'prod', '--help'],
      ['status', '--help'],
      ['rollback', 'cigar', '--yes', '--help'],
      ['help', 'stop'],
    ].map((args) => ({ line: args.join(' '), args })),
  )('Given a configured server, When `hms $line` runs, Then it prints help, exits 0, and never connects', async ({ args }) => {
    const before = connections;
    const entries = await readdir(dir);
    const started = Date.now();
    const run: HmsRun = await runHms(args, { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Usage');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(connections).toBe(before);
    expect(await readdir(dir)).toEqual(entries);
  });
});
