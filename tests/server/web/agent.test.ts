/**
 * The /agent pages with a real release tree in a temp folder. Activation hands the
 * switch to `systemd-run`, which cannot run here (no systemd as PID 1): a recording
 * exec answers it (exit 0, or a failure a test asks for) and records the argv; any
 * other argv runs for real through the exec door. The switch itself is exercised on
 * a real systemd in tests/e2e/agent-update-web.e2e.test.ts.
 */
import { lstat, mkdir, mkdtemp, readdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { exec as realExec, type ExecResult } from '../../../src/platform/exec.js';
import { releaseIdOf } from '../../../src/api/agent.js';
import { createApp } from '../../../server/app.js';
import type { AgentDeps } from '../../../server/env.js';
import { MAX_BUNDLE_BYTES, readUpdate, writeUpdate } from '../../../server/services/agent/releases.js';
import { AUTH, testAgent, type TestAgent } from '../../support/agent.js';
import { BrowserSession, inputValue } from '../../support/browser-session.js';

const TOOLS: Record<string, string> = {
  'check_status.sh': '#!/bin/sh\n# Checks the units.\necho ok\n',
  'parse_logs.sh': '#!/bin/sh\n# Parses logs.\necho parsed\n',
};
const BUNDLE = "console.log('hms-agent');\n";
const VERSION = '0.0.0-test';

function recordingExec(fail?: { code: number; stderr: string }) {
  const calls: string[][] = [];
  const exec: AgentDeps['exec'] = async (argv, options) => {
    calls.push([...argv]);
    if (argv[0] !== 'systemd-run') return realExec(argv, options);
    const result: ExecResult = { argv, code: fail?.code ?? 0, signal: null, stdout: '', stderr: fail?.stderr ?? '', truncated: false, timedOut: false, aborted: false };
    return result;
  };
  return { exec, starts: () => calls.filter((argv) => argv[0] === 'systemd-run') };
}

let installDir: string;
let outside: string;
let agent: TestAgent;
let browser: BrowserSession;
let recorder: ReturnType<typeof recordingExec>;
/** The current (and running) release: the bundle and the tools above, named as the laptop names it. */
let current: string;
const OLDER = '0.0.0-test-0123456789ab';

const toolFiles = () => Object.entries(TOOLS).map(([name, content]) => ({ name: `remote-cli-tools/${name}`, content: Buffer.from(content) }));

async function writeRelease(id: string, bundle: string, at: Date): Promise<void> {
  const dir = path.join(installDir, 'releases', id);
  await mkdir(path.join(dir, 'remote-cli-tools'), { recursive: true });
  await writeFile(path.join(dir, 'hms-agent.mjs'), bundle);
  for (const [name, content] of Object.entries(TOOLS)) await writeFile(path.join(dir, 'remote-cli-tools', name), content, { mode: 0o755 });
  await utimes(dir, at, at);
}

async function start(fail?: { code: number; stderr: string }): Promise<void> {
  recorder = recordingExec(fail);
  agent = await testAgent({ config: { installDir }, exec: recorder.exec });
  agent.deps.release = current;
  browser = new BrowserSession(agent);
  await browser.login();
}

beforeEach(async () => {
  installDir = await mkdtemp(path.join(tmpdir(), 'hms-agent-install-'));
  outside = await mkdtemp(path.join(tmpdir(), 'hms-outside-'));
  current = releaseIdOf(VERSION, [{ name: 'hms-agent.mjs', content: Buffer.from(BUNDLE) }, ...toolFiles()]);
  await writeRelease(OLDER, '// older\n', new Date('2026-01-01T00:00:00Z'));
  await writeRelease('20251231000000', '// hand-installed\n', new Date('2025-12-31T00:00:00Z'));
  await writeRelease(current, BUNDLE, new Date('2026-02-01T00:00:00Z'));
  // Not copied into a browser upload: a symlink out, and names the contract does not allow.
  const tools = path.join(installDir, 'releases', current, 'remote-cli-tools');
  await writeFile(path.join(outside, 'secret.sh'), '#!/bin/sh\necho secret\n');
  await symlink(path.join(outside, 'secret.sh'), path.join(tools, 'evil.sh'));
  await writeFile(path.join(tools, 'README.txt'), 'notes');
  await writeFile(path.join(tools, 'Bad-Name.sh'), '#!/bin/sh\n');
  await symlink(`releases/${current}`, path.join(installDir, 'current'));
  await start();
});

const releaseNames = async () => (await readdir(path.join(installDir, 'releases'))).sort();
const audit = async (action: string) => (await agent.deps.audit.recent()).filter((entry) => entry.action === action);

/** A multipart form as a browser sends it, with the session's CSRF token unless `csrf: false`. */
async function upload(fields: { bundle?: Blob | undefined; name?: string; version?: string; then?: string }, options: { csrf?: boolean } = {}): Promise<Response> {
  const form = new FormData();
  if (options.csrf !== false) form.set('_csrf', await browser.csrf());
  if (fields.bundle) form.set('bundle', fields.bundle, fields.name ?? 'hms-agent.mjs');
  form.set('version', fields.version ?? VERSION);
  form.set('then', fields.then ?? 'stage');
  return browser.request('/agent/releases', { method: 'POST', body: form });
}

describe('GET /agent', () => {
  it('Given kept releases, When the page opens, Then it shows the running one, `current`, each release with a switch link except the current, and the upload form', async () => {
    const { status, text } = await browser.page('/agent');
    expect(status).toBe(200);
    expect(text).toContain(`Running release <strong>${current}</strong>, version <strong>${VERSION}</strong>. <code>current</code> points at <strong>${current}</strong>.`);
    const rows = [...text.matchAll(/<tr data-release="([^"]+)">([\s\S]*?)<\/tr>/g)].map(([, id, row]) => ({ id, row: row! }));
    expect(rows.map((row) => row.id)).toEqual([current, OLDER, '20251231000000']);
    expect(rows[0]!.row).toContain('<td class="ok">current, running</td>');
    expect(rows[0]!.row).not.toContain('Switch');
    expect(rows[1]!.row).toContain(`<a href="/agent/releases/${OLDER}/activate">Switch to this release</a>`);
    expect(rows[1]!.row).toContain('2026-01-01T00:00:00.000Z');
    expect(rows[2]!.row).toContain('cannot be switched to');
    expect(text).toContain('<p class="muted" id="update">None yet.</p>');
    expect(text).toContain('<form method="post" action="/agent/releases" enctype="multipart/form-data">');
    expect(inputValue(text, '_csrf')).toBe(await browser.csrf());
    expect(inputValue(text, 'version')).toBe(VERSION);
    expect(text).toContain(`copied from the current release (${current}), so the scripts keep working`);
    expect(text).not.toContain('http-equiv="refresh"');
  });

  it('Given an update in progress, When the page opens, Then it says the agent is restarting and refreshes itself every 2 s (without JavaScript too)', async () => {
    await writeUpdate(agent.deps.config.stateDir, { release: OLDER, from: current, status: 'activating', startedAt: new Date().toISOString() });
    const response = await browser.request('/agent');
    const text = await response.text();
    expect(text).toContain('<noscript><meta http-equiv="refresh" content="2; url=/agent"></noscript>');
    expect(text).toMatch(new RegExp(`<p class="warn" id="restarting">The agent is restarting into ${OLDER}: this page refreshes itself every 2 s`));
    expect(text).toContain('<td class="warn" id="update-status"><strong>activating</strong></td>');
    const nonce = /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')![1];
    expect(text).toContain(`<script nonce="${nonce}">`);
    expect(text).toContain("fetch('/api/agent/releases'");
  });

  it.each([
    ['active', 'ok', undefined, `The agent now runs ${OLDER} (was `],
    ['rolled-back', 'bad', 'The new release did not answer /api/health within 20 s.\n<script>alert(1)</script>', `${OLDER} failed its health check and was rolled back to `],
    ['failed', 'bad', 'Failed to start transient service unit', `The update to ${OLDER} failed; the detail below`],
  ] as const)('Given a finished update (%s), When the page opens, Then it shows the outcome, its times and detail as text, and does not refresh', async (status, tone, detail, sentence) => {
    const update = { release: OLDER, from: current, status, startedAt: '2026-02-02T10:00:00.000Z', endedAt: '2026-02-02T10:00:21.000Z', ...(detail ? { detail } : {}) };
    await writeUpdate(agent.deps.config.stateDir, update);
    const { text } = await browser.page('/agent');
    expect(text).toContain(`<td class="${tone}" id="update-status"><strong>${status}</strong></td>`);
    expect(text).toContain(`<p class="${tone}" id="outcome">${sentence}`);
    expect(text).toContain(`<tr><th>Release</th><td>${OLDER}</td></tr>`);
    expect(text).toContain(`<tr><th>From</th><td>${current}</td></tr>`);
    expect(text).toContain('<tr><th>Ended</th><td>2026-02-02T10:00:21.000Z</td></tr>');
    if (detail) expect(text).toContain(`<pre id="update-detail">${detail.replace(/</g, '&lt;').replace(/>/g, '&gt;')}</pre>`);
    expect(text).not.toContain('http-equiv="refresh"');
    expect(text).not.toMatch(/<script/);
  });

  it('Given an update stuck in "activating" for minutes, When the page opens, Then it stops refreshing and says where to look', async () => {
    await writeUpdate(agent.deps.config.stateDir, { release: OLDER, from: current, status: 'activating', startedAt: new Date(Date.now() - 5 * 60_000).toISOString() });
    const { text } = await browser.page('/agent');
    expect(text).toContain('No outcome after 2 minutes.');
    expect(text).not.toContain('http-equiv="refresh"');
  });

  it('Given no session, When /agent or an action is asked for, Then the browser is sent to log in and nothing happens', async () => {
    const anonymous = await agent.app.request('/agent', { headers: { accept: 'text/html' } });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/login?next=%2Fagent');
    const post = await agent.app.request(`/agent/releases/${OLDER}/activate`, { method: 'POST', headers: { accept: 'text/html' } });
    expect(post.status).toBe(303);
    expect(recorder.starts()).toEqual([]);
  });
});

describe('switching to a kept release', () => {
  it('Given a kept release, When switched to after the confirmation, Then the switch starts in a transient unit, the page follows it, and it is audited', async () => {
    const confirm = await browser.page(`/agent/releases/${OLDER}/activate`);
    expect(confirm.text).toContain(`<h1>Switch the agent to ${OLDER}?</h1>`);
    expect(confirm.text).toContain(`<form method="post" action="/agent/releases/${OLDER}/activate">`);
    expect(inputValue(confirm.text, '_csrf')).toBe(await browser.csrf());

    const response = await browser.submit(`/agent/releases/${OLDER}/activate`, {});
    expect(response.status).toBe(303);
    expect(decodeURIComponent(response.headers.get('location')!)).toBe(`/agent?done=Switching from ${current} to ${OLDER}.`);
    const [argv] = recorder.starts();
    expect(argv!.slice(argv!.indexOf('--') + 2)).toEqual([path.join(installDir, 'releases', current, 'hms-agent.mjs'), '--activate', OLDER, '--config', '/etc/hosting-api/agent.json']);
    expect(await readUpdate(agent.deps.config.stateDir)).toMatchObject({ release: OLDER, from: current, status: 'activating' });
    expect(await audit('agent.activate')).toEqual([expect.objectContaining({ actor: 'admin', target: OLDER, result: 'ok', detail: `from ${current}` })]);

    const { text } = await browser.page(response.headers.get('location')!);
    expect(text).toContain(`<p class="notice" id="done">Switching from ${current} to ${OLDER}.</p>`);
    expect(text).toContain('id="restarting"');
    expect((await browser.submit(`/agent/releases/${current}/activate`, {})).status).toBe(303);
    expect(recorder.starts()).toHaveLength(1);
  });

  it.each([
    ['a traversal', '../x'],
    ['an encoded traversal', '%2e%2e'],
    ['an encoded slash', '..%2fx'],
    ['a well-formed id that is not kept', '9.9.9-0123456789ab'],
    ['a kept folder not named like a release', '20251231000000'],
    ['markup', '%3Cscript%3E'],
  ])('Given %s as the release, When the confirmation or the switch is asked for, Then 404 and nothing starts', async (_, id) => {
    const confirm = await browser.page(`/agent/releases/${id}/activate`);
    expect(confirm.status).toBe(404);
    const response = await browser.submit(`/agent/releases/${id}/activate`, {});
    expect(response.status).toBe(404);
    const text = await response.text();
    expect(text).not.toContain('<script>');
    expect(recorder.starts()).toEqual([]);
    expect(await readUpdate(agent.deps.config.stateDir)).toBeNull();
  });

  it('Given an unknown release, When posted, Then the agent page names the kept ones', async () => {
    const text = await (await browser.submit('/agent/releases/9.9.9-0123456789ab/activate', {})).text();
    expect(text).toContain('Unknown release &quot;9.9.9-0123456789ab&quot;.');
    expect(text).toContain(`Known releases: ${current}, ${OLDER}, 20251231000000.`);
    expect(text).toContain('id="releases"');
  });

  it('Given the form without the CSRF token, When posted, Then 403 and nothing starts', async () => {
    expect((await browser.submit(`/agent/releases/${OLDER}/activate`, {}, { csrf: false })).status).toBe(403);
    expect(recorder.starts()).toEqual([]);
  });

  it('Given systemd-run fails, When switching, Then the page shows why (502), the update is recorded as failed and audited', async () => {
    await start({ code: 1, stderr: 'Failed to start transient service unit: Access denied' });
    const response = await browser.submit(`/agent/releases/${OLDER}/activate`, {});
    expect(response.status).toBe(502);
    expect(await response.text()).toContain('Could not start the update: Failed to start transient service unit: Access denied');
    expect(await readUpdate(agent.deps.config.stateDir)).toMatchObject({ status: 'failed' });
    expect(await audit('agent.activate')).toEqual([expect.objectContaining({ result: 'failed', target: OLDER })]);
  });

  it('Given a session, When the agent restarts (a new app from the same secrets), Then the session and its CSRF token still work', async () => {
    const running: TestAgent = { ...agent };
    const session = new BrowserSession(running);
    await session.login();
    const csrf = await session.csrf();
    running.app = createApp(agent.deps);
    expect((await session.page('/agent')).status).toBe(200);
    expect(await session.csrf()).toBe(csrf);
    expect((await session.submit(`/agent/releases/${OLDER}/activate`, {})).status).toBe(303);
  });
});

describe('uploading a release from the browser', () => {
  it("Given dist/hms-agent.mjs, When uploaded only, Then a release of the bundle with the current release's tools is staged (same id as the laptop's) and audited; nothing starts", async () => {
    const bundle = `${BUNDLE}// new build\n`;
    const response = await upload({ bundle: new Blob([bundle]), version: '0.0.1' });
    expect(response.status).toBe(303);
    const id = releaseIdOf('0.0.1', [{ name: 'hms-agent.mjs', content: Buffer.from(bundle) }, ...toolFiles()]);
    expect(decodeURIComponent(response.headers.get('location')!)).toContain(`Uploaded release ${id} (the bundle, with 2 remote-cli-tools copied from ${current})`);
    const dir = path.join(installDir, 'releases', id);
    expect(await readFile(path.join(dir, 'hms-agent.mjs'), 'utf8')).toBe(bundle);
    expect((await readdir(path.join(dir, 'remote-cli-tools'))).sort()).toEqual(Object.keys(TOOLS).sort());
    for (const [name, content] of Object.entries(TOOLS)) {
      expect(await readFile(path.join(dir, 'remote-cli-tools', name), 'utf8')).toBe(content);
      expect((await lstat(path.join(dir, 'remote-cli-tools', name))).mode & 0o777).toBe(0o755);
    }
    expect(recorder.starts()).toEqual([]);
    expect(await audit('agent.upload')).toEqual([expect.objectContaining({ actor: 'admin', target: id, result: 'ok' })]);
    expect((await browser.page('/agent')).text).toContain(`<a href="/agent/releases/${id}/activate">Switch to this release</a>`);

    const again = await upload({ bundle: new Blob([bundle]), version: '0.0.1' });
    expect(decodeURIComponent(again.headers.get('location')!)).toContain(`Already kept: release ${id}`);
    expect(await audit('agent.upload')).toHaveLength(1);
  });

  it('Given "Upload and switch", When uploaded, Then the new release is staged and the switch to it starts', async () => {
    const response = await upload({ bundle: new Blob([`${BUNDLE}// second\n`]), then: 'switch' });
    expect(response.status).toBe(303);
    const id = /release (\S+) \(the bundle/.exec(decodeURIComponent(response.headers.get('location')!))![1]!;
    expect(decodeURIComponent(response.headers.get('location')!)).toContain(`Switching from ${current} to ${id}.`);
    expect(recorder.starts()[0]).toContain(id);
    expect(await readUpdate(agent.deps.config.stateDir)).toMatchObject({ release: id, status: 'activating' });
  });

  it('Given the bundle the agent already runs, When uploaded and switched, Then nothing changes', async () => {
    const response = await upload({ bundle: new Blob([BUNDLE]), then: 'switch' });
    expect(decodeURIComponent(response.headers.get('location')!)).toContain(`The agent already runs ${current}; nothing changed.`);
    expect(recorder.starts()).toEqual([]);
  });

  it('Given the API and the page, When both upload the same files, Then they stage the same release through one service', async () => {
    const bundle = Buffer.from(`${BUNDLE}// via the API\n`);
    const files = [{ name: 'hms-agent.mjs', mode: 0o644, contentBase64: bundle.toString('base64') }, ...toolFiles().map((file) => ({ name: file.name, mode: 0o755, contentBase64: file.content.toString('base64') }))];
    const api = await agent.app.request('/api/agent/releases', { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ version: VERSION, files }) });
    expect(api.status).toBe(200);
    const { release } = (await api.json()) as { release: string };
    const page = await upload({ bundle: new Blob([bundle]) });
    expect(decodeURIComponent(page.headers.get('location')!)).toContain(`Already kept: release ${release}`);
  });

  it('Given a file whose contentBase64 is not base64, When uploaded through the API, Then a 400 names the field and nothing is kept', async () => {
    for (const contentBase64 of ['not base64!', 'abc', 'YQ==YQ==', '%%%%']) {
      const files = [{ name: 'hms-agent.mjs', mode: 0o644, contentBase64 }];
      const api = await agent.app.request('/api/agent/releases', { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ version: VERSION, files }) });
      expect(api.status, contentBase64).toBe(400);
      expect(((await api.json()) as { error: string }).error).toMatch(/contentBase64: must be base64/);
    }
  });

  const big = () => new Blob([Buffer.alloc(MAX_BUNDLE_BYTES + 1, 0x20)]);
  it.each([
    ['no file chosen', {}, 400, 'No file was chosen.'],
    ['an empty file', { bundle: new Blob([]) }, 400, 'The file is empty.'],
    ['a binary file (NUL bytes)', { bundle: new Blob([Buffer.from('\x7fELF\x02\x01\x01\x00\x00')]), name: 'hms-agent' }, 400, 'not JavaScript text (it contains NUL bytes)'],
    ['a file that is not UTF-8', { bundle: new Blob([Buffer.from([0x63, 0xff, 0xfe, 0x0a])]) }, 400, 'not JavaScript text (it is not UTF-8)'],
    ['a bundle over the limit', { bundle: big() }, 413, `the bundle may be at most ${MAX_BUNDLE_BYTES} bytes`],
    ['a traversal as version', { bundle: new Blob([BUNDLE]), version: '../../x' }, 400, '&quot;../../x&quot; is not a version.'],
    ['a short version', { bundle: new Blob([BUNDLE]), version: '1.2' }, 400, '&quot;1.2&quot; is not a version.'],
    ['markup as version', { bundle: new Blob([BUNDLE]), version: '1.0.0-<b>' }, 400, '&quot;1.0.0-&lt;b&gt;&quot; is not a version.'],
  ] as const)('Given %s, When uploaded, Then the page refuses it (%s) beside the form, keeps the version, and stages nothing', async (_, fields, status, message) => {
    const before = await releaseNames();
    const response = await upload({ then: 'switch', ...fields });
    expect(response.status).toBe(status);
    const text = await response.text();
    expect(text).toContain('<div class="error" role="alert">');
    expect(text).toContain(message);
    expect(inputValue(text, 'version')).toBe(('version' in fields ? fields.version : undefined) ?? VERSION);
    expect(await releaseNames()).toEqual(before);
    expect(before.filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(await audit('agent.upload')).toEqual([]);
    expect(recorder.starts()).toEqual([]);
  });

  it('Given the field left empty as a browser sends it (a nameless empty part), When uploaded, Then "No file was chosen"', async () => {
    const boundary = 'hmsboundary';
    const part = (headers: string, value: string) => `--${boundary}\r\n${headers}\r\n\r\n${value}\r\n`;
    const body = `${part('Content-Disposition: form-data; name="_csrf"', await browser.csrf())}${part('Content-Disposition: form-data; name="bundle"; filename=""\r\nContent-Type: application/octet-stream', '')}${part('Content-Disposition: form-data; name="version"', VERSION)}--${boundary}--\r\n`;
    const response = await browser.request('/agent/releases', { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('No file was chosen.');
  });

  it('Given a request body over the upload limit, When posted, Then a 413 page and nothing staged', async () => {
    const before = await releaseNames();
    const response = await upload({ bundle: new Blob([Buffer.alloc(33 * 1024 * 1024, 0x20)]) });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('Request body larger than 33554432 bytes.');
    expect(await releaseNames()).toEqual(before);
  });

  it('Given the form without the CSRF token, When uploaded, Then 403 and nothing staged', async () => {
    const before = await releaseNames();
    expect((await upload({ bundle: new Blob([`${BUNDLE}// x\n`]) }, { csrf: false })).status).toBe(403);
    expect(await releaseNames()).toEqual(before);
  });
});
