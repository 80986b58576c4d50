/**
 * Crash safety: a change that dies between staging and the swap leaves the live file
 * as it was, and recoverSites (called when the agent starts) removes what it left.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stageFile } from '../../../../server/services/configs/files.js';
import { sitesLockFile } from '../../../../server/services/configs/lock.js';
import { recoverSites } from '../../../../server/services/configs/recover.js';
import { AUTH, testAgent } from '../../../support/agent.js';
import { hostExec, nginxTree, serverBlock } from '../../../support/nginx-fixture.js';

describe('recoverSites', () => {
  it(
    'Given a change that crashed after staging, When the agent starts again, ' +
      'Then the live file is unchanged and the leftovers are gone',
    async () => {
      const tree = await nginxTree(['cigar']);
      const live = await tree.addSite('cigar', serverBlock(8081));
      // The crash: staged (written and fsynced) and a test config written, then nothing more.
      const staged = await stageFile(live, 'server { half written');
      await writeFile(path.join(tree.root, '.hms-test-0123abcd.conf'), 'events {}\n');
      const { deps } = await testAgent({ config: { nginx: tree.nginx }, exec: hostExec().exec });
      await mkdir(deps.config.stateDir, { recursive: true });
      await writeFile(
        sitesLockFile(deps.config.stateDir),
        JSON.stringify({ pid: spawnSync('true').pid, actor: 'crashed', site: 'cigar', at: 'then' }),
      );

      const removed = await recoverSites(deps);

      expect(removed.sort()).toEqual([path.join(tree.root, '.hms-test-0123abcd.conf'), staged, sitesLockFile(deps.config.stateDir)].sort());
      expect(await readFile(live, 'utf8')).toBe(serverBlock(8081));
      expect(await readdir(tree.sitesDir)).toEqual(['cigar']);
      expect((await readdir(tree.root)).filter((name) => name.startsWith('.'))).toEqual([]);
    },
  );

  it('Given a staged copy left behind, When the next change runs before recovery, Then it replaces the leftover and succeeds', async () => {
    const tree = await nginxTree(['cigar']);
    const live = await tree.addSite('cigar', serverBlock(8081));
    await stageFile(live, 'garbage');
    const { app } = await testAgent({ config: { nginx: tree.nginx }, exec: hostExec().exec });
    const etag = (await app.request('/api/configs/cigar', { headers: AUTH })).headers.get('etag')!;
    const response = await app.request('/api/configs/cigar', {
      method: 'PUT',
      headers: { ...AUTH, 'content-type': 'application/json', 'if-match': etag },
      body: JSON.stringify({ content: serverBlock(8082) }),
    });
    expect(response.status).toBe(200);
    expect(await readdir(tree.sitesDir)).toEqual(['cigar']);
  });

  it('Given a lock held by this running agent, When recovery runs, Then the lock is kept', async () => {
    const tree = await nginxTree(['cigar']);
    const { deps } = await testAgent({ config: { nginx: tree.nginx } });
    await mkdir(deps.config.stateDir, { recursive: true });
    await writeFile(sitesLockFile(deps.config.stateDir), JSON.stringify({ pid: process.pid, actor: 'me', site: 'cigar', at: 'now' }));
    expect(await recoverSites(deps)).toEqual([]);
  });
});
