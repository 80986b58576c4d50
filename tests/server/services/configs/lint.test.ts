/**
 * The lint a site passes before `nginx -t` reads it as root, and the redaction of
 * what nginx -t quotes from other files. The last block goes through /api/configs
 * with the REAL `nginx -t` (systemctl answered by hostExec, see nginx-fixture.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentConfigSchema } from '../../../../server/config.js';
import { ALLOWED_PREFIXES, lintSite } from '../../../../server/services/configs/lint.js';
import { redactNginxOutput } from '../../../../server/services/configs/redact.js';
import { nginxStatements } from '../../../../server/services/configs/tokens.js';
import { AUTH, testAgent } from '../../../support/agent.js';
import { hostExec, nginxTree, serverBlock } from '../../../support/nginx-fixture.js';

describe("nginxStatements (nginx's own tokenizing)", () => {
  it(
    'Given comments, quotes, escapes, variables and blocks, When read, ' +
      'Then each directive has the words nginx would see, with its line',
    () => {
      const text = [
        'server { # a comment; include /etc/shadow;',
        '  listen 80;',
        '  root "/var/www/my site";',
        "  include '/etc/nginx/a\\'b.conf' ;",
        '  set $x ${host}a;',
        '  return 200 a#b;',
        '  error_log',
        '    /var/log/nginx/e.log   warn;',
        '  add_header X "semi;colon {brace}";',
        '}',
        'include /etc/nginx/x\\ y;',
      ].join('\n');
      expect(nginxStatements(text)).toEqual([
        { name: 'server', args: [], line: 1 },
        { name: 'listen', args: ['80'], line: 2, block: 'server' },
        { name: 'root', args: ['/var/www/my site'], line: 3, block: 'server' },
        { name: 'include', args: ["/etc/nginx/a'b.conf"], line: 4, block: 'server' },
        { name: 'set', args: ['$x', '${host}a'], line: 5, block: 'server' },
        { name: 'return', args: ['200', 'a#b'], line: 6, block: 'server' },
        { name: 'error_log', args: ['/var/log/nginx/e.log', 'warn'], line: 7, block: 'server' },
        { name: 'add_header', args: ['X', 'semi;colon {brace}'], line: 9, block: 'server' },
        { name: 'include', args: ['/etc/nginx/x\\ y'], line: 11 },
      ]);
    },
  );
});

describe('lintSite', () => {
  let dir: string;
  let outside: string;
  let config: ReturnType<typeof agentConfigSchema.parse>;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hms-nginx-lint-'));
    outside = await mkdtemp(path.join(tmpdir(), 'hms-nginx-lint-outside-'));
    await mkdir(path.join(dir, 'snippets'));
    await writeFile(path.join(outside, 'secret.txt'), 'secret;\n');
    await symlink(path.join(outside, 'secret.txt'), path.join(dir, 'snippets', 'leak.conf'));
    await symlink(outside, path.join(dir, 'snippets', 'out'));
    config = agentConfigSchema.parse({ stateDir: path.join(dir, 'state'), nginx: { mainConfig: path.join(dir, 'nginx', 'nginx.conf') } });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });
  const lint = (content: string) => lintSite({ nginx: config.nginx, stateDir: config.stateDir, site: 'cigar', content });

  it("Given a usual site (certbot's include and keys, app root, logs, relative snippet), When linted, Then it passes", async () => {
    await lint(
      [
        'server {',
        '    listen 443 ssl;',
        '    server_name cigar.example;',
        '    root /var/www/cigar/current/public;',
        '    access_log /var/log/nginx/cigar.access.log combined buffer=32k;',
        '    error_log /var/log/nginx/cigar.error.log warn;',
        '    ssl_certificate /etc/letsencrypt/live/cigar/fullchain.pem;',
        '    ssl_certificate_key /etc/letsencrypt/live/cigar/privkey.pem;',
        '    include /etc/letsencrypt/options-ssl-nginx.conf;',
        '    ssl_dhparam /etc/letsencrypt/ssl-dhparams.pem;',
        '    include snippets/proxy.conf;',
        '    location /assets/ { alias /var/www/cigar/current/public/assets/; access_log off; }',
        '    location /../x { return 301 /etc/shadow; }',
        '    ssl_certificate_key data:-----BEGIN;',
        '    # include /etc/shadow;',
        '    listen unix:/var/www/cigar/shared/tmp/nginx.sock;',
        '}',
        "map $http_upgrade $connection_upgrade { default upgrade; '' close; hostnames; }",
        'upstream cigar { server unix:/var/www/cigar/shared/tmp/sockets/puma.sock fail_timeout=0; keepalive 8; }',
        'limit_req_zone $binary_remote_addr zone=login:10m rate=5r/m;',
      ].join('\n'),
    );
  });

  it.each([
    ['include /etc/shadow;', 1, 'include', 'it is outside the allowed folders'],
    ['server {\n  access_log /tmp/x.log;\n}', 2, 'access_log', 'it is outside the allowed folders'],
    ['error_log "/root/.ssh/authorized_keys" info;', 1, 'error_log', 'it is outside the allowed folders'],
    ['ssl_certificate_key /home/deploy/key.pem;', 1, 'ssl_certificate_key', 'it is outside the allowed folders'],
    ['auth_basic_user_file /etc/shadow;', 1, 'auth_basic_user_file', 'it is outside the allowed folders'],
    ['proxy_cache_path /tmp/cache keys_zone=a:1m;', 1, 'proxy_cache_path', 'it is outside the allowed folders'],
    ['proxy_ssl_certificate_key /etc/ssl/private/x.key;', 1, 'proxy_ssl_certificate_key', 'it is outside the allowed folders'],
    ['root /;', 1, 'root', 'it is outside the allowed folders'],
    ['include /etc/nginx/../shadow;', 1, 'include', '".." in a file path is not accepted'],
    ['include ../../etc/shadow;', 1, 'include', '".." in a file path is not accepted'],
    ['access_log logs/../../../tmp/x;', 1, 'access_log', '".." in a file path is not accepted'],
    ['root /var/www/$host;', 1, 'root', 'a $variable in a file path is not accepted'],
    ['access_log /var/log/nginx/${host}.log;', 1, 'access_log', 'a $variable in a file path is not accepted'],
    ['include /var/lib/hosting-api/secrets.json;', 1, 'include', 'it is outside the allowed folders'],
    ['ssl_certificate_key engine:pkcs11:x;', 1, 'ssl_certificate_key', 'OpenSSL engine keys are not accepted'],
    ['load_module /usr/lib/nginx/modules/x.so;', 1, 'load_module', 'is not accepted'],
    ['content_by_lua_block { os.execute("id") }', 1, 'content_by_lua_block', 'is not accepted'],
    ['perl_require /tmp/x.pm;', 1, 'perl_require', 'is not accepted'],
    ['\n\n  include   "/tmp/a" ;', 3, 'include', 'it is outside the allowed folders'],
    ['server {\n  location / {\n    xslt_stylesheet /etc/shadow;\n  }\n}', 3, 'xslt_stylesheet', 'is not a directive a site may use'],
    ['ssl_conf_command Certificate /etc/shadow;', 1, 'ssl_conf_command', 'is not accepted'],
    ['proxy_ssl_conf_command ChainCAFile /etc/shadow;', 1, 'proxy_ssl_conf_command', 'is not accepted'],
    ['js_import /etc/shadow;', 1, 'js_import', 'is not a directive a site may use'],
    ['js_path /root;', 1, 'js_path', 'is not a directive a site may use'],
    ['geoip_country /etc/shadow;', 1, 'geoip_country', 'is not a directive a site may use'],
    ['location / { proxy_store /tmp/stored; }', 1, 'proxy_store', 'is not accepted'],
    ['server { listen unix:/tmp/hms.sock; }', 1, 'listen', '"/tmp/hms.sock": it is outside the allowed folders'],
    ['map $uri $x { default 0; include /etc/shadow; }', 1, 'include', 'it is outside the allowed folders'],
  ])('Given %j, When linted, Then a 422 names the directive, its line and why', async (content, line, directive, why) => {
    const error = await lint(content).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 422, details: { line, directive } });
    expect((error as Error).message).toMatch(
      new RegExp(`^Refusing the new cigar config: line ${line}: ${directive} .*${why.replace(/[$.()"]/g, '\\$&')}`),
    );
    expect((error as { hint: string }).hint).toContain(ALLOWED_PREFIXES.join(', '));
  });

  it.each([
    'include snippets/leak.conf;',
    'include snippets/out/*.conf;',
    'ssl_certificate snippets/leak.conf;',
    'include snippets/*.conf;',
    'include snippets/l[a-e]?k.conf;',
  ])("Given a name in the main config's folder that is a symlink out (%s), When linted, Then it is refused", async (content) => {
    const inside = agentConfigSchema.parse({ stateDir: path.join(dir, 'state'), nginx: { mainConfig: path.join(dir, 'nginx.conf') } });
    await lintSite({ nginx: inside.nginx, stateDir: inside.stateDir, site: 'cigar', content: 'include snippets/proxy.conf;' });
    const linked = await lintSite({ nginx: inside.nginx, stateDir: inside.stateDir, site: 'cigar', content }).catch(
      (caught: unknown) => caught,
    );
    expect(linked).toMatchObject({
      status: 422,
      message: expect.stringContaining('it leads (through a symlink) outside the allowed folders'),
    });
  });

  it('Given an absolute name under an allowed folder that is a symlink out, When linted, Then it is refused', async () => {
    const inside = agentConfigSchema.parse({ stateDir: path.join(dir, 'state'), nginx: { mainConfig: path.join(dir, 'nginx.conf') } });
    const error = await lintSite({
      nginx: inside.nginx,
      stateDir: inside.stateDir,
      site: 'cigar',
      content: `access_log ${dir}/snippets/out/created.log;`,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      status: 422,
      details: { directive: 'access_log' },
      message: expect.stringContaining('through a symlink'),
    });
  });

  it("Given the agent's state folder under an allowed one, When a site names a file in it, Then it is refused", async () => {
    const inside = agentConfigSchema.parse({ stateDir: path.join(dir, 'state'), nginx: { mainConfig: path.join(dir, 'nginx.conf') } });
    const error = await lintSite({
      nginx: inside.nginx,
      stateDir: inside.stateDir,
      site: 'cigar',
      content: 'include state/secrets.json;',
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 422, message: expect.stringContaining("inside the agent's state folder") });
  });
});

describe('redactNginxOutput', () => {
  const options = { siteFile: '/etc/nginx/sites-available/cigar', allowedPrefixes: ALLOWED_PREFIXES };

  it(
    'Given nginx -t lines about other files, When redacted, ' +
      'Then what they quote is gone and the rest stays; lines about the site are kept',
    () => {
      const stderr = [
        'nginx: [emerg] unknown directive "root:$y$j9T$abc:19000:0:99999:7:::" in /etc/shadow:1',
        'nginx: [emerg] invalid number of arguments in "secret" directive in /etc/nginx/snippets/x.conf:3',
        'nginx: [emerg] unknown directive "foo" in /etc/nginx/sites-available/cigar:2',
        'nginx: configuration file /etc/nginx/nginx.conf test failed',
      ].join('\n');
      expect(redactNginxOutput(stderr, options)).toBe(
        [
          'nginx: [emerg] unknown directive "…" in …:1',
          'nginx: [emerg] invalid number of arguments in "…" directive in /etc/nginx/snippets/x.conf:3',
          'nginx: [emerg] unknown directive "foo" in /etc/nginx/sites-available/cigar:2',
          'nginx: configuration file /etc/nginx/nginx.conf test failed',
        ].join('\n'),
      );
    },
  );

  it(
    'Given what libxml2 prints when nginx loads a stylesheet that is not XML, ' +
      "When redacted, Then only nginx's own lines pass, its paths outside the folders masked",
    () => {
      const stderr = [
        "/root/secret.txt:1: parser error : Start tag expected, '<' not found",
        'root:$y$j9T$SECRETHASH:19000:0:99999:7:::',
        '^',
        'error',
        'xsltParseStylesheetFile : cannot parse /root/secret.txt',
        '2026/12/04 17:33:36 [error] 22092#22092: xsltParseStylesheetFile("/root/secret.txt") failed in /etc/nginx/snippets/x.conf:8',
        'nginx: configuration file /etc/nginx/nginx.conf test failed',
      ].join('\n');
      const redacted = redactNginxOutput(stderr, options);
      expect(redacted).toBe(
        [
          'nginx: [error] xsltParseStylesheetFile("…") failed in /etc/nginx/snippets/x.conf:8',
          'nginx: configuration file /etc/nginx/nginx.conf test failed',
          "(5 more lines withheld: not in nginx's own message format)",
        ].join('\n'),
      );
      expect(redacted).not.toContain('/root');
    },
  );

  it(
    'Given a line about the site that names a file outside the folders, ' +
      "When redacted, Then the site's words stay and the path is masked",
    () => {
      expect(
        redactNginxOutput(
          'nginx: [emerg] open() "/home/deploy/x.pem" failed (2: No such file or directory) in /etc/nginx/sites-available/cigar:4',
          options,
        ),
      ).toBe('nginx: [emerg] open() "…" failed (2: No such file or directory) in /etc/nginx/sites-available/cigar:4');
    },
  );
});

describe('PUT /api/configs/:site (real nginx -t)', () => {
  it(
    "Given a site that includes a file outside nginx's folders, When sent, " +
      'Then a 422 from the lint, nginx never ran and nothing was staged',
    async () => {
      const tree = await nginxTree(['cigar']);
      await tree.addSite('cigar', serverBlock(8081));
      const outside = await mkdtemp(path.join(tmpdir(), 'hms-nginx-outside-'));
      await writeFile(path.join(outside, 'secret.txt'), 'HMS-SECRET-WORD;\n');
      const host = hostExec();
      const agent = await testAgent({ config: { nginx: tree.nginx }, exec: host.exec });
      const before = await tree.files();
      for (const content of [`include ${outside}/secret.txt;\n`, serverBlock(8081, `    access_log ${outside}/created.log;\n`)]) {
        const response = await agent.app.request('/api/configs/cigar', {
          method: 'PUT',
          headers: { ...AUTH, 'content-type': 'application/json', 'if-match': '*' },
          body: JSON.stringify({ content }),
        });
        expect(response.status).toBe(422);
        const text = await response.text();
        expect(text).toMatch(/Refusing the new cigar config: line \d: (include|access_log) /);
        expect(text).not.toContain('HMS-SECRET-WORD');
      }
      expect(host.calls).toEqual([]);
      expect(existsSync(path.join(outside, 'created.log'))).toBe(false);
      expect(await tree.files()).toEqual(before);
      expect((await agent.deps.audit.recent()).map((entry) => entry.result)).toEqual(['refused', 'refused']);
    },
  );

  it('Given an allowed snippet nginx cannot parse, When sent, Then the 422 names the snippet and its line but not its words', async () => {
    const tree = await nginxTree(['cigar']);
    await tree.addSite('cigar', serverBlock(8081));
    await mkdir(path.join(tree.root, 'snippets'));
    await writeFile(path.join(tree.root, 'snippets', 'bad.conf'), 'HMS-SNIPPET-WORD on;\n');
    const agent = await testAgent({ config: { nginx: tree.nginx }, exec: hostExec().exec });
    const response = await agent.app.request('/api/configs/cigar', {
      method: 'PUT',
      headers: { ...AUTH, 'content-type': 'application/json', 'if-match': '*' },
      body: JSON.stringify({ content: serverBlock(8081, '    include snippets/bad.conf;\n') }),
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: string; details: { stderr: string } };
    expect(body.error).toBe(
      `nginx -t rejected the new cigar config: unknown directive "…" in ${path.join(tree.root, 'snippets', 'bad.conf')}:1`,
    );
    expect(JSON.stringify(body)).not.toContain('HMS-SNIPPET-WORD');
    expect(await readFile(path.join(tree.sitesDir, 'cigar'), 'utf8')).toBe(serverBlock(8081));
    expect((await readdir(tree.sitesDir)).filter((name) => name.includes('hms-staged'))).toEqual([]);
  });
});
