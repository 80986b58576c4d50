/**
 * /api/configs reads and writes against a real nginx tree and the REAL `nginx -t`;
 * the sites and the recording host are tests/support/config-sites.ts.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TestAgent } from '../../support/agent.js';
import { CIGAR, configRequests, configSites, TOBACCO } from '../../support/config-sites.js';
import { serverBlock, type HostExec, type NginxTree } from '../../support/nginx-fixture.js';

let tree: NginxTree;
let host: HostExec;
let agent: TestAgent;
beforeEach(async () => {
  ({ tree, host, agent } = await configSites());
});

const { cigarFile, get, send, etagOfSite, leftovers, systemctlCalls } = configRequests(() => ({ tree, host, agent }));

describe('GET /api/configs', () => {
  it(
    'Given allow-listed sites, When listed, ' +
      'Then each existing file shows size, etag and whether it is enabled, and missing ones are problems',
    async () => {
      const response = await get('/api/configs');
      expect(response.status).toBe(200);
      const body = (await response.json()) as { sites: Array<Record<string, unknown>>; problems: Array<{ name: string; problem: string }> };
      expect(body.sites.map((site) => [site.name, site.enabled, site.size])).toEqual([
        ['cigar', true, CIGAR.length],
        ['tobacco', true, TOBACCO.length],
        ['hosting', false, serverBlock(8083).length],
      ]);
      expect(body.sites[0]!.etag).toBe(await etagOfSite('cigar'));
      expect(body.problems).toEqual([{ name: 'ghost', problem: expect.stringContaining('has no file') }]);
    },
  );
});

describe('GET /api/configs/:site', () => {
  it('Given a site, When read, Then its content comes with a strong sha256 ETag in the header and the body', async () => {
    const response = await get('/api/configs/cigar');
    const body = (await response.json()) as { name: string; content: string; etag: string };
    expect(body).toMatchObject({ name: 'cigar', content: CIGAR });
    expect(body.etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(response.headers.get('etag')).toBe(body.etag);
  });
});

describe('PUT /api/configs/:site', () => {
  it(
    'Given a valid change and the current ETag, When sent, ' +
      'Then nginx -t passes, the file changes, the old one is backed up, nginx is reloaded and checked',
    async () => {
      const before = await etagOfSite();
      const content = serverBlock(8081, '    add_header X-Hms "yes";\n');
      const response = await send('PUT', '/api/configs/cigar', { content }, { 'if-match': before });

      expect(response.status).toBe(200);
      const body = (await response.json()) as { etag: string; changed: boolean; backupId: string };
      expect(body).toMatchObject({ name: 'cigar', changed: true });
      expect(response.headers.get('etag')).toBe(body.etag);
      expect(await readFile(cigarFile(), 'utf8')).toBe(content);
      const backup = path.join(agent.deps.config.stateDir, 'config-backups', 'cigar', `${body.backupId}.conf`);
      expect(await readFile(backup, 'utf8')).toBe(CIGAR);
      expect(host.calls[0]).toEqual(['/usr/sbin/nginx', '-t', '-q', '-c', expect.stringMatching(/\/\.hms-test-[0-9a-f]+\.conf$/)]);
      expect(path.dirname(host.calls[0]![4]!)).toBe(tree.root);
      expect(systemctlCalls()).toEqual(['reload nginx.service', 'is-active nginx.service']);
      expect(await leftovers()).toEqual([]);
      expect((await agent.deps.audit.recent())[0]).toMatchObject({
        actor: 'api-token',
        action: 'config.update',
        target: 'cigar',
        result: 'ok',
      });
    },
  );

  it(
    'Given an unknown directive, When sent, ' + "Then 422 carries nginx's own message naming the site file, and the live file is untouched",
    async () => {
      const original = await readFile(cigarFile());
      const response = await send(
        'PUT',
        '/api/configs/cigar',
        { content: serverBlock(8081, '    proxy_foo bar;\n') },
        { 'if-match': await etagOfSite() },
      );

      expect(response.status).toBe(422);
      const body = (await response.json()) as { error: string; details: { stderr: string } };
      expect(body.error).toContain('unknown directive "proxy_foo"');
      expect(body.details.stderr).toContain(`unknown directive "proxy_foo" in ${cigarFile()}:4`);
      expect(body.details.stderr).not.toMatch(/hms-staged|hms-test/);
      expect((await readFile(cigarFile())).equals(original)).toBe(true);
      expect(await leftovers()).toEqual([]);
      expect(systemctlCalls()).toEqual([]);
      const [entry] = await agent.deps.audit.recent();
      expect(entry).toMatchObject({ action: 'config.update', target: 'cigar', result: 'refused' });
      expect(entry!.detail).toContain('unknown directive "proxy_foo"');
    },
  );

  it('Given a change that clashes with another enabled site, When sent, Then nginx -t sees both and refuses', async () => {
    await writeFile(path.join(tree.sitesDir, 'tobacco'), `upstream backend { server 127.0.0.1:9000; }\n${TOBACCO}`);
    const content = `upstream backend { server 127.0.0.1:9001; }\n${CIGAR}`;
    const response = await send('PUT', '/api/configs/cigar', { content }, { 'if-match': await etagOfSite() });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: string }).error).toContain('duplicate upstream "backend"');
  });

  it('Given a site that is not enabled, When changed, Then its staged copy is still tested and it goes live', async () => {
    const response = await send('PUT', '/api/configs/hosting', { content: serverBlock(8090) }, { 'if-match': await etagOfSite('hosting') });
    expect(response.status).toBe(200);
    expect(await readFile(path.join(tree.sitesDir, 'hosting'), 'utf8')).toBe(serverBlock(8090));
  });

  it('Given a stale If-Match, When sent, Then 412 gives the current etag and nothing changes', async () => {
    const current = await etagOfSite();
    const response = await send('PUT', '/api/configs/cigar', { content: serverBlock(9999) }, { 'if-match': `"${'0'.repeat(64)}"` });
    expect(response.status).toBe(412);
    expect(((await response.json()) as { details: { etag: string } }).details.etag).toBe(current);
    expect(await readFile(cigarFile(), 'utf8')).toBe(CIGAR);
    expect(host.calls).toEqual([]);
  });

  it('Given no If-Match, When sent, Then 428 says to read the site first', async () => {
    const response = await send('PUT', '/api/configs/cigar', { content: serverBlock(9999) });
    expect(response.status).toBe(428);
    expect(((await response.json()) as { hint: string }).hint).toContain('GET /api/configs/cigar');
    expect(await readFile(cigarFile(), 'utf8')).toBe(CIGAR);
  });

  it('Given the same content, When sent, Then nothing is written or reloaded', async () => {
    const response = await send('PUT', '/api/configs/cigar', { content: CIGAR }, { 'if-match': await etagOfSite() });
    expect(await response.json()).toMatchObject({ changed: false, backupId: null });
    expect(host.calls).toEqual([]);
  });

  it(
    'Given the reload fails, When a valid change is sent, ' + 'Then the previous file is put back, nginx reloaded again, and 502 says so',
    async () => {
      host.reload.push('fail');
      const response = await send('PUT', '/api/configs/cigar', { content: serverBlock(8085) }, { 'if-match': await etagOfSite() });

      expect(response.status).toBe(502);
      const body = (await response.json()) as { error: string; details: { stage: string; restored: boolean } };
      expect(body.error).toContain('Job for nginx.service failed');
      expect(body.details).toMatchObject({ stage: 'reload', restored: true });
      expect(await readFile(cigarFile(), 'utf8')).toBe(CIGAR);
      expect(systemctlCalls()).toEqual(['reload nginx.service', 'reload nginx.service', 'is-active nginx.service']);
      expect(await leftovers()).toEqual([]);
      expect((await agent.deps.audit.recent())[0]).toMatchObject({ result: 'failed', detail: expect.stringContaining('restored: true') });
    },
  );

  it('Given nginx is not active after the reload, When a change is sent, Then it is rolled back (stage health)', async () => {
    host.state = 'failed';
    const response = await send('PUT', '/api/configs/cigar', { content: serverBlock(8085) }, { 'if-match': await etagOfSite() });
    expect(response.status).toBe(502);
    // Still not active after the restore either: the answer says the restore did not bring it back.
    expect(((await response.json()) as { details: { stage: string; restored: boolean } }).details).toMatchObject({
      stage: 'health',
      restored: false,
    });
    expect(await readFile(cigarFile(), 'utf8')).toBe(CIGAR);
  });
});
