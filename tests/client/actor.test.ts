/** Who the laptop says is acting: sent with every request, in a form the agent accepts. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ACTOR_PATTERN } from '../../src/api/core.js';
import { laptopActor } from '../../src/client/actor.js';
import { serverSchema, type Config } from '../../src/config/schema.js';
import { connectServer } from '../../src/client/connect.js';
import { testContext } from '../support/test-context.js';

describe('laptopActor', () => {
  it("Given this machine, When asked, Then it is user@short-host and the agent's pattern accepts it", () => {
    const actor = laptopActor();
    expect(actor).toMatch(ACTOR_PATTERN);
    expect(actor.split('@')[1]).toBe(
      hostname()
        .split('.')[0]!
        .replace(/[^A-Za-z0-9._-]/g, '_')
        .slice(0, 64) || 'unknown',
    );
  });
});

describe('ApiClient', () => {
  it('Given any call, When sent, Then X-Hms-Actor carries user@host beside the bearer token', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const server = createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ actor: 'x', via: 'token', version: '1' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const config: Config = {
        file: '/nonexistent/hms.config.json',
        servers: { raw: { ...serverSchema.parse({ host: '127.0.0.1' }), publicUrl: url } },
        apps: {},
      };
      const connected = await connectServer(testContext({ flags: { via: 'https' }, env: { HMS_TOKEN: 'tok' } }), config, 'raw');
      await connected.client.whoami();
      await connected.close();
      expect(seen[0]).toMatchObject({ authorization: 'Bearer tok', 'x-hms-actor': laptopActor() });
      expect(String(seen[0]!['x-hms-actor'])).toContain(
        userInfo()
          .username.replace(/[^A-Za-z0-9._-]/g, '_')
          .slice(0, 32),
      );
    } finally {
      server.close();
    }
  });
});
