/**
 * /api/configs against a real nginx tree and the REAL `nginx -t`. systemctl cannot
 * manage services on this host (no systemd as PID 1), so reload and is-active are
 * answered by the recording `hostExec` (see nginx-fixture.ts), in systemctl's formats.
 */
import { readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { AUTH, testAgent, type TestAgent } from '../../support/agent.js';
import { hostExec, nginxTree, serverBlock, type HostExec, type NginxTree } from '../../support/nginx-fixture.js';

const CIGAR = serverBlock(8081);
const TOBACCO = serverBlock(8082);

let tree: NginxTree;
let host: HostExec;
let agent: TestAgent;

beforeEach(async () => {
  tree = await nginxTree(['cigar', 'tobacco', 'hosting', 'ghost']);
  await tree.addSite('cigar', CIGAR);
  await tree.addSite('tobacco', TOBACCO);
  await tree.addSite('hosting', serverBlock(8083), { enabled: false });
  host = hostExec();
  agent = await testAgent({ config: { nginx: tree.nginx }, exec: host.exec });
});

const cigarFile = () => path.join(tree.sitesDir, 'cigar');

async function get(url: string, headers: Record<string, string> = {}) {
  return agent.app.request(url, { headers: { ...AUTH, ...headers } });
}

async function send(method: 'PUT' | 'POST', url: string, body: unknown, headers: Record<string, string> = {}) {
  return agent.app.request(url, {
    method,
    headers: { ...AUTH, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function etagOfSite(site = 'cigar'): Promise<string> {
  return (await get(`/api/configs/${site}`)).headers.get('etag')!;
}

async function leftovers(): Promise<string[]> {
  const names = [...(await readdir(tree.sitesDir)), ...(await readdir(tree.root))];
  return names.filter((name) => name.endsWith('.hms-staged') || name.startsWith('.hms-test-'));
}

const systemctlCalls = () => host.calls.filter((argv) => argv[0] === 'systemctl').map((argv) => argv.slice(1).join(' '));

describe('GET /api/configs', () => {
  it('Given allow-listed sites, When listed, Then each existing file shows size, etag and whether it is enabled, and missing ones are problems', async () => {
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
  });
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
  it('Given a valid change and the current ETag, When sent, Then nginx -t passes, the file changes, the old one is backed up, nginx is reloaded and checked', async () => {
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
    expect((await agent.deps.audit.recent())[0]).toMatchObject({ actor: 'api-token', action: 'config.update', target: 'cigar', result: 'ok' });
  });

  it('Given an unknown directive, When sent, Then 422 carries nginx\'s own message naming the site file, and the live file is untouched', async () => {
    const original = await readFile(cigarFile());
    const response = await send('PUT', '/api/configs/cigar', { content: serverBlock(8081, '    proxy_foo bar;\n') }, { 'if-match': await etagOfSite() });

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
  });

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

  it('Given the reload fails, When a valid change is sent, Then the previous file is put back, nginx reloaded again, and 502 says so', async () => {
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
  });

  it('Given nginx is not active after the reload, When a change is sent, Then it is rolled back (stage health)', async () => {
    host.state = 'failed';
    const response = await send('PUT', '/api/configs/cigar', { content: serverBlock(8085) }, { 'if-match': await etagOfSite() });
    expect(response.status).toBe(502);
    // Still not active after the restore either: the answer says the restore did not bring it back.
    expect(((await response.json()) as { details: { stage: string; restored: boolean } }).details).toMatchObject({ stage: 'health', restored: false });
    expect(await readFile(cigarFile(), 'utf8')).toBe(CIGAR);
  });
});

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
      [`--- cigar@${id}`, '+++ cigar (live)', '@@ -1,6 +1,6 @@', ' server {', '     listen 127.0.0.1:8081;', '-    server_name site8081.test;', '+    server_name cigar.example;', '     location / {', '         return 200 "ok";', '     }', ''].join('\n'),
    );
  });

  it('Given a backup, When reverted to it, Then it goes live through the same transaction and the replaced file is backed up too', async () => {
    const id = await changeCigar(serverBlock(8085));
    const response = await send('POST', '/api/configs/cigar/revert', { id });
    expect(response.status).toBe(200);
    expect(await readFile(cigarFile(), 'utf8')).toBe(CIGAR);
    const history = (await (await get('/api/configs/cigar/history')).json()) as { backups: unknown[] };
    expect(history.backups).toHaveLength(2);
    expect(systemctlCalls().filter((call) => call.startsWith('reload'))).toHaveLength(2);
    expect((await agent.deps.audit.recent())[0]).toMatchObject({ action: 'config.revert', result: 'ok', detail: expect.stringContaining(`reverted to ${id}`) });
  });

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

  it.each(names)('Given the site name %s, When read, written, listed or diffed, Then it is refused and nothing is written', async (name) => {
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
  });

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
    const list = (await (await agentWithLink.app.request('/api/configs', { headers: AUTH })).json()) as { problems: Array<{ problem: string }> };
    expect(list.problems[0]!.problem).toContain('outside');
  });

  it('Given a body over 1 MB, When sent, Then 413 and the file is unchanged', async () => {
    const response = await send('PUT', '/api/configs/cigar', { content: `# ${'x'.repeat(1_100_000)}\n` }, { 'if-match': await etagOfSite() });
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
