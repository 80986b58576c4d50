/**
 * The cache of validated configurations (src/config/cached-load.ts): real files in a
 * temporary folder, the cache in a temporary XDG_CACHE_HOME.
 */
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configCacheFile, loadConfigCached } from '../../src/config/cached-load.js';
import { loadConfig } from '../../src/config/load.js';

async function setUp(host = 'example.org') {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-config-cache-'));
  const file = path.join(dir, 'hms.config.json');
  await writeFile(file, JSON.stringify({ servers: { prod: { host, identityFile: 'keys/id' } }, apps: {} }));
  const env = { HOME: dir, XDG_CACHE_HOME: path.join(dir, 'cache') };
  return { dir, file, env, cacheFile: configCacheFile(env) };
}

/** Changes what the cache holds for a file, to tell an answer from the cache from a fresh validation. */
async function tamper(cacheFile: string, host: string): Promise<void> {
  const cache = JSON.parse(await readFile(cacheFile, 'utf8'));
  cache.entries[0].data.servers.prod.host = host;
  await writeFile(cacheFile, JSON.stringify(cache));
}

describe('loadConfigCached', () => {
  it('Given a build id, When a configuration is loaded twice, Then one validates and keeps it (0600), one reads it', async () => {
    const { file, env, cacheFile } = await setUp();
    const fresh = await loadConfigCached(file, { env, sourceId: 'build-a' });
    expect(fresh).toEqual(await loadConfig(file));
    expect(fresh.servers.prod?.identityFile).toBe(path.join(path.dirname(file), 'keys/id'));
    expect((await stat(cacheFile)).mode & 0o777).toBe(0o600);
    await tamper(cacheFile, 'from-the-cache');
    expect((await loadConfigCached(file, { env, sourceId: 'build-a' })).servers.prod?.host).toBe('from-the-cache');
  });

  it('Given another build or a changed file, When loaded, Then it is validated again, not taken from the cache', async () => {
    const { file, env, cacheFile } = await setUp();
    await loadConfigCached(file, { env, sourceId: 'build-a' });
    await tamper(cacheFile, 'from-the-cache');
    expect((await loadConfigCached(file, { env, sourceId: 'build-b' })).servers.prod?.host).toBe('example.org');
    await tamper(cacheFile, 'from-the-cache');
    await writeFile(file, JSON.stringify({ servers: { prod: { host: 'changed.example.org' } } }));
    expect((await loadConfigCached(file, { env, sourceId: 'build-b' })).servers.prod?.host).toBe('changed.example.org');
  });

  it('Given an invalid configuration, When loaded, Then it fails as loadConfig does, every time, and is not kept', async () => {
    const { file, env, cacheFile } = await setUp();
    await writeFile(file, JSON.stringify({ servers: { prod: { host: 'h', port: 'ssh' } } }));
    const error = 'hms.config.json: servers.prod.port: expected number, received string';
    await expect(loadConfig(file)).rejects.toThrow(error);
    await expect(loadConfigCached(file, { env, sourceId: 'build-a' })).rejects.toThrow(error);
    await expect(loadConfigCached(file, { env, sourceId: 'build-a' })).rejects.toThrow(error);
    expect(existsSync(cacheFile)).toBe(false);
  });

  it('Given no build id (run from source) or a damaged cache file, When loaded, Then it validates and still loads', async () => {
    const { file, env, cacheFile } = await setUp();
    expect((await loadConfigCached(file, { env, sourceId: undefined })).servers.prod?.host).toBe('example.org');
    expect(existsSync(cacheFile)).toBe(false);
    await loadConfigCached(file, { env, sourceId: 'build-a' });
    await writeFile(cacheFile, '{ not json');
    expect((await loadConfigCached(file, { env, sourceId: 'build-a' })).servers.prod?.host).toBe('example.org');
    expect(JSON.parse(await readFile(cacheFile, 'utf8')).entries).toHaveLength(1);
  });

  it('Given a file that cannot be read, When loaded, Then it is the error loadConfig gives', async () => {
    const { dir, env } = await setUp();
    await expect(loadConfigCached(path.join(dir, 'nope.json'), { env, sourceId: 'build-a' })).rejects.toThrow(
      /Cannot read the configuration .*nope\.json: ENOENT/,
    );
  });
});
