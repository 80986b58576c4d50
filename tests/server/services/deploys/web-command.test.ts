/** Which command starts an app's web process, and how a running one takes a new release: decided from files, checked without a host. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentAppSchema } from '../../../../server/config.js';
import { appLayout } from '../../../../server/services/deploys/releases.js';
import { appSchema } from '../../../../src/config/schema.js';
import {
  chooseWebCommand,
  lockHasPuma,
  planRestart,
  runningWeb,
  webCommandText,
  type RunningWeb,
} from '../../../../server/services/deploys/web-command.js';

const layout = appLayout({ root: '/var/www/cigar' });
const LOCK =
  'GEM\n  remote: https://rubygems.org/\n  specs:\n    nio4r (2.5.8)\n    puma (5.6.5)\n' +
  '      nio4r (~> 2.0)\n    rails (6.1.7)\n\nDEPENDENCIES\n  puma\n  rails (~> 6.1.0)\n';
const NO_PUMA = 'GEM\n  specs:\n    actioncable (6.1.7)\n      nio4r (~> 2.0)\n    rails (6.1.7)\n\nDEPENDENCIES\n  rails (~> 6.1.0)\n';
const PUMA_RB = '/var/www/cigar/shared/config/puma.rb';

describe('the web command', () => {
  it('Given a Gemfile.lock with puma, When chosen, Then puma runs from the bundle', () => {
    expect(lockHasPuma(LOCK)).toBe(true);
    expect(chooseWebCommand({}, LOCK, layout).argv).toEqual(['/usr/bin/bundle', 'exec', 'puma', '-C', PUMA_RB]);
  });

  it.each([
    ['without puma (a gem depending on something else is not puma)', NO_PUMA],
    ['missing', null],
  ])('Given a Gemfile.lock %s, When chosen, Then the system puma runs, and the step says why', (_, lock) => {
    expect(chooseWebCommand({}, lock, layout)).toEqual({
      argv: ['/usr/bin/puma', '-C', PUMA_RB],
      why: "no puma in Gemfile.lock: the system's puma (/usr/bin/puma)",
    });
  });

  it('Given webCommand in the config, When chosen, Then it wins, word for word, one word per line in the file', () => {
    const command = chooseWebCommand({ webCommand: ['bin/rails', 'server', '-b', 'unix:///tmp/a b.sock'] }, LOCK, layout);
    expect(command.argv).toEqual(['bin/rails', 'server', '-b', 'unix:///tmp/a b.sock']);
    expect(webCommandText(command.argv)).toBe('bin/rails\nserver\n-b\nunix:///tmp/a b.sock\n');
  });

  it.each([
    ['a line break', ['puma', '-C\nx']],
    ['an empty word', ['']],
    ['no word', []],
  ])('Given webCommand with %s, When the config is read, Then laptop and agent refuse it', (_, webCommand) => {
    expect(agentAppSchema.safeParse({ unit: 'cigar.service', root: '/var/www/cigar', webCommand }).success).toBe(false);
    expect(appSchema.safeParse({ server: 'prod', repo: 'git@x:y.git', domain: 'cigar.test', webCommand }).success).toBe(false);
    expect(
      appSchema.safeParse({ server: 'prod', repo: 'git@x:y.git', domain: 'cigar.test', webCommand: ['bin/rails', 'server'] }).success,
    ).toBe(true);
  });
});

describe('how a running puma takes a release', () => {
  const bundled = webCommandText(['/usr/bin/bundle', 'exec', 'puma', '-C', PUMA_RB]);
  const running = (over: Partial<RunningWeb> = {}): RunningWeb => ({
    running: true,
    startedCommand: bundled,
    startedLock: LOCK,
    pruned: false,
    socket: 'held',
    ...over,
  });

  it('Given the same command and the same Gemfile.lock, When planned, Then a phased restart', () => {
    expect(planRestart(running(), { command: bundled, lock: LOCK })).toMatchObject({ verb: 'reload' });
  });

  it('Given a new Gemfile.lock and a master that kept its bundle (Debian puma), When planned, Then a full restart, saying why', () => {
    expect(planRestart(running(), { command: bundled, lock: `${LOCK}  rack-test\n` })).toEqual({
      verb: 'restart',
      why: 'Gemfile.lock changed and this puma cannot prune its bundle: full restart',
    });
  });

  it('Given a new Gemfile.lock and a master that pruned its bundle, When planned, Then a phased restart still', () => {
    expect(planRestart(running({ pruned: true }), { command: bundled, lock: `${LOCK}  rack-test\n` })).toMatchObject({ verb: 'reload' });
  });

  it('Given a release without puma in its bundle, When planned, Then the command changes and it is a full restart', () => {
    const plan = planRestart(running(), { command: webCommandText(['/usr/bin/puma', '-C', PUMA_RB]), lock: NO_PUMA });
    expect(plan.verb).toBe('restart');
    expect(plan.why).toBe(`the web command changes (/usr/bin/bundle exec puma -C ${PUMA_RB} -> /usr/bin/puma -C ${PUMA_RB}): full restart`);
  });

  it(
    'Given a puma started before the launcher, or bound to its own socket, ' +
      'When planned, Then a full restart (stop first when it owns the socket)',
    () => {
      expect(planRestart(running({ startedCommand: null }), { command: bundled, lock: LOCK })).toMatchObject({ verb: 'restart' });
      expect(planRestart(running({ socket: 'pending' }), { command: bundled, lock: LOCK })).toMatchObject({
        verb: 'restart',
        stopFirst: true,
      });
      expect(planRestart(running({ socket: 'none' }), { command: bundled, lock: LOCK })).toEqual({
        verb: 'reload',
        why: 'phased restart (systemctl reload)',
      });
    },
  );

  it('Given a stopped unit, When planned, Then a start', () => {
    expect(planRestart(running({ running: false }), { command: bundled, lock: LOCK })).toMatchObject({ verb: 'start' });
  });

  it(
    "Given the launcher's records and the master's environment, " + 'When read, Then they say what it started with and whether it pruned',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'hms-web-'));
      const app = appLayout({ root: dir });
      await mkdir(path.join(dir, 'shared/tmp/pids'), { recursive: true });
      await mkdir(path.join(dir, 'proc/4242'), { recursive: true });
      await writeFile(path.join(dir, 'shared/tmp/pids/web-start.command'), bundled);
      await writeFile(path.join(dir, 'proc/4242/environ'), 'HOME=/home/deploy\0PUMA_BUNDLER_PRUNED=1\0');
      expect(await runningWeb(app, { mainPid: 4242, running: true, socket: 'held' }, path.join(dir, 'proc'))).toEqual({
        running: true,
        startedCommand: bundled,
        startedLock: null,
        pruned: true,
        socket: 'held',
      });
      expect((await runningWeb(app, { mainPid: 1, running: true, socket: 'held' }, path.join(dir, 'proc'))).pruned).toBe(false);
      await rm(dir, { recursive: true, force: true });
    },
  );
});
