/**
 * An app's site tests the agent's maintenance flag on each request: rendered by
 * provisioning, it names the app's own flag, and it passes the lint a site edited
 * through `hms config edit` goes through (so the flag does not lock editors out).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentConfigSchema } from '../../../server/config.js';
import { lintSite } from '../../../server/services/configs/lint.js';
import { maintenanceFlag } from '../../../src/provision/input.js';
import { renderTemplate } from '../../../src/provision/templates.js';

describe("an app's nginx site in maintenance", () => {
  it('Given the app template, When rendered for cigar, Then it answers 503 with Retry-After while its flag exists, and lints', async () => {
    const content = await renderTemplate('nginx/app.conf', {
      app: 'cigar',
      root: '/var/www/cigar',
      domain: 'cigar.example.com',
      certPath: '/etc/nginx/ssl/cigar.example.com/cigar.example.com.crt',
      keyPath: '/etc/nginx/ssl/cigar.example.com/cigar.example.com.key',
      acmeRoot: '/var/www/_acme',
      maintenanceFlag: maintenanceFlag('cigar'),
      maintenanceDir: '/var/www/_maintenance',
      tlsSnippet: '/etc/nginx/snippets/hms-tls.conf',
      hsts: '# (no HSTS)',
      httpsRedirect: '# (HTTP serves the app too)',
      http2: ' http2',
    });
    const flagged = /if \(-f \/var\/www\/_maintenance\/cigar\) \{\n\s+add_header Retry-After 30 always;\n\s+return 503;\n\s+\}/;
    expect(content).toMatch(flagged);
    expect(content.indexOf('return 503;')).toBeLessThan(content.indexOf('try_files $uri @puma;'));
    // The 503 carries the page the agent writes beside the flag, still with Retry-After.
    expect(content).toMatch(/error_page 503 \/\.hms-maintenance\.html;\n\s+location = \/\.hms-maintenance\.html \{\n\s+internal;/);
    expect(content).toMatch(
      /location = \/\.hms-maintenance\.html \{[^}]*add_header Retry-After 30 always;[^}]*try_files \/cigar\.html =503;/,
    );
    expect(agentConfigSchema.parse({}).maintenanceDir).toBe(path.dirname(maintenanceFlag('cigar')));
    const stateDir = await mkdtemp(path.join(tmpdir(), 'hms-lint-'));
    try {
      await expect(lintSite({ nginx: agentConfigSchema.parse({}).nginx, stateDir, site: 'cigar', content })).resolves.toBeUndefined();
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
