import { describe, expect, it } from 'vitest';
import { workersOf } from '../../src/config/app-extras.js';
import { parseConfig } from '../../src/config/load.js';

const app = { server: 'prod', repo: 'git@example.test:team/cigar.git', domain: 'cigar.example.test' };
const parse = (extra: object, apps: object = {}) =>
  parseConfig(
    JSON.stringify({ servers: { prod: { host: 'example.test' } }, apps: { cigar: { ...app, ...extra }, ...apps } }),
    '/srv/team/hms.config.json',
  );

describe("an app's processes, Redis, schedules, release tasks and settings in hms.config.json", () => {
  it('Given none of them, When parsed, Then the app has no workers, schedules, tasks or settings', () => {
    expect(parse({}).apps.cigar).toMatchObject({ processes: {}, schedules: {}, releaseTasks: [], env: {} });
    expect(parse({}).apps.cigar?.redis).toBeUndefined();
  });

  it('Given a Sidekiq worker as a bare argv, When its workers are read, Then it is told to go quiet (TSTP) and has the defaults', () => {
    const config = parse({ processes: { worker: ['bundle', 'exec', 'sidekiq'], mailer: { command: ['bin/mailer'], settleSeconds: 2 } } });
    expect(workersOf(config.apps.cigar!)).toEqual([
      { name: 'mailer', command: ['bin/mailer'], stopTimeoutSeconds: 30, quietSignal: 'none', settleSeconds: 2, notify: false },
      {
        name: 'worker',
        command: ['bundle', 'exec', 'sidekiq'],
        stopTimeoutSeconds: 30,
        quietSignal: 'TSTP',
        settleSeconds: 5,
        notify: true,
      },
    ]);
  });

  it('Given a schedule with a systemd calendar, When parsed, Then its defaults are one hour and no overlap', () => {
    expect(parse({ schedules: { report: { command: ['bin/rails', 'report'], when: 'hourly' } } }).apps.cigar?.schedules).toEqual({
      report: { command: ['bin/rails', 'report'], when: 'hourly', timeoutSeconds: 3600, overlap: false },
    });
  });

  it.each([
    [{ processes: { '../x': ['x'] } }, /apps\.cigar\.processes/],
    [{ processes: { 'Worker;rm': ['x'] } }, /apps\.cigar\.processes/],
    [{ processes: { socket: ['x'] } }, /apps\.cigar\.processes\.socket: is reserved/],
    [{ processes: { worker: [] } }, /apps\.cigar\.processes\.worker/],
    [{ processes: { worker: ['sidekiq\n-r'] } }, /apps\.cigar\.processes\.worker/],
    [{ processes: { web: ['bin/web'] }, webCommand: ['bin/other'] }, /apps\.cigar\.processes\.web: set the web command once/],
    [
      { schedules: { report: { command: ['x'], when: 'every tuesday' } } },
      /apps\.cigar\.schedules\.report\.when: must be a systemd calendar/,
    ],
    [
      { schedules: { worker: { command: ['x'], when: 'daily' } }, processes: { worker: ['y'] } },
      /schedules\.worker: has the name of a process/,
    ],
    [{ releaseTasks: [{ name: 'seed', command: ['bin/rails', 'db:seed'], when: 'sometimes' }] }, /apps\.cigar\.releaseTasks\.0\.when/],
    [{ env: { 'lower-case': 'x' } }, /apps\.cigar\.env/],
    [{ env: { SECRET_KEY_BASE: 'x' } }, /apps\.cigar\.env.*set by hms itself/],
    [{ env: { SMTP_HOST: 'a\nB=c' } }, /apps\.cigar\.env\.SMTP_HOST: must be one line/],
    [{ redis: { db: 16 } }, /apps\.cigar\.redis/],
  ])('Given %j, When parsed, Then it is refused naming the key', (extra, message) => {
    expect(() => parse(extra)).toThrow(message);
  });

  it("Given a process whose unit is another app's, When parsed, Then it is refused", () => {
    const other = { 'cigar-worker': { ...app, domain: 'w.example.test' } };
    expect(() => parse({ processes: { worker: ['x'] } }, other)).toThrow(/processes\.worker: makes the unit cigar-worker\.service/);
  });

  it('Given two apps on one server both on Redis database 0, When parsed, Then the second is told to take its own', () => {
    const tobacco = { tobacco: { ...app, domain: 't.example.test', redis: true } };
    expect(() => parse({ redis: true }, tobacco)).toThrow(/apps\.tobacco\.redis: uses Redis database 0 on server "prod", as app "cigar"/);
    expect(parse({ redis: true }, { tobacco: { ...tobacco.tobacco, redis: { db: 1 } } }).apps.tobacco?.redis).toEqual({ db: 1 });
  });
});
