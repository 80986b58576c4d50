/**
 * Uploading a release from the /agent page (and the same files through the API),
 * with a real release tree in a temp folder; see tests/support/agent-install.ts.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { releaseIdOf } from '../../../src/api/agent.js';
import { MAX_BUNDLE_BYTES, readUpdate } from '../../../server/services/agent/releases.js';
import { AUTH, type TestAgent } from '../../support/agent.js';
import { agentInstall, agentPages, BUNDLE, TOOLS, toolFiles, VERSION, type StartRecorder } from '../../support/agent-install.js';
import { BrowserSession, inputValue } from '../../support/browser-session.js';

let installDir: string;
let agent: TestAgent;
let browser: BrowserSession;
let recorder: StartRecorder;
let current: string;

async function start(fail?: { code: number; stderr: string }): Promise<void> {
  ({ agent, browser, recorder } = await agentPages({ installDir, current }, fail));
}

beforeEach(async () => {
  ({ installDir, current } = await agentInstall());
  await start();
});

const audit = async (action: string) => (await agent.deps.audit.recent()).filter((entry) => entry.action === action);

const releaseNames = async () => (await readdir(path.join(installDir, 'releases'))).sort();

/** A multipart form as a browser sends it, with the session's CSRF token unless `csrf: false`. */
async function upload(
  fields: { bundle?: Blob | undefined; name?: string; version?: string; then?: string },
  options: { csrf?: boolean } = {},
): Promise<Response> {
  const form = new FormData();
  if (options.csrf !== false) form.set('_csrf', await browser.csrf());
  if (fields.bundle) form.set('bundle', fields.bundle, fields.name ?? 'hms-agent.mjs');
  form.set('version', fields.version ?? VERSION);
  form.set('then', fields.then ?? 'stage');
  return browser.request('/agent/releases', { method: 'POST', body: form });
}

describe('uploading a release from the browser', () => {
  it(
    'Given dist/hms-agent.mjs, When uploaded only, ' +
      "Then a release of the bundle with the current release's tools is staged (same id as the laptop's) and audited; nothing starts",
    async () => {
      const bundle = `${BUNDLE}// new build\n`;
      const response = await upload({ bundle: new Blob([bundle]), version: '0.0.1' });
      expect(response.status).toBe(303);
      const id = releaseIdOf('0.0.1', [{ name: 'hms-agent.mjs', content: Buffer.from(bundle) }, ...toolFiles()]);
      expect(decodeURIComponent(response.headers.get('location')!)).toContain(
        `Uploaded release ${id} (the bundle, with 2 remote-cli-tools copied from ${current})`,
      );
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
    },
  );

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
    const files = [
      { name: 'hms-agent.mjs', mode: 0o644, contentBase64: bundle.toString('base64') },
      ...toolFiles().map((file) => ({ name: file.name, mode: 0o755, contentBase64: file.content.toString('base64') })),
    ];
    const api = await agent.app.request('/api/agent/releases', {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ version: VERSION, files }),
    });
    expect(api.status).toBe(200);
    const { release } = (await api.json()) as { release: string };
    const page = await upload({ bundle: new Blob([bundle]) });
    expect(decodeURIComponent(page.headers.get('location')!)).toContain(`Already kept: release ${release}`);
  });

  it(
    'Given a file whose contentBase64 is not base64, ' + 'When uploaded through the API, Then a 400 names the field and nothing is kept',
    async () => {
      for (const contentBase64 of ['not base64!', 'abc', 'YQ==YQ==', '%%%%']) {
        const files = [{ name: 'hms-agent.mjs', mode: 0o644, contentBase64 }];
        const api = await agent.app.request('/api/agent/releases', {
          method: 'POST',
          headers: { ...AUTH, 'content-type': 'application/json' },
          body: JSON.stringify({ version: VERSION, files }),
        });
        expect(api.status, contentBase64).toBe(400);
        expect(((await api.json()) as { error: string }).error).toMatch(/contentBase64: must be base64/);
      }
    },
  );

  const big = () => new Blob([Buffer.alloc(MAX_BUNDLE_BYTES + 1, 0x20)]);
  it.each([
    ['no file chosen', {}, 400, 'No file was chosen.'],
    ['an empty file', { bundle: new Blob([]) }, 400, 'The file is empty.'],
    [
      'a binary file (NUL bytes)',
      { bundle: new Blob([Buffer.from('\x7fELF\x02\x01\x01\x00\x00')]), name: 'hms-agent' },
      400,
      'not JavaScript text (it contains NUL bytes)',
    ],
    [
      'a file that is not UTF-8',
      { bundle: new Blob([Buffer.from([0x63, 0xff, 0xfe, 0x0a])]) },
      400,
      'not JavaScript text (it is not UTF-8)',
    ],
    ['a bundle over the limit', { bundle: big() }, 413, `the bundle may be at most ${MAX_BUNDLE_BYTES} bytes`],
    ['a traversal as version', { bundle: new Blob([BUNDLE]), version: '../../x' }, 400, '&quot;../../x&quot; is not a version.'],
    ['a short version', { bundle: new Blob([BUNDLE]), version: '1.2' }, 400, '&quot;1.2&quot; is not a version.'],
    ['markup as version', { bundle: new Blob([BUNDLE]), version: '1.0.0-<b>' }, 400, '&quot;1.0.0-&lt;b&gt;&quot; is not a version.'],
  ] as const)(
    'Given %s, When uploaded, Then the page refuses it (%s) beside the form, keeps the version, and stages nothing',
    async (_, fields, status, message) => {
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
    },
  );

  it('Given the field left empty as a browser sends it (a nameless empty part), When uploaded, Then "No file was chosen"', async () => {
    const boundary = 'hmsboundary';
    const part = (headers: string, value: string) => `--${boundary}\r\n${headers}\r\n\r\n${value}\r\n`;
    const body =
      `${part('Content-Disposition: form-data; name="_csrf"', await browser.csrf())}` +
      `${part('Content-Disposition: form-data; name="bundle"; filename=""\r\nContent-Type: application/octet-stream', '')}` +
      `${part('Content-Disposition: form-data; name="version"', VERSION)}--${boundary}--\r\n`;
    const response = await browser.request('/agent/releases', {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
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
