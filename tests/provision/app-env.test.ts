import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../src/core/env-file.js';
import { appEnvFileContent, appEnvVariables, checkAppSettings, redisUrl } from '../../src/provision/app-env.js';
import { fileDiff } from '../../src/provision/redact.js';
import { appEnvFiles } from '../../src/provision/steps/secrets.js';
import { CIGAR, inputFor } from '../support/provision-input.js';

const SETTINGS = { GREETING: 'hello "world" $HOME', MAIL_FROM: 'Cigar <hi@cigar.test>' };

async function cigarInput(extra: object = {}) {
  const input = await inputFor({ cigar: { ...CIGAR, database: { adapter: 'postgresql' }, redis: { db: 3 }, env: SETTINGS, ...extra } });
  input.secrets.redis_passwords.test = 'p@ss/w:rd+with%signs';
  input.secrets.app_env.cigar = { API_TOKEN: 'tok-secret-1', PLAIN_LOOKING: 'also-secret' };
  return input;
}

describe("an app's env file: hms's variables, Redis, plain and secret settings", () => {
  it(
    'Given cigar with Redis db 3, settings and secret settings, ' + 'When its variables are listed, Then each has its source and secrecy',
    async () => {
      const variables = appEnvVariables(await cigarInput(), 'cigar');
      expect(variables.map((v) => `${v.name}:${v.source}:${v.secret}`)).toEqual([
        'RAILS_ENV:hms:false',
        'RACK_ENV:hms:false',
        'SECRET_KEY_BASE:hms:true',
        'DATABASE_PASSWORD:hms:true',
        'DATABASE_URL:hms:true',
        'RAILS_SERVE_STATIC_FILES:hms:false',
        'REDIS_URL:hms:true',
        'GREETING:config:false',
        'MAIL_FROM:config:false',
        'API_TOKEN:secret:true',
        'PLAIN_LOOKING:secret:true',
      ]);
      expect(variables.find((v) => v.name === 'REDIS_URL')!.value).toBe('redis://:p%40ss%2Fw%3Ard%2Bwith%25signs@127.0.0.1:6379/3');
      expect(decodeURIComponent(new URL(redisUrl("a'b(c)*!", 0)).password)).toBe("a'b(c)*!");
      expect(redisUrl("a'b(c)*!", 0)).not.toMatch(/['()*!]/);
    },
  );

  it('Given the env file hms writes, When systemd would read it, Then every variable comes back with its exact value', async () => {
    const input = await cigarInput();
    const file = appEnvFiles(input)[0]!;
    const read = parseEnvFile(file.content);
    for (const variable of appEnvVariables(input, 'cigar')) expect(read[variable.name]).toBe(variable.value);
    expect(file).toMatchObject({ path: '/etc/hosting-api/env/cigar.env', mode: 0o600, owner: 'root', redact: 'env' });
  });

  it(
    'Given an app without Redis or settings, ' + 'When its file is written, Then it is the file hms wrote before settings existed',
    async () => {
      const input = await inputFor({ tobacco: { ...CIGAR } });
      const content = appEnvFileContent('tobacco', appEnvVariables(input, 'tobacco'));
      expect(content.split('\n').map((line) => line.slice(0, line.indexOf('=') + 1))).toEqual([
        'RAILS_ENV=',
        'RACK_ENV=',
        'SECRET_KEY_BASE=',
        'DATABASE_PASSWORD=',
        'RAILS_SERVE_STATIC_FILES=',
        '',
      ]);
    },
  );

  it(
    'Given settings that changed, ' + 'When the dry run diffs the file, Then plain values show and secret ones and REDIS_URL are masked',
    async () => {
      const before = await cigarInput();
      const after = await cigarInput({ env: { ...SETTINGS, GREETING: 'bonjour' } });
      after.secrets.app_env.cigar = { API_TOKEN: 'tok-secret-2', PLAIN_LOOKING: 'also-secret-2' };
      after.secrets.redis_passwords.test = 'another-redis-password';
      const [old, next] = [appEnvFiles(before)[0]!, appEnvFiles(after)[0]!];
      const diff = fileDiff(old.path, old.content, next.content, 'env').join('\n');
      expect(diff).toContain('+GREETING=bonjour');
      expect(diff).toContain('-GREETING="hello \\"world\\" \\$HOME"');
      expect(diff).toContain('MAIL_FROM="Cigar <hi@cigar.test>"');
      for (const secret of ['tok-secret', 'also-secret', 'p%40ss', 'another-redis', before.secrets.secret_key_bases.cigar!]) {
        expect(diff).not.toContain(secret);
      }
    },
  );

  it('Given a name in both apps.cigar.env and app_env.cigar, When checked, Then it is refused naming both keys', async () => {
    const input = await cigarInput();
    input.secrets.app_env.cigar = { GREETING: 'secret hello' };
    expect(() => checkAppSettings(input.apps, input.secrets)).toThrow(
      /GREETING is set in both apps\.cigar\.env \(hms\.config\.json\) and app_env\.cigar \(\.secrets\.json\)/,
    );
    expect(() => appEnvVariables(input, 'cigar')).toThrow(/both/);
  });

  it(
    'Given cigar declares Redis and .secrets.json has no password for its server, ' + 'When listed, Then it says to run `hms secrets init`',
    async () => {
      const input = await cigarInput();
      delete input.secrets.redis_passwords.test;
      expect(() => appEnvVariables(input, 'cigar')).toThrow(/redis_passwords\.test/);
    },
  );
});
