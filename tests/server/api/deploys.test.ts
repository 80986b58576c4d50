/**
 * /api/deploys through app.request(): a real git repository and real files on this
 * host; bundler, rake and systemd are played by tests/support/host-target.ts
 * (this host has no Ruby and no systemd as PID 1: see there). The e2e suite runs the
 * same deploys on a Debian server with the real programs.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEPLOY_STEPS,
  deployResultSchema,
  doneEventSchema,
  outputEventSchema,
  releasesResponseSchema,
  stepEventSchema,
} from '../../../src/api/deploys.js';
import { AUTH, testAgent, type TestAgent } from '../../support/agent.js';
import { deployAgent, deployRequests, events } from '../../support/deploy-agent.js';
import type { HostTarget } from '../../support/host-target.js';

let target: HostTarget;
let agent: TestAgent;

beforeEach(async () => {
  ({ target, agent } = await deployAgent());
});
afterEach(async () => {
  await target.stop();
});

const { post, deployJson, lockFile } = deployRequests(() => agent);

describe('POST /api/deploys/:app (Server-Sent Events)', () => {
  it(
    'Given a configured app, When deployed, ' +
      'Then every step streams start then end in order, output belongs to steps, and done names the live release',
    async () => {
      const response = await post('/api/deploys/cigar', { reason: 'first' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
      const all = await events(response);

      expect(all.map((e) => e.event).every((name) => ['step', 'output', 'done'].includes(name))).toBe(true);
      const steps = all.filter((e) => e.event === 'step').map((e) => stepEventSchema.parse(JSON.parse(e.data)));
      const ended = steps.filter((s) => s.status !== 'start');
      expect(ended.map((s) => s.name)).toEqual([
        'lock',
        'check',
        'fetch',
        'link',
        'bundle',
        'assets',
        'backup',
        'migrate',
        'tasks',
        'switch',
        'restart',
        'health',
        'workers',
        'record',
        'prune',
      ]);
      expect(ended.map((s) => s.name)).toEqual(DEPLOY_STEPS.filter((s) => s !== 'rollback'));
      for (const step of ended)
        expect(steps.indexOf(steps.find((s) => s.name === step.name && s.status === 'start')!)).toBeLessThan(steps.indexOf(step));
      expect(ended.find((s) => s.name === 'restart')?.detail).toMatch(/was inactive: started/);
      const outputs = all.filter((e) => e.event === 'output').map((e) => outputEventSchema.parse(JSON.parse(e.data)));
      expect(outputs.find((o) => o.step === 'fetch')?.text).toMatch(/^deploy\$ mkdir -p -- /);
      expect(
        outputs
          .filter((o) => o.step === 'fetch')
          .map((o) => o.text)
          .join(''),
      ).toContain('deploy$ git clone --depth 1 --branch main -- file://');

      expect(all.at(-1)!.event).toBe('done');
      const done = doneEventSchema.parse(JSON.parse(all.at(-1)!.data));
      expect(done).toMatchObject({
        ok: true,
        rolledBack: false,
        release: expect.stringMatching(/^\d{14}$/),
        sha: expect.stringMatching(/^[0-9a-f]{40}$/),
      });
      expect(target.serving()).toBe(done.release);
      expect(path.basename(await readlink(path.join(target.root, 'current')))).toBe(done.release);
      expect(existsSync(lockFile())).toBe(false);
    },
  );

  it(
    'Given a deploy, When it is done, ' +
      'Then the release holds release.json, REVISION and links into shared/, and the audit log tells who and why',
    async () => {
      const result = await deployJson({ reason: 'first', skipTests: true });
      const dir = path.join(target.root, 'releases', result.release!);
      const record = JSON.parse(await readFile(path.join(dir, 'release.json'), 'utf8'));
      expect(record).toMatchObject({
        id: result.release,
        sha: result.sha,
        ref: 'main',
        by: 'api-token',
        reason: 'first',
        skipTests: true,
        status: 'ok',
        migrations: ['20260101000001_create_visits.rb'],
      });
      expect(record.health).toMatchObject({ ok: true, status: 200 });
      expect((await readFile(path.join(dir, 'REVISION'), 'utf8')).trim()).toBe(result.sha);
      expect(await readlink(path.join(dir, 'config/database.yml'))).toBe(path.join(target.root, 'shared/config/database.yml'));
      expect(await readlink(path.join(dir, 'log'))).toBe(path.join(target.root, 'shared/log'));
      const [entry] = await agent.deps.audit.recent(1);
      expect(entry).toMatchObject({ actor: 'api-token', action: 'deploy', target: 'cigar', result: 'ok' });
      expect(entry!.detail).toMatch(/tests skipped \(--skip-tests\); reason: first/);
    },
  );

  it(
    'Given two commits, When both are deployed, ' +
      'Then the releases list both, newest first, with the current one marked and their migrations counted',
    async () => {
      const first = await deployJson();
      await target.commit(
        {
          'config/initializers/release.rb': "SAMPLE_RELEASE = 'two'\nSAMPLE_HEALTHY = true\n",
          'db/migrate/20260102000000_add_note.rb': 'class AddNote; end\n',
        },
        'two',
      );
      const second = await deployJson();
      expect(second.steps.find((s) => s.name === 'restart')?.detail).toMatch(/phased restart \(systemctl reload\)/);
      expect(second.output).toContain('new since');
      const response = await agent.app.request('/api/deploys/cigar/releases', { headers: AUTH });
      const releases = releasesResponseSchema.parse(await response.json());
      expect(releases.map((r) => [r.id, r.current, r.migrations, r.status])).toEqual([
        [second.release, true, 2, 'ok'],
        [first.release, false, 1, 'ok'],
      ]);
    },
  );

  it('Given an app without an asset pipeline, When deployed, Then assets:precompile is skipped and the step says why', async () => {
    await target.commit({ 'config/initializers/assets.rb': null }, 'no pipeline');
    const result = await deployJson();
    expect(result.ok).toBe(true);
    expect(result.steps.find((s) => s.name === 'assets')).toMatchObject({
      status: 'skipped',
      detail: expect.stringMatching(
        /^no asset pipeline \(neither config\/initializers\/assets\.rb nor app\/assets\/config\/manifest\.js\): assets:precompile skipped$/,
      ),
    });
    expect(target.calls.some((argv) => argv.includes('assets:precompile'))).toBe(false);
  });

  it('Given a full commit SHA that is not a branch head, When deployed, Then exactly that commit goes live', async () => {
    const sha = await target.commit({ 'config/initializers/release.rb': "SAMPLE_RELEASE = 'pinned'\nSAMPLE_HEALTHY = true\n" }, 'pinned');
    await target.commit({ 'config/initializers/release.rb': "SAMPLE_RELEASE = 'later'\nSAMPLE_HEALTHY = true\n" }, 'later');
    const result = await deployJson({ ref: sha });
    expect(result).toMatchObject({ ok: true, sha });
    expect(result.output).toContain(`fetch --depth 1 origin ${sha}`);
    const release = path.join(target.root, 'releases', result.release!);
    expect(await readFile(path.join(release, 'config/initializers/release.rb'), 'utf8')).toContain('pinned');
  });

  it(
    'Given the short SHA of a commit below a branch head, When deployed, ' +
      'Then it resolves on the server to that one commit, which goes live',
    async () => {
      const sha = await target.commit({ 'config/initializers/release.rb': "SAMPLE_RELEASE = 'pinned'\nSAMPLE_HEALTHY = true\n" }, 'pinned');
      await target.commit({ 'config/initializers/release.rb': "SAMPLE_RELEASE = 'later'\nSAMPLE_HEALTHY = true\n" }, 'later');
      const result = await deployJson({ ref: sha.slice(0, 7) });
      expect(result).toMatchObject({ ok: true, sha });
      expect(result.output).toContain(`${sha.slice(0, 7)} is ${sha}`);
      expect(await readFile(path.join(target.root, 'releases', result.release!, 'config/initializers/release.rb'), 'utf8')).toContain(
        'pinned',
      );
    },
  );

  it(
    'Given a short SHA that no branch or tag holds, When deployed, ' +
      'Then it stops at fetch saying what to do, and nothing is left behind',
    async () => {
      const first = await deployJson();
      const result = await deployJson({ ref: 'deadbee' });
      expect(result).toMatchObject({ ok: false, failedStep: 'fetch' });
      expect(result.error).toMatch(/^No commit deadbee in the branches and tags of file:\/\/\S+sample\.git\./);
      expect(result.hint).toMatch(/push the branch that holds it, or give the full 40-character SHA/);
      expect(await readdir(path.join(target.root, 'releases'))).toEqual([first.release]);
    },
  );

  it.each([
    ['a ref that does not exist', { ref: 'no-such-branch' }, {}, 'fetch', /Remote branch no-such-branch not found/],
    [
      'a Gemfile needing a gem that is not installed',
      { ref: 'bad-bundle' },
      { Gemfile: "gem 'rails'\ngem 'hms-no-such-gem'\n" },
      'bundle',
      /Could not reach host index\.rubygems\.org/,
    ],
    [
      'a stylesheet requiring a missing file',
      { ref: 'bad-assets' },
      { 'app/assets/stylesheets/application.css': '/*\n *= require does_not_exist\n */\n' },
      'assets',
      /Sprockets::FileNotFound/,
    ],
    [
      'a migration that raises',
      { ref: 'bad-migration' },
      { 'db/migrate/20260103000000_broken.rb': 'raise "this migration fails"\n' },
      'migrate',
      /this migration fails/,
    ],
  ])(
    'Given %s, When deployed, Then it stops at that step, the release is removed, the previous one keeps serving and the lock is released',
    async (_, body, files, step, why) => {
      const first = await deployJson();
      if (Object.keys(files).length > 0) await target.commit(files, 'broken', body.ref);
      const database = await target.database();
      const result = await deployJson(body);
      expect(result).toMatchObject({ ok: false, rolledBack: false, failedStep: step });
      expect(result.error).toMatch(why);
      expect(result.error).toContain(`${first.release} keeps serving`);
      expect(result.hint).toBeTruthy();
      expect(await readdir(path.join(target.root, 'releases'))).toEqual([first.release]);
      expect(target.serving()).toBe(first.release);
      expect(await target.database()).toBe(database);
      expect(existsSync(lockFile())).toBe(false);
      const [entry] = await agent.deps.audit.recent(1);
      expect(entry).toMatchObject({ action: 'deploy', result: 'failed' });
      expect(entry!.detail).toContain(`failed at ${step}`);
    },
  );

  it('Given a required shared file is missing, When deployed, Then it stops before making anything and says where to put it', async () => {
    const agentWithKey = await testAgent({
      config: { apps: { cigar: { ...(target.config.apps as any).cigar, sharedFiles: ['config/master.key'] } } },
      exec: target.exec,
    });
    const response = await agentWithKey.app.request('/api/deploys/cigar', {
      method: 'POST',
      headers: { ...AUTH, accept: 'application/json' },
      body: '{}',
    });
    const result = deployResultSchema.parse(await response.json());
    expect(result).toMatchObject({ ok: false, failedStep: 'check', release: null });
    expect(result.error).toMatch(/Missing in shared\/: config\/master\.key\. Nothing was changed/);
    expect(result.hint).toContain(path.join(target.root, 'shared/config/master.key'));
    expect(await readdir(path.join(target.root, 'releases'))).toEqual([]);
    expect(target.calls.some((argv) => argv.includes('clone'))).toBe(false);
  });
});

describe('refusals', () => {
  it.each([
    ['an unknown app', '/api/deploys/nosuch', {}, 404],
    ['a traversal as the app', '/api/deploys/..%2F..%2Fetc', {}, 404],
    ['an encoded dot-dot', '/api/deploys/%2e%2e', {}, 404],
    ['a ref that is an option', '/api/deploys/cigar', { ref: '--upload-pack=touch /tmp/x' }, 400],
    ['a ref climbing up', '/api/deploys/cigar', { ref: 'main/../../x' }, 400],
    ['a ref with shell characters', '/api/deploys/cigar', { ref: 'main;id' }, 400],
    ['a reason over two lines', '/api/deploys/cigar', { reason: 'a\nb' }, 400],
    ['a huge reason', '/api/deploys/cigar', { reason: 'x'.repeat(10_000) }, 400],
    ['an unknown field', '/api/deploys/cigar', { sudo: true }, 400],
    ['a release id that is a path', '/api/deploys/cigar/rollback', { release: '../../etc' }, 400],
  ])('Given %s, When posted, Then it is refused and nothing runs', async (_, url, body, status) => {
    const response = await post(url, body, 'application/json');
    expect(response.status).toBe(status);
    expect(target.calls).toEqual([]);
  });

  it('Given an app without a repository, When deployed, Then 412 says which config key to add', async () => {
    const bare = await testAgent({ config: { apps: { cigar: { unit: 'cigar.service', root: target.root } } }, exec: target.exec });
    const response = await bare.app.request('/api/deploys/cigar', { method: 'POST', headers: AUTH, body: '{}' });
    expect(response.status).toBe(412);
    expect((await response.json()).hint).toContain('apps.cigar');
  });

  it('Given no token, When anything under /api/deploys is asked, Then 401', async () => {
    expect((await agent.app.request('/api/deploys/cigar/releases')).status).toBe(401);
  });
});
