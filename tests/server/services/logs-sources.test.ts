import { describe, expect, it } from 'vitest';
import { agentConfigSchema } from '../../../server/config.js';
import { findLogSource, logSources } from '../../../server/services/logs-sources.js';

const config = agentConfigSchema.parse({
  apps: {
    cigar: { unit: 'cigar.service', root: '/var/www/cigar', logFiles: { sidekiq: '/var/www/cigar/shared/log/sidekiq.log' } },
    tobacco: { unit: 'tobacco.service', root: '/srv/tobacco', logFiles: { production: '/var/log/tobacco/production.log' } },
    nginx: { unit: 'shop.service', root: '/var/www/nginx', logFiles: { access: '/var/www/nginx/access.log' } },
  },
});

describe('log sources', () => {
  it('Given apps in the config, When the allow-list is computed, Then each app has its journal, its production log (default or configured) and its extra files', () => {
    const sources = logSources(config);
    expect(sources['journal:cigar']).toEqual({ name: 'journal:cigar', kind: 'journal', unit: 'cigar.service' });
    expect(sources['cigar:production']).toMatchObject({ kind: 'file', path: '/var/www/cigar/shared/log/production.log', format: 'rails' });
    expect(sources['cigar:sidekiq']).toMatchObject({ kind: 'file', path: '/var/www/cigar/shared/log/sidekiq.log' });
    expect(sources['tobacco:production']).toMatchObject({ path: '/var/log/tobacco/production.log' });
  });

  it('Given an app whose name collides with nginx\'s sources, When computed, Then nginx\'s own logs win', () => {
    const sources = logSources(config);
    expect(sources['journal:nginx']).toMatchObject({ unit: 'nginx.service' });
    expect(sources['nginx:access']).toMatchObject({ path: '/var/log/nginx/access.log', format: 'nginx-access' });
    expect(sources['journal:agent']).toMatchObject({ unit: 'hms-agent.service' });
  });

  it('Given names that are not in the allow-list, When looked up, Then a 404 lists the known sources', () => {
    for (const name of ['../../etc/passwd', '/var/log/nginx/access.log', 'cigar:production/../x', 'hasOwnProperty', 'toString', 'cigar']) {
      expect(() => findLogSource(config, name)).toThrow(expect.objectContaining({ status: 404, details: { known: expect.arrayContaining(['cigar:production']) } }));
    }
  });
});
