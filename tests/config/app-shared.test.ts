import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';

const app = { server: 'prod', repo: 'git@example.test:team/cigar.git', domain: 'cigar.example.test' };
const parse = (extra: object) =>
  parseConfig(
    JSON.stringify({ servers: { prod: { host: 'example.test' } }, apps: { cigar: { ...app, ...extra } } }),
    '/srv/team/hms.config.json',
  );

describe("an app's shared files, logs and database in hms.config.json", () => {
  it('Given none of them, When parsed, Then the defaults are SQLite, log/tmp/storage, 5 releases, no extra files', () => {
    expect(parse({}).apps.cigar).toMatchObject({
      sharedFiles: [],
      sharedDirs: ['log', 'tmp', 'storage'],
      logFiles: {},
      keepReleases: 5,
      database: { adapter: 'sqlite3' },
      files: {},
    });
  });

  it('Given files with relative laptop paths, When parsed, Then they are taken from the config file folder', () => {
    expect(parse({ files: { 'config/master.key': 'keys/cigar.key' } }).apps.cigar?.files).toEqual({
      'config/master.key': '/srv/team/keys/cigar.key',
    });
  });

  it('Given PostgreSQL without a name, When parsed, Then host defaults to this server (127.0.0.1)', () => {
    expect(parse({ database: { adapter: 'postgresql' } }).apps.cigar?.database).toEqual({ adapter: 'postgresql', host: '127.0.0.1' });
  });

  it.each([
    [{ files: { '../etc/passwd': 'x' } }, /apps\.cigar\.files/],
    [{ files: { '/etc/passwd': 'x' } }, /apps\.cigar\.files/],
    [{ sharedFiles: ['config/../../x'] }, /apps\.cigar\.sharedFiles\.0/],
    [{ sharedDirs: ['-rf'] }, /apps\.cigar\.sharedDirs\.0/],
    [{ logFiles: { production: 'shared/../../../etc/shadow' } }, /apps\.cigar\.logFiles\.production/],
    [{ logFiles: { production: '/var/log/syslog' } }, /apps\.cigar\.logFiles\.production: must be inside \/var\/www\/cigar\//],
    [{ logFiles: { production: '/var/www/tobacco/shared/log/production.log' } }, /inside \/var\/www\/cigar\//],
    [{ keepReleases: 1 }, /apps\.cigar\.keepReleases/],
    [{ database: { adapter: 'mysql2' } }, /apps\.cigar\.database/],
    [{ database: { adapter: 'postgresql', name: 'x; drop' } }, /apps\.cigar\.database\.name/],
  ])('Given %j, When parsed, Then the error names the key', (extra, message) => {
    expect(() => parse(extra)).toThrow(message);
  });

  it('Given log files relative to the app or absolute inside it, When parsed, Then both are accepted', () => {
    const logs = { production: 'shared/log/production.log', jobs: '/var/www/cigar/shared/log/jobs.log' };
    expect(parse({ logFiles: logs }).apps.cigar?.logFiles).toEqual(logs);
  });
});
