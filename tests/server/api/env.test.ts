/** GET /api/apps/:name/env through `app.request()`: the env file as names and keyed digests, never values. */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envDigestsSchema } from '../../../src/api/env.js';
import { envValueDigest } from '../../../src/core/env-file.js';
import { AUTH, testAgent } from '../../support/agent.js';

const SECRET = 'tok-very-secret-0123';
const app = (name: string) => ({ unit: `${name}.service`, root: `/srv/apps/${name}` });

async function agentWithEnvFile(content?: string) {
  const agent = await testAgent({ config: { apps: { cigar: app('cigar'), tobacco: app('tobacco') } } });
  const envDir = path.join(agent.dir, 'env');
  agent.deps.config.envDir = envDir;
  await mkdir(envDir, { recursive: true });
  if (content !== undefined) {
    await writeFile(path.join(envDir, 'cigar.env'), content);
    await chmod(path.join(envDir, 'cigar.env'), 0o600);
  }
  return agent;
}

describe('GET /api/apps/:name/env', () => {
  it('Given an env file, When asked twice, Then each answer has every name with a digest under its own key, and no value', async () => {
    const { app } = await agentWithEnvFile(`RAILS_ENV=production\nAPI_TOKEN="${SECRET}"\n# Plain settings\nGREETING="a \\"b\\""\n`);
    const answers = [];
    for (let i = 0; i < 2; i++) {
      const response = await app.request('/api/apps/cigar/env', { headers: AUTH });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('production');
      answers.push(envDigestsSchema.parse(JSON.parse(text)));
    }
    const [first, second] = answers as [(typeof answers)[0], (typeof answers)[0]];
    expect(first.exists).toBe(true);
    expect(first.variables.map((v) => v.name)).toEqual(['API_TOKEN', 'GREETING', 'RAILS_ENV']);
    expect(first.variables.find((v) => v.name === 'GREETING')!.digest).toBe(envValueDigest(first.key, 'a "b"'));
    expect(first.variables.find((v) => v.name === 'API_TOKEN')!.digest).toBe(envValueDigest(first.key, SECRET));
    expect(second.key).not.toBe(first.key);
    expect(second.variables[0]!.digest).not.toBe(first.variables[0]!.digest);
  });

  it('Given no env file yet, When asked, Then it answers exists false and no variables', async () => {
    const { app } = await agentWithEnvFile();
    const body = envDigestsSchema.parse(await (await app.request('/api/apps/cigar/env', { headers: AUTH })).json());
    expect(body).toMatchObject({ exists: false, variables: [] });
  });

  it('Given an env file far larger than hms writes, When asked, Then 413 and no digest', async () => {
    const { app } = await agentWithEnvFile(`BIG=${'x'.repeat(300 * 1024)}\n`);
    const response = await app.request('/api/apps/cigar/env', { headers: AUTH });
    expect(response.status).toBe(413);
    expect(await response.text()).not.toMatch(/[0-9a-f]{64}/);
  });

  it('Given no token or a wrong one, When asked, Then 401 and nothing about the file', async () => {
    const { app } = await agentWithEnvFile(`API_TOKEN=${SECRET}\n`);
    for (const headers of [{}, { authorization: 'Bearer nope' }] as Array<Record<string, string>>) {
      const response = await app.request('/api/apps/cigar/env', { headers });
      expect(response.status).toBe(401);
      expect(await response.text()).not.toMatch(/API_TOKEN|[0-9a-f]{64}/);
    }
  });

  it('Given unknown or hostile app names, When asked, Then 404 naming the known apps, and no file outside is read', async () => {
    const { app } = await agentWithEnvFile(`API_TOKEN=${SECRET}\n`);
    for (const name of ['nosuch', '..%2Fcigar', 'cigar.env', '%2E%2E', 'constructor']) {
      const response = await app.request(`/api/apps/${name}/env`, { headers: AUTH });
      expect(response.status, name).toBe(404);
      const text = await response.text();
      expect(text).not.toContain('API_TOKEN');
      if (response.headers.get('content-type')?.includes('json')) expect(text).toMatch(/Unknown app.*|No route/);
    }
  });
});
