/**
 * The deploy lock through /api/deploys: a manual lock, the actor beside the token,
 * racing deploys and a stale lock, over the same deploy target as deploys.test.ts.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockStatusSchema } from '../../../src/api/deploys.js';
import { AUTH, type TestAgent } from '../../support/agent.js';
import { deployAgent, deployRequests } from '../../support/deploy-agent.js';
import type { HostTarget } from '../../support/host-target.js';

let target: HostTarget;
let agent: TestAgent;

beforeEach(async () => {
  ({ target, agent } = await deployAgent());
});
afterEach(async () => {
  await target.stop();
});

const { post, lockFile } = deployRequests(() => agent);

describe('the deploy lock', () => {
  it(
    'Given a manual lock, When a deploy is asked for, ' +
      'Then 423 says who holds it since when and why, with the unlock hint, and nothing runs',
    async () => {
      const lock = await post('/api/deploys/cigar/lock', { reason: 'database maintenance' }, 'application/json');
      expect(lock.status).toBe(201);
      expect(lockStatusSchema.parse(await lock.json())).toMatchObject({
        locked: true,
        lock: { by: 'api-token', reason: 'database maintenance', kind: 'manual', stale: false },
      });
      const calls = target.calls.length;
      const response = await post('/api/deploys/cigar', {});
      expect(response.status).toBe(423);
      const body = await response.json();
      expect(body.error).toMatch(/^cigar is locked: held by api-token since \d{4}-.*\(reason: database maintenance\)\.$/);
      expect(body.hint).toBe('Wait, or run `hms unlock cigar`.');
      expect(body.details.lock).toMatchObject({ kind: 'manual', reason: 'database maintenance' });
      expect(target.calls.length).toBe(calls);
      expect((await agent.deps.audit.recent(1))[0]).toMatchObject({ action: 'deploy', result: 'refused' });

      const unlock = await agent.app.request('/api/deploys/cigar/lock', { method: 'DELETE', headers: AUTH });
      expect(await unlock.json()).toMatchObject({ unlocked: true, lock: { reason: 'database maintenance' } });
      expect((await agent.deps.audit.recent(1))[0]).toMatchObject({ action: 'deploy.unlock', result: 'ok' });
      expect((await agent.app.request('/api/deploys/cigar/lock', { method: 'DELETE', headers: AUTH })).status).toBe(404);
    },
  );

  it(
    "Given the laptop's user@host in X-Hms-Actor beside the token, When it locks and unlocks, " +
      'Then the lock, the audit log, `hms audit`\'s data and the web audit page name "alice@laptop (api-token)"',
    async () => {
      const headers = { ...AUTH, 'x-hms-actor': 'alice@laptop', 'content-type': 'application/json' };
      const lock = await agent.app.request('/api/deploys/cigar/lock', {
        method: 'POST',
        headers,
        body: JSON.stringify({ reason: 'by hand' }),
      });
      expect(lockStatusSchema.parse(await lock.json()).lock).toMatchObject({ by: 'alice@laptop (api-token)' });
      await agent.app.request('/api/deploys/cigar/lock', { method: 'DELETE', headers });
      const audit = await (await agent.app.request('/api/audit?limit=2', { headers: AUTH })).json();
      expect(audit.entries.map((e: { actor: string; action: string }) => `${e.actor} ${e.action}`)).toEqual([
        'alice@laptop (api-token) deploy.unlock',
        'alice@laptop (api-token) deploy.lock',
      ]);
      const page = await (await agent.app.request('/audit', { headers: { ...AUTH, accept: 'text/html' } })).text();
      expect(page).toContain('<td>alice@laptop (api-token)</td><td>deploy.unlock</td>');
    },
  );

  it.each(['alice smith@laptop', 'a@b@c', `${'a'.repeat(33)}@laptop`, '<script>@x', 'alice@'])(
    'Given X-Hms-Actor %j, When it asks to lock, Then a 400 says what the header may hold and nothing is locked or recorded',
    async (actor) => {
      const before = (await agent.deps.audit.recent()).length;
      const lock = await agent.app.request('/api/deploys/cigar/lock', {
        method: 'POST',
        headers: { ...AUTH, 'x-hms-actor': actor, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'x' }),
      });
      expect(lock.status).toBe(400);
      const body = await lock.json();
      expect(body.error).toBe('Invalid x-hms-actor header.');
      expect(body.hint).toMatch(/user@host/);
      expect((await agent.deps.audit.recent()).length).toBe(before);
      expect(existsSync(lockFile())).toBe(false);
    },
  );

  it(
    'Given two deploys started at once, When they race, ' + 'Then exactly one runs and the other is refused with who holds the lock',
    async () => {
      const [a, b] = await Promise.all([
        post('/api/deploys/cigar', { reason: 'one' }, 'application/json'),
        post('/api/deploys/cigar', { reason: 'two' }, 'application/json'),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses).toEqual([200, 423]);
      const refused = a.status === 423 ? a : b;
      expect((await refused.json()).error).toMatch(/locked by a running deploy: held by api-token .*\(reason: (one|two)\)/);
      expect(existsSync(lockFile())).toBe(false);
    },
  );

  it(
    'Given a lock left by a process that is gone, When read, ' + 'Then it is stale; a deploy is refused saying so, and unlock removes it',
    async () => {
      await mkdir(path.dirname(lockFile()), { recursive: true });
      const dead = 2 ** 22 + 12345;
      await writeFile(
        lockFile(),
        JSON.stringify({
          app: 'cigar',
          by: 'alice',
          at: '2026-01-01T10:02:00.000Z',
          reason: 'deploy main',
          kind: 'deploy',
          pid: dead,
          token: 'x',
        }),
      );
      const status = lockStatusSchema.parse(await (await agent.app.request('/api/deploys/cigar/lock', { headers: AUTH })).json());
      expect(status.lock).toMatchObject({ by: 'alice', stale: true });
      const refused = await post('/api/deploys/cigar', {});
      expect(refused.status).toBe(423);
      expect((await refused.json()).error).toContain('stale lock');
      expect((await agent.app.request('/api/deploys/cigar/lock', { method: 'DELETE', headers: AUTH })).status).toBe(200);
    },
  );
});
