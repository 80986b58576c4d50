/**
 * Where nginx's xslt module is loaded (Debian's nginx-core and nginx-extras, Ubuntu's
 * default nginx), `xslt_stylesheet FILE` makes `nginx -t`, as root, parse FILE with
 * libxml2, which prints the line it could not parse. With the REAL nginx and Debian's
 * module: the lint refuses the directive by name, and when it comes from an allowed
 * snippet (so the lint passes), the answer still shows nothing of the file.
 *
 * The module is the installed one, or the matching `libnginx-mod-http-xslt-filter`
 * fetched with `apt-get download` and unpacked into a temp folder; where neither
 * works (no Debian, no network) the tests say so and skip.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec } from '../../../../src/platform/exec.js';
import { AUTH, testAgent } from '../../../support/agent.js';
import { hostExec, nginxTree, serverBlock, type NginxTree } from '../../../support/nginx-fixture.js';

const INSTALLED = '/usr/lib/nginx/modules/ngx_http_xslt_filter_module.so';
const SECRET_LINE = 'root:$y$j9T$HMS-XSLT-CANARY:19000:0:99999:7:::';

let work: string;
let xsltModule: string | undefined;
let secret: string;

async function debianXsltModule(dir: string): Promise<string | undefined> {
  if (existsSync(INSTALLED)) return INSTALLED;
  const version = (await exec(['dpkg-query', '-W', '-f=${Version}', 'nginx'], { timeoutMs: 10_000 }).catch(() => undefined))?.stdout.trim();
  if (!version) return undefined;
  const fetched = await exec(['apt-get', 'download', `libnginx-mod-http-xslt-filter=${version}`], { cwd: dir, timeoutMs: 90_000 }).catch(
    () => undefined,
  );
  const deb = (await exec(['find', dir, '-maxdepth', '1', '-name', '*.deb'])).stdout.trim().split('\n')[0];
  if (fetched?.code !== 0 || !deb) return undefined;
  await exec(['dpkg-deb', '-x', deb, path.join(dir, 'x')]);
  const module = path.join(dir, 'x', INSTALLED);
  return existsSync(module) ? module : undefined;
}

/** The tree's nginx.conf with the module loaded first. */
async function withXslt(tree: NginxTree): Promise<void> {
  const main = await readFile(tree.mainConfig, 'utf8');
  await writeFile(tree.mainConfig, `load_module ${xsltModule};\n${main}`);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'hms-xslt-'));
  xsltModule = await debianXsltModule(work);
  if (!xsltModule) console.warn('[nginx-xslt] no xslt module (not installed, apt-get download failed): skipping');
  secret = path.join(work, 'secret.txt');
  await writeFile(secret, `${SECRET_LINE}\nsecond line\n`);
}, 120_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const put = (agent: Awaited<ReturnType<typeof testAgent>>, content: string) =>
  agent.app.request('/api/configs/cigar', {
    method: 'PUT',
    headers: { ...AUTH, 'content-type': 'application/json', 'if-match': '*' },
    body: JSON.stringify({ content }),
  });

describe('xslt_stylesheet with the real nginx and its xslt module', () => {
  it(
    'Given the module loaded, When a site names a file with xslt_stylesheet, ' +
      'Then the lint refuses the directive by name and nginx never runs',
    async (context) => {
      if (!xsltModule) return context.skip();
      const tree = await nginxTree(['cigar']);
      await withXslt(tree);
      await tree.addSite('cigar', serverBlock(8081));
      const host = hostExec();
      const agent = await testAgent({ config: { nginx: tree.nginx }, exec: host.exec });
      const response = await put(agent, `server {\n  listen 127.0.0.1:8081;\n  location / {\n    xslt_stylesheet ${secret};\n  }\n}\n`);
      expect(response.status).toBe(422);
      const text = await response.text();
      expect(text).toContain('line 4: xslt_stylesheet is not a directive a site may use');
      expect(text).not.toContain('HMS-XSLT-CANARY');
      expect(host.calls).toEqual([]);
      await rm(tree.root, { recursive: true, force: true });
    },
  );

  it(
    'Given the directive in a snippet the lint lets through, When nginx -t parses the file, ' +
      "Then the 422 keeps nginx's own line and withholds what libxml2 quoted",
    async (context) => {
      if (!xsltModule) return context.skip();
      const tree = await nginxTree(['cigar']);
      await withXslt(tree);
      await tree.addSite('cigar', serverBlock(8081));
      await mkdir(path.join(tree.root, 'snippets'));
      await writeFile(path.join(tree.root, 'snippets', 'xslt.conf'), `xslt_stylesheet ${secret};\n`);
      const agent = await testAgent({ config: { nginx: tree.nginx }, exec: hostExec().exec });
      const response = await put(agent, serverBlock(8081, '    location /x {\n        include snippets/xslt.conf;\n    }\n'));
      expect(response.status).toBe(422);
      const body = (await response.json()) as { error: string; details: { stderr: string } };
      expect(JSON.stringify(body)).not.toContain('HMS-XSLT-CANARY');
      expect(JSON.stringify(body)).not.toContain(work);
      expect(body.details.stderr).toMatch(/^nginx: \[error\] xsltParseStylesheetFile\("…"\) failed in .*snippets\/xslt\.conf:1$/m);
      expect(body.details.stderr).toMatch(/more lines? withheld: not in nginx's own message format/);
      await rm(tree.root, { recursive: true, force: true });
    },
  );
});
