/**
 * `nginx -t` for a submitted site in its sandbox (nginx.testSandbox, the default),
 * through the real agent under systemd with templates/systemd/hms-agent.service's
 * hardening, on Debian 12 with Debian's nginx and one of its dynamic modules: a
 * valid site is accepted, reloaded and served; a site that makes nginx -t read a
 * canary outside the allowed folders, by a route the lint lets through (a snippet in
 * /etc/nginx/snippets, whose content the lint does not read), gets "No such file"
 * and never the canary. The same site with testSandbox: false shows the difference:
 * nginx, as root, opened the canary.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxedArgv, SYSTEM_READ_ONLY } from '../../server/services/configs/sandbox.js';
import { ALLOWED_PREFIXES } from '../../server/services/configs/lint.js';
import { AGENT_PORT, installPackages, put } from '../support/server-kit.js';
import { testServerSupport } from '../support/test-server.js';
import { startAgentContext, type AgentContext } from './agent-context.js';

const support = testServerSupport();
const CANARY = 'HMS-SANDBOX-CANARY-4f1c9e';
const CANARY_PEM = '/root/canary.pem';
const CANARY_CONF = '/root/canary.conf';

describe.skipIf(!support.ok)('nginx -t sandbox on a real server', () => {
  let ctx: AgentContext;
  let original: string;

  async function must(argv: string[]): Promise<string> {
    const result = await ctx.server.exec(argv, { timeoutMs: 120_000 });
    if (result.code !== 0) throw new Error(`${argv.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  }

  async function save(content: string) {
    const current = await ctx.api('GET', '/api/configs/cigar');
    return ctx.api('PUT', '/api/configs/cigar', { content }, { 'if-match': String(current.headers.etag) });
  }

  /** The agent restarted with `nginx` keys changed in its config. */
  async function restartAgent(nginx: Record<string, unknown>): Promise<void> {
    const file = '/etc/hosting-api/agent.json';
    const config = JSON.parse(await readFile(path.join(ctx.server.rootDir, file), 'utf8'));
    await put(ctx.server, file, JSON.stringify({ ...config, nginx: { ...config.nginx, ...nginx } }, null, 2), 0o600);
    await must(['systemctl', 'restart', 'hms-agent.service']);
    await must([
      'sh',
      '-c',
      `for i in $(seq 100); do curl -fsS http://127.0.0.1:${AGENT_PORT}/api/health >/dev/null && exit 0; sleep 0.1; done; exit 1`,
    ]);
  }

  beforeAll(async () => {
    ctx = await startAgentContext();
    // Debian's dynamic modules: modules-enabled/*.conf -> /usr/share/nginx/modules-available -> /usr/lib/nginx/modules.
    await installPackages(ctx.server, ['libnginx-mod-stream']);
    // Another enabled site the agent does not manage, with its key in /etc/ssl/private (Debian's place for keys).
    await must([
      'openssl',
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=other.test',
      '-keyout',
      '/etc/ssl/private/other.test.key',
      '-out',
      '/etc/ssl/certs/other.test.crt',
    ]);
    await put(
      ctx.server,
      '/etc/nginx/sites-available/other',
      'server {\n    listen 8443 ssl;\n    server_name other.test;\n    ssl_certificate /etc/ssl/certs/other.test.crt;\n' +
        '    ssl_certificate_key /etc/ssl/private/other.test.key;\n    return 204;\n}\n',
    );
    await must(['ln', '-sfn', '/etc/nginx/sites-available/other', '/etc/nginx/sites-enabled/other']);
    await put(ctx.server, CANARY_PEM, `-----BEGIN CERTIFICATE-----\n${CANARY}\n-----END CERTIFICATE-----\n`, 0o600);
    await put(ctx.server, CANARY_CONF, `${CANARY} on;\n`, 0o600);
    // Snippets as an administrator could have left them: the lint checks the path of an include, not its content.
    await put(ctx.server, '/etc/nginx/snippets/hms-canary-cert.conf', `ssl_certificate ${CANARY_PEM};\n`);
    await put(ctx.server, '/etc/nginx/snippets/hms-canary-include.conf', `include ${CANARY_CONF};\n`);
    await must(['nginx', '-t', '-q']);
    await must(['systemctl', 'reload', 'nginx.service']);
    original = (await ctx.api('GET', '/api/configs/cigar')).json.content;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it(
    'Given the agent under its systemd unit with the sandbox on by default, ' +
      'When a valid edit is saved, Then it is accepted, nginx reloaded and the site served',
    async () => {
      const saved = await save(original.replace('    root ', '    add_header X-Hms-Sandbox "tested" always;\n    root '));
      expect(saved.status, saved.text).toBe(200);
      const headers = await must([
        'sh',
        '-c',
        "for i in $(seq 50); do curl -sS -D - -o /dev/null -H 'Host: cigar.test' " +
          "http://127.0.0.1/ | grep -qi '^x-hms-sandbox: tested' && exit 0; sleep 0.1; done; exit 1",
      ]);
      expect(headers).toBe('');
      expect((await ctx.api('GET', '/api/apps/cigar')).json.app.health.ok).toBe(true);
    },
  );

  const routes = [
    [
      'ssl_certificate in an allowed snippet',
      (site: string) => site.replace(/^[ \t]*ssl_certificate .*$/m, '    include /etc/nginx/snippets/hms-canary-cert.conf;'),
    ],
    [
      'include in an allowed snippet',
      (site: string) => site.replace('    root ', '    include /etc/nginx/snippets/hms-canary-include.conf;\n    root '),
    ],
  ] as const;

  it.for(routes)(
    'Given a site whose %s names a canary in /root, When saved, ' +
      'Then nginx -t could not find it, the canary is nowhere in the answer and the live file is unchanged',
    async ([, edit]) => {
      const before = (await ctx.api('GET', '/api/configs/cigar')).json.content;
      const refused = await save(edit(before));
      expect(refused.status).toBe(422);
      expect(refused.text).toMatch(/No such file or directory/);
      expect(refused.text).not.toContain(CANARY);
      expect((await ctx.api('GET', '/api/configs/cigar')).json.content).toBe(before);
    },
  );

  it(
    'Given the cost of the sandbox, When nginx -t runs 10 times plain and 10 times sandboxed, ' +
      'Then both pass and the times are reported',
    async () => {
      const plain = ['/usr/sbin/nginx', '-t', '-q', '-c', '/etc/nginx/nginx.conf'];
      await must(['mkdir', '-p', '/var/lib/hosting-api/nginx-sandbox-bench']);
      const paths = {
        root: '/var/lib/hosting-api/nginx-sandbox-bench',
        readOnly: [...ALLOWED_PREFIXES, '/etc/nginx/sites-available', '/etc/nginx/sites-enabled'],
        writable: ['/var/log/nginx', '/var/lib/nginx'],
        scratch: ['/run'],
      };
      // What each path is on the server (the agent stats them itself: pathKinds).
      const candidates = [...SYSTEM_READ_ONLY, ...paths.readOnly, ...paths.writable].map((p) => path.resolve(p));
      const listed = await must([
        'sh',
        '-c',
        'for p; do if [ -d "$p" ]; then echo "dir $p"; elif [ -e "$p" ]; then echo "file $p"; fi; done',
        'kinds',
        ...candidates,
      ]);
      const kinds = new Map(
        listed
          .trim()
          .split('\n')
          .map((line) => [line.slice(line.indexOf(' ') + 1), line.startsWith('dir') ? ('dir' as const) : ('file' as const)]),
      );
      const sandboxed = sandboxedArgv(plain, paths, kinds);
      const loop =
        'n=$1; shift; for i in $(seq "$n"); do s=$(date +%s%N); ' +
        '"$@" >/dev/null 2>/tmp/bench.err || { cat /tmp/bench.err >&2; exit 1; }; e=$(date +%s%N); echo $(( (e - s) / 1000 )); done';
      const times = async (argv: string[]) =>
        (await must(['sh', '-c', loop, 'bench', '10', ...argv]))
          .trim()
          .split('\n')
          .map((us) => Number(us) / 1000);
      const runs = { plain: [] as number[], sandboxed: [] as number[] };
      for (let round = 0; round < 2; round++) {
        runs.plain.push(...(await times(plain)));
        runs.sandboxed.push(...(await times(sandboxed)));
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      console.log(
        `[e2e] nginx -t ms, n=${runs.plain.length} each: plain median ${median(runs.plain).toFixed(1)} ` +
          `(${runs.plain.map((x) => x.toFixed(0)).join(' ')}); ` +
          `sandboxed median ${median(runs.sandboxed).toFixed(1)} (${runs.sandboxed.map((x) => x.toFixed(0)).join(' ')})`,
      );
      expect(runs.sandboxed).toHaveLength(20);
    },
  );

  it(
    'Given testSandbox: false in the agent config, When the same canary site is saved, ' +
      'Then nginx as root opened the canary (what the sandbox prevents)',
    async () => {
      await restartAgent({ testSandbox: false });
      try {
        const before = (await ctx.api('GET', '/api/configs/cigar')).json.content;
        const refused = await save(routes[0][1](before));
        expect(refused.status).toBe(422);
        expect(refused.text).not.toMatch(/No such file or directory/);
        expect(refused.text).toMatch(/PEM_read_bio|no start line|bad base64|cannot load certificate/);
      } finally {
        await restartAgent({ testSandbox: true });
      }
    },
  );
});
