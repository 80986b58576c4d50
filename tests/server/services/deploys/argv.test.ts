/** The commands a deploy runs, as argv arrays: checked without a host. */
import { describe, expect, it } from 'vitest';
import { deployRequestSchema } from '../../../../src/api/deploys.js';
import { describeArgv, failureLine } from '../../../../server/services/deploys/steps.js';
import {
  asDeploy,
  checkoutArgv,
  fetchArgvs,
  gitSshCommand,
  isCommitSha,
  isShortSha,
  journalTailArgv,
  linkSharedArgvs,
  resolveShortShaArgv,
  restartArgv,
  stopArgv,
  switchArgvs,
} from '../../../../server/services/deploys/argv.js';

describe('deploy argv', () => {
  it('Given a branch, When fetched, Then one shallow clone of that branch runs as deploy, options ended by --', () => {
    expect(fetchArgvs('git@github.com:team/cigar.git', 'main', '/var/www/cigar/releases/20260101000000')).toEqual([
      [
        'runuser',
        '-u',
        'deploy',
        '--',
        'git',
        'clone',
        '--depth',
        '1',
        '--branch',
        'main',
        '--',
        'git@github.com:team/cigar.git',
        '/var/www/cigar/releases/20260101000000',
      ],
    ]);
  });

  it('Given a full SHA, When fetched, Then that commit is fetched by id and checked out detached', () => {
    const sha = 'a'.repeat(40);
    const argvs = fetchArgvs('file:///srv/git/cigar.git', sha, '/r/1');
    expect(argvs.map((argv) => argv.slice(4))).toEqual([
      ['git', 'init', '--quiet', '--', '/r/1'],
      ['git', '-C', '/r/1', 'remote', 'add', 'origin', '--', 'file:///srv/git/cigar.git'],
      ['git', '-C', '/r/1', 'fetch', '--depth', '1', 'origin', sha],
      ['git', '-C', '/r/1', 'checkout', '--quiet', '--detach', 'FETCH_HEAD'],
    ]);
    expect(argvs.every((argv) => argv.slice(0, 4).join(' ') === 'runuser -u deploy --')).toBe(true);
  });

  it('Given a release, When switched, Then a temporary symlink is renamed over current (atomic)', () => {
    expect(switchArgvs('/var/www/cigar', '/var/www/cigar/releases/20260101000000')).toEqual([
      asDeploy(['ln', '-sfn', '--', '/var/www/cigar/releases/20260101000000', '/var/www/cigar/current.next-20260101000000']),
      asDeploy(['mv', '-T', '--', '/var/www/cigar/current.next-20260101000000', '/var/www/cigar/current']),
    ]);
  });

  it('Given shared entries, When linked, Then one ln per parent folder names each link after its target', () => {
    expect(linkSharedArgvs('/s', '/r', ['log', 'tmp', 'config/database.yml', 'config/master.key'])).toEqual([
      asDeploy(['ln', '-s', '-t', '/r', '--', '/s/log', '/s/tmp']),
      asDeploy(['ln', '-s', '-t', '/r/config', '--', '/s/config/database.yml', '/s/config/master.key']),
    ]);
  });

  it.each(['5164ced', '5164ced0', 'a'.repeat(39)])(
    'Given the short SHA %s, When fetched, ' +
      'Then every branch and tag is cloned without file contents, and the SHA resolved to one commit before checkout',
    (short) => {
      expect(isShortSha(short)).toBe(true);
      expect(isCommitSha(short)).toBe(false);
      expect(fetchArgvs('git@github.com:team/cigar.git', short, '/r/1')).toEqual([
        asDeploy(['git', 'clone', '--quiet', '--filter=blob:none', '--no-checkout', '--', 'git@github.com:team/cigar.git', '/r/1']),
      ]);
      expect(resolveShortShaArgv('/r/1', short)).toEqual(asDeploy(['git', '-C', '/r/1', 'rev-parse', '--verify', `${short}^{commit}`]));
      expect(checkoutArgv('/r/1', 'b'.repeat(40))).toEqual(
        asDeploy(['git', '-C', '/r/1', 'checkout', '--quiet', '--detach', 'b'.repeat(40)]),
      );
    },
  );

  it.each(['516ced', 'release-1', '5164CED', 'a'.repeat(40), 'g164ced'])(
    'Given %s, When classified, Then it is not a short SHA (a branch, a tag, or a full SHA)',
    (ref) => {
      expect(isShortSha(ref)).toBe(false);
    },
  );

  it('Given a unit, When restarted, Then reload is the phased restart, restart the full one, start for a stopped unit', () => {
    expect(restartArgv('cigar.service', 'reload')).toEqual(['systemctl', 'reload', '--', 'cigar.service']);
    expect(restartArgv('cigar.service', 'restart')).toEqual(['systemctl', 'restart', '--', 'cigar.service']);
    expect(restartArgv('cigar.service', 'start')).toEqual(['systemctl', 'start', '--', 'cigar.service']);
    expect(stopArgv(['cigar.service', 'cigar.socket'])).toEqual(['systemctl', 'stop', '--', 'cigar.service', 'cigar.socket']);
    expect(journalTailArgv('cigar.service', 40)).toEqual([
      'journalctl',
      '--no-pager',
      '--quiet',
      '-o',
      'cat',
      '-n',
      '40',
      '--unit=cigar.service',
    ]);
  });

  it('Given the deploy key, When git uses it, Then only that key, in batch mode', () => {
    expect(gitSshCommand('/home/deploy/.ssh/deploy_key')).toBe(
      'ssh -i /home/deploy/.ssh/deploy_key -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=accept-new',
    );
  });

  it.each(['-upload-pack=x', '--help', 'a..b', 'main;rm', 'main branch', 'x/', 'x.lock', '$(id)', ''])(
    'Given the ref %j, When requested, Then the contract refuses it',
    (ref) => {
      expect(deployRequestSchema.safeParse({ ref }).success).toBe(false);
    },
  );

  it('Given what ran, When shown, Then deploy commands read `deploy$`, root ones `#`, odd words quoted', () => {
    expect(describeArgv(asDeploy(['git', 'commit', '-m', "it's"]))).toBe("deploy$ git commit -m 'it'\\''s'");
    expect(describeArgv(['systemctl', 'reload', '--', 'cigar.service'])).toBe('# systemctl reload -- cigar.service');
  });

  it('Given failure output, When summed up, Then rake errors and wrapped bundler messages read as one line', () => {
    expect(
      failureLine("rake aborted!\nStandardError: An error has occurred:\n\nthis migration fails\n/app/db/migrate/x.rb:4:in `change'\n"),
    ).toBe('StandardError: An error has occurred: this migration fails');
    expect(failureLine('Could not reach host index.rubygems.org. Check your network connection and try\nagain.\n')).toBe(
      'Could not reach host index.rubygems.org. Check your network connection and try again.',
    );
    expect(failureLine('')).toBeUndefined();
  });
});
