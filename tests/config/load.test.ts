import { mkdtemp, mkdir, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConfigFile, loadConfig, parseConfig } from '../../src/config/load.js';
import { PACKAGES, packagesFor } from '../../src/provision/steps/system.js';

const minimal = { servers: { prod: { host: 'example.org' } } };

describe('configuration', () => {
  it('Given the committed example, When parsed, Then it describes cigar and tobacco on one server', async () => {
    const config = await loadConfig(path.resolve('hms.config.example.json'));
    expect(Object.keys(config.apps)).toEqual(['cigar', 'tobacco']);
    expect(config.apps.cigar?.server).toBe('prod');
    expect(config.servers.prod?.publicUrl).toBe('https://hosting.remoteds.us');
  });

  it('Given a minimal server, When parsed, Then defaults are filled and paths expanded', () => {
    const config = parseConfig(JSON.stringify(minimal), '/etc/hms/hms.config.json');
    expect(config.servers.prod).toMatchObject({ port: 22, user: 'deploy', agentPort: 8790 });
    expect(config.servers.prod?.knownHostsFile).toMatch(/^\/.*\.ssh\/known_hosts$/);
    expect(config.apps).toEqual({});
  });

  it('Given relative paths, When parsed, Then they are taken from the config file folder', () => {
    const text = JSON.stringify({ servers: { prod: { host: 'h', identityFile: 'keys/id', knownHostsFile: 'kh' } } });
    const config = parseConfig(text, '/srv/team/hms.config.json');
    expect(config.servers.prod?.identityFile).toBe('/srv/team/keys/id');
    expect(config.servers.prod?.knownHostsFile).toBe('/srv/team/kh');
  });

  it('Given a wrong type, When parsed, Then the error names the file and the key path', () => {
    const text = JSON.stringify({ servers: { prod: { host: 'h', port: 'twenty-two' } } });
    expect(() => parseConfig(text, '/x/hms.config.json')).toThrow('hms.config.json: servers.prod.port: expected number, received string');
  });

  it('Given an app on an unknown server, When parsed, Then the error says which servers exist', () => {
    const text = JSON.stringify({ ...minimal, apps: { cigar: { server: 'staging', repo: 'r', domain: 'c.example.org' } } });
    expect(() => parseConfig(text, 'hms.config.json')).toThrow(/apps\.cigar\.server: unknown server "staging" \(known: prod\)/);
  });

  it('Given an unknown key or a bad app name, When parsed, Then both are reported', () => {
    const text = JSON.stringify({
      servers: { prod: { host: 'h', hots: 1 } },
      apps: { '../etc': { server: 'prod', repo: 'r', domain: 'd' } },
    });
    let message = '';
    try {
      parseConfig(text, 'hms.config.json');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/servers\.prod: Unrecognized key: "hots"/);
    expect(message).toMatch(/apps\.\.\.\/etc/);
  });

  it(
    'Given extra Debian packages for a server, When parsed, ' +
      'Then names are checked and provisioning installs them after the standard set',
    () => {
      const config = parseConfig(
        JSON.stringify({ servers: { prod: { host: 'h', packages: ['imagemagick', 'nginx', 'libvips42'] } } }),
        'hms.config.json',
      );
      const packages = packagesFor({ server: config.servers.prod! });
      expect(packages.slice(0, PACKAGES.length)).toEqual(PACKAGES);
      expect(packages.slice(PACKAGES.length)).toEqual(['imagemagick', 'libvips42']);
      for (const bad of ['; rm -rf /', '-oDebug::pkgProblemResolver=1', 'Imagemagick', '../x']) {
        expect(() => parseConfig(JSON.stringify({ servers: { prod: { host: 'h', packages: [bad] } } }), 'hms.config.json')).toThrow(
          /servers\.prod\.packages\.0: must be a Debian package name/,
        );
      }
    },
  );

  it('Given broken JSON, When parsed, Then the error says so with a hint', () => {
    expect(() => parseConfig('{ "servers": ', 'hms.config.json')).toThrow(/hms.config.json: not valid JSON/);
  });

  it('Given a config in the current folder and one in XDG, When searched, Then the current folder wins', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'hms-config-'));
    const xdg = path.join(root, 'xdg');
    await mkdir(path.join(xdg, 'hms'), { recursive: true });
    await writeFile(path.join(xdg, 'hms', 'config.json'), JSON.stringify(minimal));
    const env = { XDG_CONFIG_HOME: xdg, HOME: root };
    expect(findConfigFile(undefined, env, root)).toBe(path.join(xdg, 'hms', 'config.json'));
    await writeFile(path.join(root, 'hms.config.json'), JSON.stringify(minimal));
    expect(findConfigFile(undefined, env, root)).toBe(path.join(root, 'hms.config.json'));
    expect(findConfigFile('other.json', env, root)).toBe(path.join(root, 'other.json'));
    expect(await readFile(path.join(root, 'hms.config.json'), 'utf8')).toContain('example.org');
  });

  it('Given no config anywhere, When searched, Then nothing is found (the embedded default applies)', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'hms-config-'));
    expect(findConfigFile(undefined, { XDG_CONFIG_HOME: path.join(root, 'none'), HOME: root }, root)).toBeUndefined();
  });
});
