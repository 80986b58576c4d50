/**
 * The configs client against a real agent on loopback, a real nginx tree and the real
 * `nginx -t`; systemctl is answered by the recording hostExec (no systemd as PID 1
 * here), as in the agent's own configs tests.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connected } from '../../src/client/connect.js';
import { getSite, listSites, putSite, revertSite, siteBackup, siteDiff, siteHistory } from '../../src/client/configs-client.js';
import { AgentError } from '../../src/client/http.js';
import { hostExec, nginxTree, serverBlock, type NginxTree } from '../support/nginx-fixture.js';
import { servedAgent, type ServedAgent } from '../support/served-agent.js';

const CIGAR = serverBlock(8081);
let tree: NginxTree;
let served: ServedAgent;
let connected: Connected;

beforeEach(async () => {
  tree = await nginxTree(['cigar']);
  await tree.addSite('cigar', CIGAR);
  served = await servedAgent({ config: { nginx: tree.nginx }, exec: hostExec().exec });
  connected = await served.connect();
});

afterEach(async () => {
  await connected.close();
  await served.dispose();
  await rm(tree.root, { recursive: true, force: true });
});

describe('configs client', () => {
  it('Given a site, When changed with its etag, Then it is live, backed up, and history, backup, diff and revert agree', async () => {
    const client = connected.client;
    expect((await listSites(client)).sites.map((site) => site.name)).toEqual(['cigar']);
    const live = await getSite(client, 'cigar');
    expect(live).toMatchObject({ name: 'cigar', content: CIGAR, etag: expect.stringMatching(/^"[0-9a-f]{64}"$/) });
    const change = await putSite(client, 'cigar', `${CIGAR}# two\n`, live.etag);
    expect(change).toMatchObject({ name: 'cigar', changed: true, backupId: expect.any(String) });
    const { backups } = await siteHistory(client, 'cigar');
    expect(backups.map((backup) => backup.id)).toEqual([change.backupId]);
    expect((await siteBackup(client, 'cigar', change.backupId!)).content).toBe(CIGAR);
    expect((await siteDiff(client, 'cigar', change.backupId!)).diff).toContain('+# two');
    await expect(revertSite(client, 'cigar', change.backupId!, live.etag)).rejects.toMatchObject({ status: 412 });
    expect((await revertSite(client, 'cigar', change.backupId!, change.etag)).changed).toBe(true);
    expect(await readFile(path.join(tree.sitesDir, 'cigar'), 'utf8')).toBe(CIGAR);
  });

  it(
    'Given a stale etag or a bad directive, When put, ' +
      "Then 412 carries the current etag and 422 nginx's words, and the file is unchanged",
    async () => {
      const client = connected.client;
      const live = await getSite(client, 'cigar');
      const stale = await putSite(client, 'cigar', 'x', '"0000"').catch((e: unknown) => e);
      expect(stale).toBeInstanceOf(AgentError);
      expect(stale).toMatchObject({ status: 412, details: { etag: live.etag } });
      const refused = await putSite(client, 'cigar', `${CIGAR}proxy_bogus_directive on;\n`, live.etag).catch((e: unknown) => e);
      expect(refused).toMatchObject({
        status: 422,
        details: { stderr: expect.stringContaining('unknown directive "proxy_bogus_directive"') },
      });
      expect(await readFile(path.join(tree.sitesDir, 'cigar'), 'utf8')).toBe(CIGAR);
    },
  );
});
