/**
 * /api/configs with hostile site names, symlinks out of the sites folder and bodies
 * that are not the contract: each is refused and nothing is written.
 */
import { readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { AUTH, testAgent, type TestAgent } from '../../support/agent.js';
import { CIGAR, configRequests, configSites } from '../../support/config-sites.js';
import type { HostExec, NginxTree } from '../../support/nginx-fixture.js';

let tree: NginxTree;
let host: HostExec;
let agent: TestAgent;
beforeEach(async () => {
  ({ tree, host, agent } = await configSites());
});

const { cigarFile, get, send, etagOfSite } = configRequests(() => ({ tree, host, agent }));

describe('hostile input', () => {
  const names = [
    '..',
    '%2e%2e%2f',
    '%2e%2e%2fetc%2fpasswd',
    '%252e%252e%252fetc',
    '..%2f..%2fetc%2fpasswd',
    '%2fetc%2fpasswd',
    'cigar%00',
    'cigar%2f..%2fcigar',
    'site;id',
    '$(id)',
    'x'.repeat(300),
    '.cigar.hms-staged',
  ];

  it.each(names)(
    'Given the site name %s, When read, written, listed or diffed, Then it is refused and nothing is written',
    async (name) => {
      const before = await tree.files();
      const headers = { 'if-match': '*' };
      for (const response of [
        await get(`/api/configs/${name}`),
        await send('PUT', `/api/configs/${name}`, { content: 'server { foo; }\n' }, headers),
        await get(`/api/configs/${name}/history`),
        await send('POST', `/api/configs/${name}/revert`, { id: '2020-01-01T00:00:00.000Z' }),
      ]) {
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      }
      expect(await tree.files()).toEqual(before);
      expect(await readFile(cigarFile(), 'utf8')).toBe(CIGAR);
      expect(host.calls).toEqual([]);
    },
  );

  it('Given a site that is a symlink out of sitesDir, When read or written, Then 403 and the target is untouched', async () => {
    const outside = path.join(tree.root, 'outside.conf');
    await writeFile(outside, 'secret\n');
    const agentWithLink = await testAgent({ config: { nginx: { ...tree.nginx, sites: ['linked'] } }, exec: host.exec });
    await symlink(outside, path.join(tree.sitesDir, 'linked'));

    expect((await agentWithLink.app.request('/api/configs/linked', { headers: AUTH })).status).toBe(403);
    const put = await agentWithLink.app.request('/api/configs/linked', {
      method: 'PUT',
      headers: { ...AUTH, 'content-type': 'application/json', 'if-match': '*' },
      body: JSON.stringify({ content: 'pwned\n' }),
    });
    expect(put.status).toBe(403);
    expect(await readFile(outside, 'utf8')).toBe('secret\n');
    const list = (await (await agentWithLink.app.request('/api/configs', { headers: AUTH })).json()) as {
      problems: Array<{ problem: string }>;
    };
    expect(list.problems[0]!.problem).toContain('outside');
  });

  it('Given a body over 1 MB, When sent, Then 413 and the file is unchanged', async () => {
    const response = await send(
      'PUT',
      '/api/configs/cigar',
      { content: `# ${'x'.repeat(1_100_000)}\n` },
      { 'if-match': await etagOfSite() },
    );
    expect(response.status).toBe(413);
    expect(await readFile(cigarFile(), 'utf8')).toBe(CIGAR);
  });

  it('Given bodies that are not the contract, When sent, Then 400 naming the field', async () => {
    const etag = await etagOfSite();
    expect((await send('PUT', '/api/configs/cigar', 'not json', { 'if-match': etag })).status).toBe(400);
    const nul = await send('PUT', '/api/configs/cigar', { content: 'a\0b' }, { 'if-match': etag });
    expect(nul.status).toBe(400);
    expect(((await nul.json()) as { error: string }).error).toContain('body.content');
    expect((await send('PUT', '/api/configs/cigar', { content: CIGAR, path: '/etc/passwd' }, { 'if-match': etag })).status).toBe(400);
  });

  it('Given no credentials, When a site is read, Then 401', async () => {
    expect((await agent.app.request('/api/configs/cigar')).status).toBe(401);
  });
});
