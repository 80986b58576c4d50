/**
 * An agent over a deploy target on this host (tests/support/host-target.ts), for the
 * /api/deploys and /deploys route tests: a real git repository and real files;
 * bundler, rake and systemd are played there (no Ruby and no systemd as PID 1 here).
 */
import path from 'node:path';
import { expect } from 'vitest';
import { deployResultSchema } from '../../src/api/deploys.js';
import { readSse, type SseEvent } from '../../src/client/sse.js';
import { AUTH, testAgent, type TestAgent } from './agent.js';
import { hostTarget, type HostTarget } from './host-target.js';

export interface DeployAgent {
  target: HostTarget;
  agent: TestAgent;
}

export async function deployAgent(): Promise<DeployAgent> {
  const target = await hostTarget();
  const agent = await testAgent({ config: target.config, exec: target.exec });
  return { target, agent };
}

/** Where the agent keeps cigar's deploy lock while one is held. */
export function lockFileOf(agent: TestAgent): string {
  return path.join(agent.deps.config.stateDir, 'locks', 'cigar.json');
}

/** Every event of a Server-Sent Events answer, read to its end. */
export async function events(response: Response): Promise<SseEvent[]> {
  const all: SseEvent[] = [];
  for await (const event of readSse(response.body as unknown as AsyncIterable<Uint8Array>)) all.push(event);
  return all;
}

/** /api/deploys requests as the API token, on the agent `current()` gives (read when called: a beforeEach makes it). */
export function deployRequests(current: () => TestAgent) {
  const post = (url: string, body: unknown, accept = 'text/event-stream') =>
    current().app.request(url, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json', accept },
      body: JSON.stringify(body),
    });

  async function deployJson(body: unknown = {}) {
    const response = await post('/api/deploys/cigar', body, 'application/json');
    expect(response.status).toBe(200);
    return deployResultSchema.parse(await response.json());
  }

  const lockFile = () => lockFileOf(current());

  return { post, deployJson, lockFile };
}
