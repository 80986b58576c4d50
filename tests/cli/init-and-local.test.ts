import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appsResponseSchema } from '../../src/api/apps.js';
import { runHms } from '../support/run-hms.js';

describe('hms init', () => {
  it(
    'Given flags, When init runs twice, ' + 'Then a valid config with a server and an app is written and a second server is added',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'hms-init-'));
      const first = await runHms(
        [
          'init',
          '--host',
          'hosting.example.com',
          '--user',
          'deploy',
          '--public-url',
          'https://hosting.example.com',
          '--app',
          'cigar',
          '--domain',
          'cigar.example.com',
          '--repo',
          'git@example.com:cigar.git',
        ],
        { cwd: dir },
      );
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain('hms trust prod');
      const second = await runHms(['init', '--name', 'staging', '--host', '10.0.0.5'], { cwd: dir });
      expect(second.code, second.stderr).toBe(0);
      const config = JSON.parse(await readFile(path.join(dir, 'hms.config.json'), 'utf8'));
      expect(Object.keys(config.servers)).toEqual(['prod', 'staging']);
      expect(config.apps.cigar).toEqual({ server: 'prod', repo: 'git@example.com:cigar.git', domain: 'cigar.example.com' });
      expect((await runHms(['secrets', 'init'], { cwd: dir })).code).toBe(0);
    },
  );

  it('Given an existing server, When init names it again, Then it refuses without --force and the file is unchanged', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hms-init-'));
    await runHms(['init', '--host', 'a.example.com'], { cwd: dir });
    const before = await readFile(path.join(dir, 'hms.config.json'), 'utf8');
    const again = await runHms(['init', '--host', 'b.example.com'], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already describes a server named "prod".*\n.*--force/);
    expect(await readFile(path.join(dir, 'hms.config.json'), 'utf8')).toBe(before);
    expect((await runHms(['init', '--host', 'b.example.com', '--force'], { cwd: dir })).code).toBe(0);
  });

  it(
    'Given a server with one app, When `hms init --app` adds a second without --host, ' +
      'Then both apps are on that server and secrets init covers the new one',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'hms-init-'));
      await runHms(
        ['init', '--host', 'hosting.example.com', '--app', 'cigar', '--domain', 'cigar.example.com', '--repo', 'git@example.com:cigar.git'],
        { cwd: dir },
      );
      expect((await runHms(['secrets', 'init'], { cwd: dir })).code).toBe(0);
      const added = await runHms(
        ['init', '--app', 'tobacco', '--domain', 'tobacco.example.com', '--repo', 'git@example.com:tobacco.git', '--branch', 'release'],
        { cwd: dir },
      );
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toMatch(/Added app tobacco on prod .*apps cigar, tobacco/);
      expect(added.stdout).toContain('hms secrets init');
      const config = JSON.parse(await readFile(path.join(dir, 'hms.config.json'), 'utf8'));
      expect(config.servers).toEqual({ prod: { host: 'hosting.example.com' } });
      expect(config.apps.tobacco).toEqual({
        server: 'prod',
        repo: 'git@example.com:tobacco.git',
        domain: 'tobacco.example.com',
        branch: 'release',
      });
      expect(config.apps.cigar.domain).toBe('cigar.example.com');
      expect((await runHms(['secrets', 'check'], { cwd: dir })).code).toBe(1);
      expect((await runHms(['secrets', 'init'], { cwd: dir })).code).toBe(0);
      expect((await runHms(['secrets', 'check'], { cwd: dir })).code).toBe(0);
    },
  );

  it('Given an existing app, When `hms init --app` names it again, Then it refuses without --force and the file is unchanged', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hms-init-'));
    await runHms(['init', '--host', 'hosting.example.com', '--app', 'cigar', '--domain', 'cigar.example.com', '--repo', 'R1'], {
      cwd: dir,
    });
    const before = await readFile(path.join(dir, 'hms.config.json'), 'utf8');
    const again = await runHms(['init', '--app', 'cigar', '--domain', 'new.example.com', '--repo', 'R2'], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already describes an app named "cigar".*\n.*--force/);
    expect(await readFile(path.join(dir, 'hms.config.json'), 'utf8')).toBe(before);
    expect((await runHms(['init', '--app', 'cigar', '--domain', 'new.example.com', '--repo', 'R2', '--force'], { cwd: dir })).code).toBe(0);
    const config = JSON.parse(await readFile(path.join(dir, 'hms.config.json'), 'utf8'));
    expect(config.apps.cigar).toEqual({ server: 'prod', repo: 'R2', domain: 'new.example.com' });
    expect(config.servers.prod).toEqual({ host: 'hosting.example.com' });
  });

  it(
    'Given two servers, When `hms init --app` runs, ' +
      'Then it needs --server (a usage error naming them), and adds the app to the one named',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'hms-init-'));
      await runHms(['init', '--host', 'a.example.com'], { cwd: dir });
      await runHms(['init', '--name', 'staging', '--host', 'b.example.com'], { cwd: dir });
      const app = ['init', '--app', 'tobacco', '--domain', 'tobacco.example.com', '--repo', 'R'];
      const unsure = await runHms(app, { cwd: dir });
      expect(unsure.code).toBe(2);
      expect(unsure.stderr).toMatch(/several servers.*\n.*--server NAME \(one of prod, staging\)/);
      const unknown = await runHms([...app, '--server', 'nope'], { cwd: dir });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/no server named "nope"/);
      expect((await runHms([...app, '--server', 'staging'], { cwd: dir })).code).toBe(0);
      const config = JSON.parse(await readFile(path.join(dir, 'hms.config.json'), 'utf8'));
      expect(config.apps.tobacco.server).toBe('staging');
    },
  );

  it(
    'Given no configuration, When `hms init --app` runs without --host, ' + 'Then it says to describe the server first and writes nothing',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'hms-init-'));
      const run = await runHms(['init', '--app', 'tobacco', '--domain', 'tobacco.example.com', '--repo', 'R'], { cwd: dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/no server to add tobacco to/);
      expect(run.stderr).toContain('hms init --host HOST --app tobacco');
      await expect(readFile(path.join(dir, 'hms.config.json'))).rejects.toThrow();
    },
  );

  it('Given a bad value, When init runs, Then it names the key and writes nothing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hms-init-'));
    const run = await runHms(['init', '--host', 'bad host;rm', '--public-url', 'http://insecure'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/servers\.prod\.host/);
    await expect(readFile(path.join(dir, 'hms.config.json'))).rejects.toThrow();
  });

  it('Given no --host and no terminal, When init runs, Then it is a usage error with an example', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hms-init-'));
    const run = await runHms(['init'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('hms init --host');
  });
});

describe('local mode (no server configured)', () => {
  it('Given no configuration, When `hms status --json` runs, Then an in-process agent answers for this machine, item by item', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hms-local-'));
    const run = await runHms(['status', '--json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const snapshot = appsResponseSchema.parse(JSON.parse(run.stdout));
    expect(snapshot.apps.map((a) => a.name)).toEqual(['nginx', 'agent']);
    const agent = snapshot.apps.find((a) => a.name === 'agent')!;
    expect(agent.health).toMatchObject({ ok: true, via: 'self' });
    // On a machine without systemd each unit says why its state is unknown.
    if (agent.state.activeState === 'unknown') expect(agent.problem).toBeTruthy();
  });

  it('Given --local and a configuration, When doctor runs, Then it checks this machine and says what needs attention', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hms-local-'));
    await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify({ servers: { prod: { host: '192.0.2.1' } } }));
    const run = await runHms(['doctor', '--local'], { cwd: dir });
    expect(run.stdout).toMatch(/^local:/);
    expect(run.stdout).toMatch(/agent version\s+\S+, same as this hms/);
    expect(run.stdout).toMatch(/Nothing needs attention\.|item\(s\) need attention\./);
  });
});
