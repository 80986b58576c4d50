/**
 * POST /api/apps/:name/exec through the agent's app (`app.request()`, no port): what is
 * refused before anything runs. The exec door records instead of running (no release,
 * no runuser here); the real command runs in tests/e2e/restore.e2e.test.ts.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecResult } from '../../../../src/platform/exec.js';
import { AUTH, testAgent } from '../../../support/agent.js';

function recorder() {
  const calls: string[][] = [];
  const exec = async (argv: readonly string[]): Promise<ExecResult> => {
    calls.push([...argv]);
    const stdout = argv[0] === 'systemctl' ? 'Environment=\nEnvironmentFiles=\n' : '42\n';
    return { argv, code: 0, signal: null, stdout, stderr: '', truncated: false, timedOut: false, aborted: false };
  };
  return { calls, exec };
}

const post = (body: unknown, app = 'cigar', accept = 'application/json') => ({
  method: 'POST',
  headers: { ...AUTH, accept, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('POST /api/apps/:name/exec', () => {
  it('Given hostile app names and argv, When posted, Then 404 or 400 naming the problem, and nothing runs', async () => {
    const { dir } = await testAgent();
    const door = recorder();
    const { app } = await testAgent({ config: { apps: { cigar: { unit: 'cigar.service', root: dir } } }, exec: door.exec });
    for (const name of ['..%2Fetc', 'tobacco', '__proto__']) {
      expect((await app.request(`/api/apps/${name}/exec`, post({ argv: ['id'] }))).status, name).toBe(404);
    }
    for (const [body, problem] of [
      [{ argv: [] }, /no command/],
      [{ argv: ['--version'] }, /must not start with "-"/],
      [{ argv: ['sh', 'a\u0000b'] }, /NUL/],
      [{ argv: 'id' }, /argv/],
      [{ argv: ['id'], shell: true }, /shell|Unrecognized/i],
      [{ argv: ['id'], timeoutSeconds: 99999 }, /timeoutSeconds/],
    ] as const) {
      const response = await app.request('/api/apps/cigar/exec', post(body));
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(problem);
    }
    expect(door.calls).toEqual([]);
  });

  it('Given an app with no release yet, When a command is posted (stream or JSON), Then 409 says deploy first', async () => {
    const { dir } = await testAgent();
    const door = recorder();
    const { app } = await testAgent({ config: { apps: { cigar: { unit: 'cigar.service', root: dir } } }, exec: door.exec });
    for (const accept of ['application/json', 'text/event-stream']) {
      const response = await app.request('/api/apps/cigar/exec', post({ argv: ['id'] }, 'cigar', accept));
      expect(response.status).toBe(409);
      expect(((await response.json()) as { hint: string }).hint).toMatch(/hms deploy cigar/);
    }
    expect(door.calls).toEqual([]);
  });

  it('Given a release, When a command is posted, Then it runs as the deploy user, its output and code answered, audited', async () => {
    const { dir } = await testAgent();
    await mkdir(path.join(dir, 'current'), { recursive: true });
    const door = recorder();
    const { app, deps } = await testAgent({ config: { apps: { cigar: { unit: 'cigar.service', root: dir } } }, exec: door.exec });
    const response = await app.request('/api/apps/cigar/exec', post({ argv: ['bin/rails', 'runner', 'puts 42'] }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ code: 0, stdout: '42\n' });
    expect(door.calls.at(-1)).toEqual(['runuser', '-u', 'deploy', '--', 'bin/rails', 'runner', 'puts 42']);
    expect((await deps.audit.recent()).map((entry) => [entry.action, entry.detail])).toEqual([
      ['app.exec', 'argv: ["bin/rails","runner","puts 42"]; exit 0'],
    ]);
  });
});
