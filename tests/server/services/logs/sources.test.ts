import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logSourcesResponseSchema } from '../../../../src/api/logs.js';
import { agentConfigSchema, type AgentConfig } from '../../../../server/config.js';
import { existingFile, findLogSource, listLogSources, logSources, type FileLogSource } from '../../../../server/services/logs/sources.js';

const config = agentConfigSchema.parse({
  apps: {
    cigar: { unit: 'cigar.service', root: '/var/www/cigar', logFiles: { sidekiq: '/var/www/cigar/shared/log/sidekiq.log' } },
    tobacco: { unit: 'tobacco.service', root: '/srv/tobacco', logFiles: { production: '/var/log/tobacco/production.log' } },
    nginx: { unit: 'shop.service', root: '/var/www/nginx', logFiles: { access: '/var/www/nginx/access.log' } },
  },
});

describe('log sources', () => {
  it(
    'Given apps in the config, When the allow-list is computed, ' +
      'Then each app has its journal, its production log (default or configured) and its extra files',
    () => {
      const sources = logSources(config);
      expect(sources['journal:cigar']).toEqual({ name: 'journal:cigar', kind: 'journal', unit: 'cigar.service' });
      expect(sources['cigar:production']).toMatchObject({
        kind: 'file',
        path: '/var/www/cigar/shared/log/production.log',
        format: 'rails',
      });
      expect(sources['cigar:sidekiq']).toMatchObject({ kind: 'file', path: '/var/www/cigar/shared/log/sidekiq.log' });
      expect(sources['tobacco:production']).toMatchObject({ path: '/var/log/tobacco/production.log' });
    },
  );

  it("Given an app whose name collides with nginx's sources, When computed, Then nginx's own logs win", () => {
    const sources = logSources(config);
    expect(sources['journal:nginx']).toMatchObject({ unit: 'nginx.service' });
    expect(sources['nginx:access']).toMatchObject({ path: '/var/log/nginx/access.log', format: 'nginx-access' });
    expect(sources['journal:agent']).toMatchObject({ unit: 'hms-agent.service' });
  });

  it('Given names that are not in the allow-list, When looked up, Then a 404 lists the known sources', () => {
    for (const name of ['../../etc/passwd', '/var/log/nginx/access.log', 'cigar:production/../x', 'hasOwnProperty', 'toString', 'cigar']) {
      expect(() => findLogSource(config, name)).toThrow(
        expect.objectContaining({ status: 404, details: { known: expect.arrayContaining(['cigar:production']) } }),
      );
    }
  });
});

describe('a file source that is a symlink', () => {
  let dir: string;
  let outside: string;
  let linked: AgentConfig;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hms-log-links-'));
    outside = path.join(dir, 'outside', 'secret.txt');
    await mkdir(path.dirname(outside));
    await writeFile(outside, 'E, [2026-11-25T18:02:12.000000 #7] ERROR -- : secret\n');
    const log = (app: string) => path.join(dir, 'www', app, 'shared', 'log');
    for (const app of ['out', 'rotated', 'moved', 'extra', 'within']) await mkdir(log(app), { recursive: true });
    // The deploy user owns these folders: any of them may link anywhere.
    await symlink(outside, path.join(log('out'), 'production.log'));
    await writeFile(path.join(log('rotated'), 'production.log.1'), ROTATED);
    await symlink('production.log.1', path.join(log('rotated'), 'production.log'));
    const elsewhere = path.join(dir, 'var-log-moved');
    await mkdir(elsewhere);
    await writeFile(path.join(elsewhere, 'production.log'), 'I, [2026-11-25T18:02:11.000000 #7]  INFO -- : moved\n');
    await rm(path.join(dir, 'www', 'moved', 'shared', 'log'), { recursive: true });
    await symlink(elsewhere, path.join(dir, 'www', 'moved', 'shared', 'log'));
    await writeFile(path.join(log('extra'), 'sidekiq.log.real'), 'x\n');
    await symlink('sidekiq.log.real', path.join(log('extra'), 'sidekiq.log'));
    await symlink(outside, path.join(log('within'), 'nginx-access.log'));
    linked = agentConfigSchema.parse({
      apps: {
        out: { unit: 'out.service', root: path.join(dir, 'www', 'out') },
        rotated: { unit: 'rotated.service', root: path.join(dir, 'www', 'rotated') },
        moved: { unit: 'moved.service', root: path.join(dir, 'www', 'moved') },
        extra: {
          unit: 'extra.service',
          root: path.join(dir, 'www', 'extra'),
          logFiles: { sidekiq: path.join(log('extra'), 'sidekiq.log') },
        },
      },
      nginx: { accessLog: path.join(log('within'), 'nginx-access.log'), errorLog: path.join(dir, 'missing', 'error.log') },
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const ROTATED = 'I, [2026-11-25T18:02:11.000000 #7]  INFO -- : kept\n';
  const fileSource = (name: string) => findLogSource(linked, name) as FileLogSource;

  it('Given a production.log linked out of shared/log, When it is to be read, Then a 403 says it resolves outside its folder', async () => {
    await expect(existingFile(fileSource('out:production'))).rejects.toMatchObject({
      status: 403,
      message: 'Log out:production resolves outside its folder; refusing.',
    });
    await expect(existingFile(fileSource('nginx:access'))).rejects.toMatchObject({ status: 403 });
  });

  it(
    'Given a link inside the folder (a rotated name) or a shared/log folder that is itself a link, ' +
      'When read, Then the real file inside is what is read',
    async () => {
      expect(await existingFile(fileSource('rotated:production'))).toBe(
        path.join(dir, 'www', 'rotated', 'shared', 'log', 'production.log.1'),
      );
      expect(await existingFile(fileSource('moved:production'))).toBe(path.join(dir, 'var-log-moved', 'production.log'));
    },
  );

  it(
    'Given a configured logFiles entry that is a symlink, even within its folder, ' +
      'When read, Then it is refused: a configured path must be the file',
    async () => {
      await expect(existingFile(fileSource('extra:sidekiq'))).rejects.toMatchObject({
        status: 403,
        hint: expect.stringContaining('not a symlink'),
      });
    },
  );

  it(
    'Given the list of sources, When listed, ' +
      'Then a source that resolves outside does not exist and says why; the others are unchanged',
    async () => {
      const sources = await listLogSources(linked);
      const byName = Object.fromEntries(sources.map((source) => [source.name, source]));
      expect(byName['out:production']).toEqual({
        name: 'out:production',
        kind: 'file',
        path: path.join(dir, 'www', 'out', 'shared', 'log', 'production.log'),
        exists: false,
        size: null,
        problem: 'Log out:production resolves outside its folder; refusing.',
      });
      expect(byName['rotated:production']).toMatchObject({ exists: true, size: Buffer.byteLength(ROTATED) });
      expect(byName['rotated:production']).not.toHaveProperty('problem');
      expect(byName['nginx:error']).toEqual({
        name: 'nginx:error',
        kind: 'file',
        path: path.join(dir, 'missing', 'error.log'),
        exists: false,
        size: null,
      });
      expect(logSourcesResponseSchema.parse({ sources })).toEqual({ sources });
    },
  );
});
