/** Which folders of an app's shared/ hold uploaded files, and the restic command that keeps them. */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesBackupArgv, uploadFolders } from '../../../../server/services/backups/files.js';

describe("an app's uploaded files", () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'hms-files-'));
    for (const dir of ['storage', 'public/uploads', 'log', 'tmp/cache', 'public/assets', 'exports']) {
      await mkdir(path.join(root, 'shared', dir), { recursive: true });
    }
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('Given shared folders, When upload folders are chosen, Then storage, public/uploads and declared ones count, logs never', async () => {
    const sharedDirs = ['log', 'tmp', 'storage', 'exports', 'public/assets', 'missing'];
    expect(await uploadFolders({ root, sharedDirs })).toEqual(
      ['storage', 'public/uploads', 'exports'].map((dir) => path.join(root, 'shared', dir)),
    );
    expect(await uploadFolders({ root: path.join(root, 'nothing'), sharedDirs })).toEqual([]);
  });

  it('Given the folders, When the argv is built, Then they come after "--" and the snapshot is tagged as the files of the app', () => {
    expect(filesBackupArgv('cigar', 'scheduled', ['/var/www/cigar/shared/storage'])).toEqual([
      ...['restic', 'backup', '--json', '--quiet', '--tag', 'app:cigar', '--tag', 'kind:scheduled', '--tag', 'part:files'],
      '--',
      '/var/www/cigar/shared/storage',
    ]);
  });
});
