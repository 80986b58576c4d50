import { describe, expect, it } from 'vitest';
import type { EnvDigests } from '../../src/api/env.js';
import { envValueDigest } from '../../src/core/env-file.js';
import type { EnvVariable } from '../../src/provision/app-env.js';
import { compareEnv, MASKED } from '../../src/provision/env-report.js';

const KEY = 'ab'.repeat(32);
const server = (values: Record<string, string>, key = KEY): EnvDigests => ({
  app: 'cigar',
  file: '/etc/hosting-api/env/cigar.env',
  exists: true,
  key,
  variables: Object.entries(values).map(([name, value]) => ({ name, digest: envValueDigest(key, value) })),
});
const wanted: EnvVariable[] = [
  { name: 'RAILS_ENV', value: 'production', source: 'hms', secret: false },
  { name: 'REDIS_URL', value: 'redis://:pw@127.0.0.1:6379/0', source: 'hms', secret: true },
  { name: 'GREETING', value: 'bonjour', source: 'config', secret: false },
  { name: 'API_TOKEN', value: 'tok-2', source: 'secret', secret: true },
];

describe('`hms env`: what hms would write against the digests of the server', () => {
  it('Given one setting changed, one secret missing and one name only on the server, When compared, Then each row says so', () => {
    const rows = compareEnv(
      wanted,
      server({ RAILS_ENV: 'production', REDIS_URL: 'redis://:pw@127.0.0.1:6379/0', GREETING: 'hello', OLD: 'x' }),
    );
    expect(rows.map((row) => [row.name, row.source, row.value, row.state])).toEqual([
      ['RAILS_ENV', 'hms', 'production', 'same'],
      ['REDIS_URL', 'hms', MASKED, 'same'],
      ['GREETING', 'config', 'bonjour', 'differs'],
      ['API_TOKEN', 'secret', MASKED, 'missing on server'],
      ['OLD', 'server', MASKED, 'only on server'],
    ]);
  });

  it('Given a secret whose value changed, When compared, Then it differs and its value shows nowhere in the rows', () => {
    const rows = compareEnv(
      wanted,
      server({ RAILS_ENV: 'production', REDIS_URL: 'redis://:old@127.0.0.1:6379/0', GREETING: 'bonjour', API_TOKEN: 'tok-1' }),
    );
    expect(rows.filter((row) => row.state === 'differs').map((row) => row.name)).toEqual(['REDIS_URL', 'API_TOKEN']);
    const text = JSON.stringify(rows);
    for (const secret of ['tok-1', 'tok-2', ':pw@', ':old@']) expect(text).not.toContain(secret);
  });

  it('Given digests made under another key than the answer names, When compared, Then no value counts as the same', () => {
    const digests = server({ RAILS_ENV: 'production', GREETING: 'bonjour' }, 'cd'.repeat(32));
    const rows = compareEnv(wanted.slice(0, 1), { ...digests, key: KEY });
    expect(rows[0]!.state).toBe('differs');
  });

  it('Given no env file on the server, When compared, Then every variable is missing on server', () => {
    const rows = compareEnv(wanted, { ...server({}), exists: false });
    expect(new Set(rows.map((row) => row.state))).toEqual(new Set(['missing on server']));
  });
});
