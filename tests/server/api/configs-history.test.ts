/**
 * /api/configs history: the backups a change keeps, the diff against one and the
 * revert to one, against a real nginx tree and the REAL `nginx -t`.
 */
import { readFile } from 'node:fs/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TestAgent } from '../../support/agent.js';
import { CIGAR, configRequests, configSites } from '../../support/config-sites.js';
import { serverBlock, type HostExec, type NginxTree } from '../../support/nginx-fixture.js';

let tree: NginxTree;
let host: HostExec;
let agent: TestAgent;
beforeEach(async () => {
  ({ tree, host, agent } = await configSites());
});

const { cigarFile, get, send, etagOfSite, systemctlCalls } = configRequests(() => ({ tree, host, agent }));

describe('history, diff and revert', () => {
  async function changeCigar(content: string): Promise<string> {
    const response = await send('PUT', '/api/configs/cigar', { content }, { 'if-match': await etagOfSite() });
    expect(response.status).toBe(200);
    return ((await response.json()) as { backupId: string }).backupId;
  }

  it('Given two changes, When the history is read, Then both previous versions are listed newest first and readable', async () => {
    const first = await changeCigar(serverBlock(8085));
    const second = await changeCigar(serverBlock(8086));
    const history = (await (await get('/api/configs/cigar/history')).json()) as { backups: Array<{ id: string; size: number }> };
    expect(history.backups.map((backup) => backup.id)).toEqual([second, first]);
    const backup = (await (await get(`/api/configs/cigar/history/${first}`)).json()) as { content: string };
    expect(backup.content).toBe(CIGAR);
  });

  it('Given a backup, When diffed, Then a unified diff shows what changed since', async () => {
    const id = await changeCigar(serverBlock(8081).replace('site8081.test', 'cigar.example'));
    const body = (await (await get(`/api/configs/cigar/diff?against=${id}`)).json()) as { diff: string };
    expect(body.diff).toBe(
      [
        `--- cigar@${id}`,
        '+++ cigar (live)',
        '@@ -1,6 +1,6 @@',
        ' server {',
        '     listen 127.0.0.1:8081;',
        '-    server_name site8081.test;',
        '+    server_name cigar.example;',
        '     location / {',
        '         return 200 "ok";',
        '     }',
        '',
      ].join('\n'),
    );
  });

  it(
    'Given a backup, When reverted to it, ' + 'Then it goes live through the same transaction and the replaced file is backed up too',
    async () => {
      const id = await changeCigar(serverBlock(8085));
      const response = await send('POST', '/api/configs/cigar/revert', { id });
      expect(response.status).toBe(200);
      expect(await readFile(cigarFile(), 'utf8')).toBe(CIGAR);
      const history = (await (await get('/api/configs/cigar/history')).json()) as { backups: unknown[] };
      expect(history.backups).toHaveLength(2);
      expect(systemctlCalls().filter((call) => call.startsWith('reload'))).toHaveLength(2);
      expect((await agent.deps.audit.recent())[0]).toMatchObject({
        action: 'config.revert',
        result: 'ok',
        detail: expect.stringContaining(`reverted to ${id}`),
      });
    },
  );

  it('Given a stale If-Match on a revert, When sent, Then 412', async () => {
    const id = await changeCigar(serverBlock(8085));
    const response = await send('POST', '/api/configs/cigar/revert', { id }, { 'if-match': `"${'1'.repeat(64)}"` });
    expect(response.status).toBe(412);
  });

  it('Given an unknown or malformed backup id, When read, diffed or reverted, Then 404 or 400', async () => {
    expect((await get('/api/configs/cigar/history/2020-01-01T00:00:00.000Z')).status).toBe(404);
    expect((await get('/api/configs/cigar/history/latest')).status).toBe(400);
    expect((await get('/api/configs/cigar/diff?against=..%2F..%2Fetc%2Fpasswd')).status).toBe(400);
    expect((await get('/api/configs/cigar/diff')).status).toBe(400);
    expect((await send('POST', '/api/configs/cigar/revert', { id: '../../../etc/passwd' })).status).toBe(400);
    expect((await send('POST', '/api/configs/cigar/revert', { id: '2020-01-01T00:00:00.000Z' })).status).toBe(404);
  });
});
