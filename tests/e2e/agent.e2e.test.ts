/**
 * The bundled agent on Debian 12's Node 18, under systemd, in the disposable test
 * server, managing the real nginx and puma-served apps; reached through SSH.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServerSupport } from '../support/test-server.js';
import { startAgentContext, type AgentContext } from './agent-context.js';

const support = testServerSupport();

describe.skipIf(!support.ok)('hms-agent on a real server', () => {
  let ctx: AgentContext;
  beforeAll(async () => {
    ctx = await startAgentContext();
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('Given Debian nodejs 18, When the bundle runs under systemd, Then health answers with the version', async () => {
    const node = await ctx.server.exec(['node', '--version']);
    expect(node.stdout).toMatch(/^v18\./);
    const health = await ctx.api('GET', '/api/health', undefined, { authorization: '' });
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'ok', version: expect.any(String) });
  });

  it('Given no token, When the API is called through the tunnel, Then 401', async () => {
    expect((await ctx.api('GET', '/api/audit', undefined, { authorization: '' })).status).toBe(401);
    expect((await ctx.api('GET', '/api/audit', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
  });
});
