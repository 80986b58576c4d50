/**
 * Releases on disk (real temp folders): ids, current, release.json, the rollback
 * target and what pruning removes.
 */
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appLayout,
  currentRelease,
  listReleases,
  newReleaseId,
  previousRelease,
  releasesToPrune,
  rollbackTarget,
} from '../../../../server/services/deploys/releases.js';

const ok = (id: string) => ({ id, status: 'ok' as const });
const failed = (id: string) => ({ id, status: 'failed' as const });

describe('releasesToPrune', () => {
  const ids = ['20260101000000', '20260102000000', '20260103000000', '20260104000000', '20260105000000', '20260106000000'];

  it('Given more releases than kept, When pruned, Then the oldest go', () => {
    expect(releasesToPrune(ids.map(ok), 4, ['20260106000000', '20260105000000'])).toEqual(['20260101000000', '20260102000000']);
  });

  it('Given current and previous among the oldest, When pruned with keep 2, Then they are never removed', () => {
    const doomed = releasesToPrune(ids.map(ok), 2, ['20260101000000', '20260102000000']);
    expect(doomed).toEqual(['20260103000000', '20260104000000', '20260105000000', '20260106000000']);
    expect(releasesToPrune(ids.map(ok), 0, ['20260101000000', '20260102000000'])).not.toContain('20260101000000');
  });

  it('Given failed releases, When pruned, Then they go before older healthy ones', () => {
    const releases = [ok(ids[0]!), ok(ids[1]!), failed(ids[2]!), failed(ids[3]!), ok(ids[4]!), ok(ids[5]!)];
    expect(releasesToPrune(releases, 4, [ids[5]!, ids[4]!])).toEqual([ids[2], ids[3]]);
  });

  it('Given as many releases as kept, When pruned, Then nothing goes', () => {
    expect(releasesToPrune(ids.slice(0, 3).map(ok), 3, [])).toEqual([]);
  });
});

describe('previousRelease', () => {
  const releases = [ok('20260101000000'), ok('20260102000000'), failed('20260103000000'), ok('20260104000000')];

  it('Given a current release, When nothing is recorded, Then the newest older healthy one is the target', () => {
    expect(previousRelease(releases, '20260104000000')).toBe('20260102000000');
  });

  it('Given the release live before current is recorded, When still there, Then it wins over a newer one', () => {
    expect(previousRelease(releases, '20260104000000', '20260101000000')).toBe('20260101000000');
    expect(previousRelease(releases, '20260104000000', '20260103000000')).toBe('20260102000000');
    expect(previousRelease(releases, '20260104000000', '20250101000000')).toBe('20260102000000');
  });

  it('Given the oldest is current, When asked, Then there is none', () => {
    expect(previousRelease(releases, '20260101000000')).toBeNull();
  });
});

describe('newReleaseId', () => {
  it('Given a time, When named, Then it is YYYYMMDDHHMMSS in UTC', () => {
    expect(newReleaseId(new Date('2026-01-25T18:02:11.900Z'), [])).toBe('20260125180211');
  });

  it('Given a release from the same second or a clock behind, When named, Then the id still sorts last', () => {
    expect(newReleaseId(new Date('2026-01-25T18:02:11Z'), ['20260125180211'])).toBe('20260125180212');
    expect(newReleaseId(new Date('2026-01-25T18:02:11Z'), ['20270101000000'])).toBe('20270101000001');
  });
});

describe('the app folder', () => {
  async function app() {
    const root = await mkdtemp(path.join(tmpdir(), 'hms-releases-'));
    const layout = appLayout({ root });
    for (const id of ['20260101000000', '20260102000000']) await mkdir(layout.release(id), { recursive: true });
    await mkdir(path.join(layout.releases, 'not-a-release'));
    await mkdir(path.join(layout.release('20260102000000'), 'db', 'migrate'), { recursive: true });
    for (const name of ['20260101000001_a.rb', '20260101000002_b.rb', 'README'])
      await writeFile(path.join(layout.release('20260102000000'), 'db', 'migrate', name), '');
    return layout;
  }

  it('Given releases and current, When listed, Then only release folders count, newest first, with current marked', async () => {
    const layout = await app();
    await symlink(layout.release('20260102000000'), layout.current);
    expect(await currentRelease(layout)).toBe('20260102000000');
    const releases = await listReleases(layout);
    expect(releases.map((r) => [r.id, r.current, r.migrations, r.status])).toEqual([
      ['20260102000000', true, 2, 'unknown'],
      ['20260101000000', false, 0, 'unknown'],
    ]);
  });

  it('Given a release.json that is a symlink (planted by a repository), When listed, Then it is not followed', async () => {
    const layout = await app();
    const elsewhere = path.join(layout.root, 'elsewhere.json');
    await writeFile(
      elsewhere,
      JSON.stringify({
        id: 'x',
        sha: 'planted',
        ref: null,
        by: 'x',
        at: 'x',
        reason: null,
        skipTests: false,
        status: 'ok',
        health: null,
        migrations: [],
      }),
    );
    await symlink(elsewhere, path.join(layout.release('20260101000000'), 'release.json'));
    const releases = await listReleases(layout);
    expect(releases.find((r) => r.id === '20260101000000')).toMatchObject({ sha: null, status: 'unknown' });
  });

  it('Given current points outside releases/, When read, Then there is no current release', async () => {
    const layout = await app();
    await symlink('/etc', layout.current);
    expect(await currentRelease(layout)).toBeNull();
    expect((await rollbackTarget(layout)).current).toBeNull();
  });

  it('Given a user string as a release id, When made a path, Then anything but 14 digits is refused', () => {
    const layout = appLayout({ root: '/var/www/cigar' });
    expect(() => layout.release('../../etc')).toThrow(/not a release id/);
    expect(layout.release('20260101000000')).toBe('/var/www/cigar/releases/20260101000000');
  });
});
