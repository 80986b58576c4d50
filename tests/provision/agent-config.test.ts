import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../server/config.js';
import { agentConfigFiles } from '../../src/provision/steps/agent-config.js';
import { CIGAR, inputFor } from '../support/provision-input.js';

const agentJson = async (apps: Record<string, object>) => {
  const file = agentConfigFiles(await inputFor(apps)).find((f) => f.path === '/etc/hosting-api/agent.json')!;
  return parseAgentConfig(file.content, file.path);
};

describe("the agent's configuration written by provisioning", () => {
  it(
    'Given an app with a repo and a branch, When agent.json is rendered, ' +
      "Then the agent's own parser reads its repo, branch, shared files and folders",
    async () => {
      const config = await agentJson({ cigar: CIGAR });
      expect(config.apps.cigar).toMatchObject({
        unit: 'cigar.service',
        root: '/var/www/cigar',
        repo: 'git@example.test:team/cigar.git',
        branch: 'release',
        keepReleases: 5,
        sharedFiles: ['config/database.yml'],
        sharedDirs: ['log', 'tmp', 'storage'],
        health: { socket: '/var/www/cigar/shared/tmp/sockets/puma.sock', path: '/up' },
      });
    },
  );

  it(
    'Given provisioning, When agent.json is rendered, ' +
      'Then nginx -t for a submitted site runs in its sandbox (the default, not turned off)',
    async () => {
      expect((await agentJson({ cigar: CIGAR })).nginx.testSandbox).toBe(true);
    },
  );

  it(
    'Given shared files, uploads, log files and releases kept in hms.config.json, ' +
      'When agent.json is rendered, Then each reaches the agent, log paths made absolute inside the app',
    async () => {
      const config = await agentJson({
        cigar: {
          ...CIGAR,
          sharedFiles: ['config/storage.yml'],
          sharedDirs: ['log', 'tmp', 'storage', 'public/uploads'],
          files: { 'config/master.key': 'secrets/cigar.key' },
          logFiles: { production: 'shared/log/production.log', sidekiq: '/var/www/cigar/shared/log/sidekiq.log' },
          keepReleases: 3,
          healthPath: '/health',
          webCommand: ['/usr/bin/bundle', 'exec', 'puma', '-C', '/var/www/cigar/shared/config/puma.rb'],
        },
      });
      expect(config.apps.cigar).toMatchObject({
        sharedFiles: ['config/database.yml', 'config/storage.yml', 'config/master.key'],
        sharedDirs: ['log', 'tmp', 'storage', 'public/uploads'],
        logFiles: { production: '/var/www/cigar/shared/log/production.log', sidekiq: '/var/www/cigar/shared/log/sidekiq.log' },
        keepReleases: 3,
        health: { path: '/health' },
        webCommand: ['/usr/bin/bundle', 'exec', 'puma', '-C', '/var/www/cigar/shared/config/puma.rb'],
      });
    },
  );

  it('Given the example apps, When agent.json is rendered, Then it holds no secret and the secrets file is masked in diffs', async () => {
    const input = await inputFor({ cigar: CIGAR });
    const [config, secrets] = agentConfigFiles(input);
    expect(config!.content).not.toContain(input.secrets.hosting_management.api_token!);
    expect(secrets!.redact).toBe('json');
  });
});
