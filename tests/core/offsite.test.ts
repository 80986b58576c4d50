import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { offsiteHome, offsiteRepository, offsiteResticUrl, offsiteUser } from '../../src/core/offsite.js';
import { fillSecrets } from '../../src/secrets/plan.js';
import { secretsSchema } from '../../src/secrets/schema.js';

const servers = (prodOffsite: unknown) =>
  JSON.stringify({ servers: { prod: { host: '10.0.0.1', offsite: prodOffsite }, vault: { host: '10.0.0.2' } } });

describe('offsite repositories', () => {
  it('Given a repository name, When its keeping user is named, Then it is hms-offsite-<name>, and a long one stays within 32', () => {
    expect(offsiteUser('prod')).toBe('hms-offsite-prod');
    const long = offsiteUser('a-very-long-server-name-of-thirty');
    expect(long.length).toBeLessThanOrEqual(32);
    expect(long).not.toBe(offsiteUser('a-very-long-server-name-of-thirtz'));
    expect(offsiteHome('prod')).toBe('/var/backups/hms-offsite/prod');
    expect(offsiteResticUrl('prod', '10.0.0.2')).toBe('sftp:hms-offsite-prod@10.0.0.2:/var/backups/hms-offsite/prod/restic');
    expect(offsiteResticUrl('prod', 'fd00::2')).toBe('sftp:hms-offsite-prod@[fd00::2]:/var/backups/hms-offsite/prod/restic');
  });

  it('Given a rebuilt server naming its predecessor, When the repository is chosen, Then it is the predecessor one', () => {
    expect(offsiteRepository('rebuilt', { repository: 'prod' })).toBe('prod');
    expect(offsiteRepository('prod', {})).toBe('prod');
  });

  it('Given an offsite server that is unknown or the server itself, When the config loads, Then it says which and why', () => {
    expect(() => parseConfig(servers({ server: 'nas' }), 'hms.config.json')).toThrow(
      /servers\.prod\.offsite\.server: unknown server "nas"/,
    );
    expect(() => parseConfig(servers({ server: 'prod' }), 'hms.config.json')).toThrow(/must be another server/);
    expect(parseConfig(servers({ server: 'vault', port: 2222 }), 'hms.config.json').servers.prod?.offsite).toEqual({
      server: 'vault',
      port: 2222,
    });
  });

  it('Given a server with an offsite copy, When `hms secrets init` runs, Then the repository gets a password and an ed25519 key', () => {
    const config = parseConfig(servers({ server: 'vault' }), '/x/hms.config.json');
    const { secrets, added } = fillSecrets(secretsSchema.parse({}), config);
    expect(added).toEqual(expect.arrayContaining(['backup_passwords.offsite-prod', 'offsite_keys.prod']));
    expect(secrets.backup_passwords['offsite-prod']!.length).toBeGreaterThanOrEqual(32);
    expect(secrets.offsite_keys.prod?.public_key).toMatch(/^ssh-ed25519 \S+ hms offsite prod$/);
    expect(secrets.offsite_keys.prod?.private_key).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    expect(fillSecrets(secrets, config).added).toEqual([]);
  });
});
