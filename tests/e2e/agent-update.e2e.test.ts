/**
 * The agent updating itself on a real server: a good release goes live, a release
 * that fails its health check is rolled back automatically while the agent keeps
 * answering, and a kept release can be restored.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthSchema } from '../../src/api/core.js';
import { runHms } from '../support/run-hms.js';
import { testServerSupport } from '../support/test-server.js';
import { laptopFolder, startAgentContext, type AgentContext } from './agent-context.js';

const support = testServerSupport();

/** A copy of this project's release files with the bundle replaced or changed. */
async function releaseDir(base: string, name: string, bundle: (original: string) => string): Promise<string> {
  const dir = path.join(base, name);
  await mkdir(path.join(dir, 'dist'), { recursive: true });
  await cp(path.resolve('remote-cli-tools'), path.join(dir, 'remote-cli-tools'), { recursive: true });
  await writeFile(path.join(dir, 'dist/hms-agent.mjs'), bundle(await readFile(path.resolve('dist/hms-agent.mjs'), 'utf8')));
  await writeFile(path.join(dir, 'package.json'), '{}');
  await mkdir(path.join(dir, 'templates'));
  return dir;
}

describe.skipIf(!support.ok)('agent self-update on a real server', { timeout: 180_000 }, () => {
  let ctx: AgentContext;
  let dir: string;
  const hms = (args: string[]) => runHms(args, { cwd: dir, env: { HMS_TOKEN: ctx.hosting.apiToken } });
  const running = async () => healthSchema.parse((await ctx.api('GET', '/api/health')).json).release;

  beforeAll(async () => {
    ctx = await startAgentContext();
    dir = await laptopFolder(ctx, 'hms-update-');
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('Given a new bundle, When `hms update-hosting-api` runs, Then the agent restarts into it and answers', async () => {
    expect(await running()).toBe('20260101000000');
    const run = await hms(['update-hosting-api']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const release = /now runs agent (\S+)/.exec(run.stdout)?.[1];
    expect(release).toMatch(/^\d+\.\d+\.\d+-[0-9a-f]{12}$/);
    expect(await running()).toBe(release);
    expect((await ctx.server.exec(['readlink', '/opt/hosting-api/current'])).stdout.trim()).toBe(`releases/${release}`);
  });

  it('Given a bundle that cannot start, When updating, Then it is rolled back automatically and the agent keeps answering', async () => {
    const good = await running();
    const broken = await releaseDir(dir, 'broken', () => "console.error('this release is broken'); process.exit(3);\n");
    const run = await hms(['update-hosting-api', '--from', broken]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/failed its health check and was rolled back to/);
    expect(await running()).toBe(good);
    expect((await ctx.api('GET', '/api/apps')).status).toBe(200);
    const audit = (await ctx.api('GET', '/api/audit?limit=10')).json.entries as Array<{
      action: string;
      target: string;
      result: string;
      detail?: string;
    }>;
    expect(audit.map((e) => e.action)).toContain('agent.activate');
    expect(audit.find((e) => e.action === 'agent.update')).toMatchObject({ result: 'failed', detail: `unhealthy; rolled back to ${good}` });
  });

  it('Given two kept releases, When one is restored by id, Then it runs again; the list shows the current one', async () => {
    const first = await running();
    const second = await releaseDir(dir, 'second', (original) => `${original}\n// second build\n`);
    expect((await hms(['update-hosting-api', '--from', second])).code).toBe(0);
    expect(await running()).not.toBe(first);
    const restore = await hms(['update-hosting-api', '--release', first!]);
    expect(restore.code, restore.stderr).toBe(0);
    expect(await running()).toBe(first);
    const list = await hms(['update-hosting-api', '--list']);
    expect(list.stdout).toMatch(new RegExp(`●\\s+${first!.replace(/\./g, '\\.')}`));
  });
});
