import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/provision/files.js';
import { decide } from '../../src/provision/provenance.js';
import { databaseYml, looksSecret, sharedFileMode, sharedFilesFor } from '../../src/provision/shared-files.js';
import { appEnvFiles } from '../../src/provision/steps/secrets.js';
import { folders } from '../../src/provision/steps/system.js';
import { CIGAR, inputFor } from '../support/provision-input.js';

const appOf = async (app: object) => (await inputFor({ cigar: { ...CIGAR, ...app } })).apps[0]![1];

describe("an app's shared files", () => {
  it(
    'Given the default database, When database.yml is rendered, ' + 'Then it is SQLite in shared/db, and provisioning creates that folder',
    async () => {
      const input = await inputFor({ cigar: CIGAR });
      const yml = databaseYml('cigar', input.apps[0]![1]);
      expect(yml).toContain('production:\n  adapter: sqlite3\n  database: /var/www/cigar/shared/db/production.sqlite3\n');
      expect(folders(input).map((f) => f.path)).toEqual(
        expect.arrayContaining(['/var/www/cigar/shared/db', '/var/www/cigar/shared/storage']),
      );
    },
  );

  it(
    'Given PostgreSQL, When database.yml is rendered, ' +
      'Then database and user come from the app name and the password from DATABASE_PASSWORD',
    async () => {
      const yml = databaseYml('cigar-shop', await appOf({ database: { adapter: 'postgresql' } }));
      expect(yml).toMatch(/adapter: postgresql\n/);
      expect(yml).toMatch(
        /database: cigar_shop\n  username: cigar_shop\n  password: <%= ENV\["DATABASE_PASSWORD"\] %>\n  host: 127.0.0.1\n/,
      );
      const named = databaseYml(
        'cigar',
        await appOf({ database: { adapter: 'postgresql', name: 'cigar_prod', user: 'web', host: 'db.internal' } }),
      );
      expect(named).toMatch(/database: cigar_prod\n  username: web\n.*\n  host: db.internal\n/);
    },
  );

  it(
    'Given uploads, When the shared files are listed, ' +
      'Then keys and credentials are 0600, other files 0640, and an uploaded database.yml replaces the generated one',
    async () => {
      const app = await appOf({});
      const files = sharedFilesFor('cigar', app, { 'config/master.key': Buffer.from('k'), 'config/storage.yml': Buffer.from('s') });
      expect(files.map((f) => [f.path, f.mode.toString(8), f.origin])).toEqual([
        ['config/database.yml', '640', 'generated'],
        ['config/master.key', '600', 'upload'],
        ['config/storage.yml', '640', 'upload'],
      ]);
      expect(sharedFilesFor('cigar', app, { 'config/database.yml': Buffer.from('mine') }).map((f) => f.origin)).toEqual(['upload']);
      for (const name of [
        'config/master.key',
        'config/credentials/production.key',
        'config/credentials.yml.enc',
        '.env',
        '.env.production',
        'config/secrets.yml',
      ])
        expect(looksSecret(name), name).toBe(true);
      expect(sharedFileMode('config/storage.yml')).toBe(0o640);
    },
  );

  it(
    'Given an app, When its env file is rendered, ' +
      'Then it is production with its secrets, 0600 root, and RAILS_LOG_TO_STDOUT unset so Rails logs to shared/log',
    async () => {
      const input = await inputFor({ cigar: CIGAR });
      const [env] = appEnvFiles(input);
      expect(env!.content).toMatch(/^RAILS_ENV=production$/m);
      expect(env!.content).toContain(`SECRET_KEY_BASE=${input.secrets.secret_key_bases.cigar}\n`);
      expect(env!.content).toContain(`DATABASE_PASSWORD=${input.secrets.database_passwords.cigar}\n`);
      expect(env!.content).not.toMatch(/RAILS_LOG_TO_STDOUT/);
      expect([env!.mode.toString(8), env!.owner, env!.redact]).toEqual(['600', 'root', 'env']);
    },
  );
});

describe('which shared file provisioning may write (provenance)', () => {
  const ours = sha256('what hms wrote last time');
  const next = sha256('what hms writes now');
  const edited = sha256('what a person wrote on the server');
  const state = (hash: string) => ({ hash, mode: '640', owner: 'deploy', group: 'deploy' });
  const generated = { origin: 'generated' as const };
  const upload = { origin: 'upload' as const };

  it('Given no file, Then it is created; Given the same content, Then nothing happens', () => {
    expect(decide(generated, next, undefined, undefined, [])).toEqual({ action: 'create' });
    expect(decide(generated, next, state(next), next, [])).toEqual({ action: 'none' });
    expect(decide(generated, next, state(next), undefined, [])).toEqual({ action: 'adopt', reasons: [] });
  });

  it('Given the file hms wrote last time and a changed config, Then it is updated', () => {
    expect(decide(generated, next, state(ours), ours, [])).toEqual({ action: 'update' });
    expect(decide(upload, next, state(ours), ours, [])).toEqual({ action: 'update' });
  });

  it('Given a file edited on the server, Then it is kept, whether or not hms wrote one before', () => {
    expect(decide(generated, next, state(edited), ours, [])).toEqual({ action: 'keep' });
    expect(decide(generated, next, state(edited), undefined, [])).toEqual({ action: 'keep' });
    expect(decide(upload, ours, state(edited), ours, [])).toEqual({ action: 'keep' });
    expect(decide(upload, next, state(edited), undefined, [])).toEqual({ action: 'keep' });
  });

  it(
    'Given an upload edited on the server whose laptop file changed since the last upload, ' +
      'Then it is replaced (the server copy backed up)',
    () => {
      expect(decide(upload, next, state(edited), ours, [])).toEqual({ action: 'replace' });
    },
  );
});
