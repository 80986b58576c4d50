import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { parseSecrets } from '../../src/secrets/file.js';
import { fillSecrets, findProblems } from '../../src/secrets/plan.js';
import { secretsSchema } from '../../src/secrets/schema.js';

const config = (apps: Record<string, object>) =>
  parseConfig(
    JSON.stringify({ servers: { prod: { host: 'prod.test' }, edge: { host: 'edge.test' } }, apps }),
    '/home/me/team/hms.config.json',
  );
const app = (server: string, extra: object = {}) => ({ server, repo: '/srv/git/x.git', domain: `${server}.example.test`, ...extra });

describe('Redis passwords and secret settings in .secrets.json', () => {
  it(
    'Given apps on two servers, one declaring Redis, ' +
      'When `hms secrets init` fills the file, Then only that server gets a Redis password',
    () => {
      const result = fillSecrets(secretsSchema.parse({}), config({ cigar: app('prod', { redis: true }), tobacco: app('edge') }));
      expect(result.added).toContain('redis_passwords.prod');
      expect(result.added).not.toContain('redis_passwords.edge');
      expect(result.secrets.redis_passwords.prod).toMatch(/^[A-Za-z0-9_-]{43}$/);
    },
  );

  it(
    'Given a file made before the app declared Redis, ' + 'When checked, Then the password is missing, and filling keeps every other value',
    () => {
      const before = fillSecrets(secretsSchema.parse({}), config({ cigar: app('prod') })).secrets;
      const withRedis = config({ cigar: app('prod', { redis: { db: 1 } }) });
      expect(findProblems(before, withRedis)).toEqual([{ key: 'redis_passwords.prod', problem: 'missing' }]);
      const after = fillSecrets(before, withRedis);
      expect(after.added).toEqual(['redis_passwords.prod']);
      expect(after.secrets.secret_key_bases).toEqual(before.secret_key_bases);
    },
  );

  it(
    'Given app_env with good and bad names and values, ' +
      'When the file is read, Then the bad ones are refused by key, never showing a value',
    () => {
      const good = parseSecrets(JSON.stringify({ app_env: { cigar: { API_TOKEN: 'tok "quoted" $x' } } }), '/t/.secrets.json');
      expect(good.app_env.cigar).toEqual({ API_TOKEN: 'tok "quoted" $x' });
      for (const [app_env, message] of [
        [{ cigar: { 'bad-name': 'value-one' } }, /app_env\.cigar\.bad-name: must be an environment variable name/],
        [{ cigar: { REDIS_URL: 'value-two' } }, /app_env\.cigar\.REDIS_URL: is set by hms itself/],
        [{ cigar: { TWO_LINES: 'line\nvalue-three' } }, /app_env\.cigar\.TWO_LINES: must be one line/],
      ] as const) {
        const parse = () => parseSecrets(JSON.stringify({ app_env }), '/t/.secrets.json');
        expect(parse).toThrow(message);
        expect(parse).not.toThrow(/value-(one|two|three)/);
      }
    },
  );
});
