import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentConfigSchema } from '../../../server/config.js';
import { lintSite } from '../../../server/services/configs/lint.js';
import { loadConfig } from '../../../src/config/load.js';
import { exec } from '../../../src/platform/exec.js';
import { exampleInput } from '../../../src/provision/example.js';
import type { ProvisionInput } from '../../../src/provision/input.js';
import { PATHS } from '../../../src/provision/input.js';
import { siteFiles, TLS_SNIPPET } from '../../../src/provision/steps/web.js';
import { ACME_ROOT, siteCertificates, tlsStep } from '../../../src/provision/steps/tls.js';
import { loadTemplates } from '../../../src/provision/template-set.js';
import { NGINX_BINARY, nginxMainConfig } from '../../support/nginx-fixture.js';
import { localHost } from './local-host.js';

let dir: string;
let example: ProvisionInput;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-sites-'));
  example = await exampleInput(await loadConfig(path.resolve('hms.config.example.json')));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function sites(input = example): Promise<Record<string, string>> {
  const files = siteFiles(input, await loadTemplates()).filter((f) => f.path.startsWith(PATHS.sitesAvailable));
  return Object.fromEntries(files.map((f) => [path.basename(f.path), f.content]));
}

/** The `server { ... }` blocks of a site, each as its text. */
const servers = (site: string): string[] => site.split(/^server \{$/m).slice(1);
const listens = (site: string): string[] => [...site.matchAll(/^\s*listen (.+);$/gm)].map((m) => m[1]!);

describe('nginx sites as provisioning renders them', () => {
  it(
    'Given the example config, When the sites are rendered, ' + 'Then there is one per app, the hosting vhost and the default site',
    async () => {
      expect(Object.keys(await sites())).toEqual(['cigar', 'tobacco', 'hosting', 'hms-default']);
    },
  );

  it(
    'Given an app, When its site is rendered, ' +
      'Then it serves its own domain over HTTP and HTTPS with its own certificate from ssl_config',
    async () => {
      const cigar = (await sites()).cigar!;
      expect(listens(cigar)).toEqual(['80', '[::]:80', '443 ssl http2', '[::]:443 ssl http2']);
      expect(cigar).toMatch(/^\s*server_name cigar\.remoteds\.us;$/m);
      expect(cigar).toMatch(/^\s*ssl_certificate \/etc\/nginx\/ssl\/cigar\.remoteds\.us\/cigar\.remoteds\.us\.crt;$/m);
      expect(cigar).toMatch(/^\s*ssl_certificate_key \/etc\/nginx\/ssl\/cigar\.remoteds\.us\/cigar\.remoteds\.us\.key;$/m);
      expect(cigar).toMatch(/proxy_pass http:\/\/cigar_puma;/);
      expect(cigar).not.toMatch(/^\s*add_header Strict-Transport-Security/m);
      expect(cigar).not.toMatch(/default_server/);
    },
  );

  it('Given ssl_config.<app> naming other files, When the site is rendered, Then it uses them', async () => {
    const ssl_config = {
      ...example.secrets.ssl_config,
      tobacco: {
        domain: 'tobacco.remoteds.us',
        cert_path: '/etc/letsencrypt/live/t/fullchain.pem',
        key_path: '/etc/letsencrypt/live/t/privkey.pem',
      },
    };
    const tobacco = (await sites({ ...example, secrets: { ...example.secrets, ssl_config } })).tobacco!;
    expect(tobacco).toMatch(/^\s*ssl_certificate \/etc\/letsencrypt\/live\/t\/fullchain\.pem;$/m);
    expect(tobacco).toMatch(/^\s*ssl_certificate_key \/etc\/letsencrypt\/live\/t\/privkey\.pem;$/m);
  });

  it('Given every site, When rendered, Then each serves ACME challenges from the one ACME folder on port 80', async () => {
    const rendered = await sites();
    for (const name of ['cigar', 'tobacco', 'hosting']) {
      const onPort80 = servers(rendered[name]!).find((block) => listens(block).includes('80'))!;
      expect(onPort80, name).toMatch(new RegExp(`location \\^~ /\\.well-known/acme-challenge/ \\{\\s+root ${ACME_ROOT};`));
    }
  });

  it(
    'Given every site, When rendered, Then each offers HTTP/2 on 443, and with servers.<name>.http2 false none does ' +
      '(http2 is per address:port in nginx: all sites or none)',
    async () => {
      const on = await sites();
      const off = await sites({ ...example, server: { ...example.server, http2: false } });
      for (const name of Object.keys(on)) {
        const on443 = listens(on[name]!).filter((l) => l.includes('443'));
        expect(on443.length, name).toBeGreaterThan(0);
        expect(
          on443.every((l) => l.includes('ssl http2')),
          name,
        ).toBe(true);
        expect(
          listens(off[name]!).filter((l) => l.includes('http2')),
          name,
        ).toEqual([]);
      }
    },
  );

  it('Given the hosting vhost, When rendered, Then it answers only its own name and is never the default server', async () => {
    const hosting = (await sites()).hosting!;
    expect([...hosting.matchAll(/^\s*server_name (.+);$/gm)].map((m) => m[1])).toEqual(['hosting.remoteds.us', 'hosting.remoteds.us']);
    expect(hosting).not.toMatch(/default_server/);
    expect(listens(hosting)).toContain('443 ssl http2');
  });

  it(
    'Given the default site, When rendered, ' +
      'Then it is the default server on 80 and 443, closes HTTP with 444 and refuses the TLS handshake',
    async () => {
      const fallback = (await sites())['hms-default']!;
      expect(listens(fallback)).toEqual([
        '80 default_server',
        '[::]:80 default_server',
        '443 ssl http2 default_server',
        '[::]:443 ssl http2 default_server',
      ]);
      expect(fallback).toMatch(/^\s*ssl_reject_handshake on;$/m);
      expect(fallback).toMatch(/^\s*return 444;$/m);
      expect(fallback).not.toMatch(/proxy_pass|ssl_certificate/);
    },
  );

  it(
    "Given an app's rendered site, " +
      "When it is sent back unchanged through the agent's site check (hms config edit), Then it is accepted",
    async () => {
      const { nginx, stateDir } = agentConfigSchema.parse({ nginx: { sites: ['cigar', 'hosting'] } });
      const rendered = await sites();
      for (const site of ['cigar', 'hosting'])
        await expect(lintSite({ nginx, stateDir, site, content: rendered[site]! })).resolves.toBeUndefined();
    },
  );

  it.each(['hosting', 'hms-default', 'default'])(
    'Given an app named %s, When the sites are rendered, Then provisioning refuses and says to rename it',
    async (name) => {
      const [, app] = example.apps[0]!;
      await expect(sites({ ...example, apps: [[name, app]] })).rejects.toMatchObject({
        hint: expect.stringMatching(new RegExp(`apps\\.${name}`)),
      });
    },
  );

  it(
    'Given the rendered sites and the placeholder certificates, ' + 'When the real nginx 1.22 checks them, Then `nginx -t` passes',
    async () => {
      const tree = path.join(dir, 'nginx');
      const run = path.join(tree, 'run');
      await Promise.all(['sites-available', 'sites-enabled', 'run', 'ssl'].map((sub) => mkdir(path.join(tree, sub), { recursive: true })));
      const ssl_config = Object.fromEntries(
        siteCertificates(example).map((s) => [
          s.site,
          { domain: s.domain, cert_path: `${tree}/ssl/${s.domain}.crt`, key_path: `${tree}/ssl/${s.domain}.key` },
        ]),
      );
      const input = { ...example, secrets: { ...example.secrets, ssl_config } };
      const certs = tlsStep(input);
      const host = localHost();
      await certs.apply(
        host,
        (await certs.check(host)).filter((change) => change.startsWith(tree)),
      );
      for (const [name, content] of Object.entries(await sites(input))) {
        // Only the logs move into the throwaway tree, so the check writes nothing of the host's.
        await writeFile(
          path.join(tree, 'sites-available', name),
          content.replaceAll('/var/log/nginx/', `${run}/`).replaceAll(TLS_SNIPPET, `${tree}/hms-tls.conf`),
        );
        await symlink(`../sites-available/${name}`, path.join(tree, 'sites-enabled', name));
      }
      await exec(['cp', '/etc/nginx/mime.types', tree]);
      const snippet = siteFiles(input, await loadTemplates()).find((f) => f.path === TLS_SNIPPET)!;
      await writeFile(path.join(tree, 'hms-tls.conf'), snippet.content);
      await writeFile(path.join(tree, 'nginx.conf'), nginxMainConfig(run, path.join(tree, 'sites-enabled')));
      const check = await exec([NGINX_BINARY, '-t', '-q', '-p', tree, '-c', path.join(tree, 'nginx.conf')]);
      // OCSP stapling is on for every site; nginx skips it (and says so) for a self-signed placeholder.
      const warnings = check.stderr
        .split('\n')
        .filter((line) => line && !/"ssl_stapling" ignored, issuer certificate not found/.test(line));
      expect(warnings).toEqual([]);
      expect(check.code).toBe(0);
    },
  );
});
