/**
 * /api/backups through the agent's app (`app.request()`, no port). The exec door is a
 * recorder here because this machine has no PostgreSQL nor restic repository to run
 * against: it proves that a refused request runs nothing. The real commands run in
 * tests/e2e/backups.e2e.test.ts.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecResult } from '../../../../src/platform/exec.js';
import { AUTH, testAgent } from '../../../support/agent.js';

function recorder(answers: (argv: readonly string[]) => Partial<ExecResult> = () => ({})) {
  const calls: string[][] = [];
  const exec = async (argv: readonly string[]): Promise<ExecResult> => {
    calls.push([...argv]);
    return { argv, code: 0, signal: null, stdout: '', stderr: '', truncated: false, timedOut: false, aborted: false, ...answers(argv) };
  };
  return { calls, exec };
}

const CIGAR = { cigar: { unit: 'cigar.service', root: '/var/www/cigar' } };

describe('/api/backups/:app', () => {
  it('Given names that are not configured apps, When a backup, the list or a drill is asked for, Then 404 and nothing runs', async () => {
    const door = recorder();
    const { app, deps } = await testAgent({ config: { apps: CIGAR }, exec: door.exec });
    for (const name of ['..%2Fetc', 'cigar%3Bid', 'tobacco', '%2Dhelp', 'constructor', '__proto__']) {
      for (const [method, suffix] of [
        ['POST', ''],
        ['GET', ''],
        ['POST', '/drill'],
      ] as const) {
        const response = await app.request(`/api/backups/${name}${suffix}`, { method, headers: AUTH });
        expect(response.status, `${method} ${name}${suffix}`).toBe(404);
        expect(((await response.json()) as { error: string }).error).toMatch(/Unknown app/);
      }
    }
    expect(door.calls).toEqual([]);
    expect(await deps.audit.recent()).toEqual([]);
  });

  it('Given an app without DATABASE_URL, When a backup is asked for, Then 409 says how to declare one and no dump runs', async () => {
    const { dir } = await testAgent();
    await mkdir(dir, { recursive: true });
    const envFile = path.join(dir, 'cigar.env');
    await writeFile(envFile, 'RAILS_ENV=production\nDATABASE_URL=postgres://cigar:x@127.0.0.1:5432/bad%20name\n');
    const door = recorder((argv) =>
      argv[0] === 'systemctl' ? { stdout: `Environment=\nEnvironmentFiles=${envFile} (ignore_errors=no)\n` } : {},
    );
    const { app } = await testAgent({ config: { apps: CIGAR }, exec: door.exec });
    const response = await app.request('/api/backups/cigar', { method: 'POST', headers: AUTH });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { hint: string }).hint).toMatch(/"adapter": "postgresql"/);
    expect(door.calls.map((argv) => argv[0])).toEqual(['systemctl']);
  });

  it('Given names that are not configured apps, When a restore or the kept databases are asked for, Then 404, nothing run', async () => {
    const door = recorder();
    const { app } = await testAgent({ config: { apps: CIGAR }, exec: door.exec });
    for (const name of ['..%2Fetc', 'cigar%3Bid', 'tobacco', '%2Dhelp', '__proto__']) {
      for (const [method, suffix, body] of [
        ['POST', '/restore', '{"snapshot": "1a2b3c4d"}'],
        ['GET', '/kept', undefined],
        ['DELETE', '/kept/cigar_before_restore_20260125180211', undefined],
      ] as const) {
        const response = await app.request(`/api/backups/${name}${suffix}`, { method, headers: AUTH, ...(body ? { body } : {}) });
        expect(response.status, `${method} ${name}${suffix}`).toBe(404);
      }
    }
    expect(door.calls).toEqual([]);
  });

  it('Given backup ids that are not restic ids, When a restore is asked for, Then 400 names the field and nothing runs', async () => {
    const door = recorder();
    const { app } = await testAgent({ config: { apps: CIGAR }, exec: door.exec });
    for (const snapshot of ['../../etc/passwd', '1a2b', 'ZZZZZZZZ', '1a2b3c4d;id', '-rf', '']) {
      const response = await app.request('/api/backups/cigar/restore', {
        method: 'POST',
        headers: AUTH,
        body: JSON.stringify({ snapshot }),
      });
      expect(response.status, snapshot).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/body\.snapshot/);
    }
    expect(door.calls).toEqual([]);
  });

  it('Given a database name that no restore of cigar kept, When it is to be dropped, Then 400 and no psql runs', async () => {
    const { dir } = await testAgent();
    await mkdir(dir, { recursive: true });
    const envFile = path.join(dir, 'cigar.env');
    await writeFile(envFile, 'DATABASE_URL=postgres://cigar:x@127.0.0.1:5432/cigar\n');
    const door = recorder((argv) =>
      argv[0] === 'systemctl' ? { stdout: `Environment=\nEnvironmentFiles=${envFile} (ignore_errors=no)\n` } : {},
    );
    const { app, deps } = await testAgent({ config: { apps: CIGAR }, exec: door.exec });
    for (const name of ['cigar', 'postgres', 'tobacco_before_restore_20260125180211', 'cigar_restoring_20260125180211']) {
      const response = await app.request(`/api/backups/cigar/kept/${name}`, { method: 'DELETE', headers: AUTH });
      expect(response.status, name).toBe(400);
    }
    expect(door.calls.filter((argv) => argv.includes('psql'))).toEqual([]);
    expect((await deps.audit.recent()).map((entry) => entry.result)).toEqual(['refused', 'refused', 'refused', 'refused']);
  });
});

describe('POST /api/backups/:app/restore as an event stream', () => {
  it('Given an app without a database, When a restore is streamed, Then one error event carries the 409, nothing run', async () => {
    const { dir } = await testAgent();
    await mkdir(dir, { recursive: true });
    const envFile = path.join(dir, 'cigar.env');
    await writeFile(envFile, 'RAILS_ENV=production\n');
    const door = recorder((argv) =>
      argv[0] === 'systemctl' ? { stdout: `Environment=\nEnvironmentFiles=${envFile} (ignore_errors=no)\n` } : {},
    );
    const { app, deps } = await testAgent({ config: { apps: CIGAR }, exec: door.exec });
    const response = await app.request('/api/backups/cigar/restore', {
      method: 'POST',
      headers: { ...AUTH, accept: 'text/event-stream', 'content-type': 'application/json' },
      body: JSON.stringify({ snapshot: '1a2b3c4d' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await response.text();
    expect(text).toMatch(/^event: error\ndata: \{"status":409,"error":"cigar has no database to back up/m);
    expect(text).not.toMatch(/event: (step|done)/);
    expect(door.calls.map((argv) => argv[0])).toEqual(['systemctl']);
    expect((await deps.audit.recent()).map((entry) => entry.result)).toEqual(['refused']);
  });
});
