/**
 * The /agent page and the switch to a kept release, with a real release tree in a
 * temp folder; tests/support/agent-install.ts says what is recorded instead of run.
 */
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.js';
import { readUpdate, writeUpdate } from '../../../server/services/agent/releases.js';
import type { TestAgent } from '../../support/agent.js';
import { agentInstall, agentPages, OLDER, VERSION, type StartRecorder } from '../../support/agent-install.js';
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

describe('GET /agent', () => {
  it(
    'Given kept releases, When the page opens, ' +
      'Then it shows the running one, `current`, each release with a switch link except the current, and the upload form',
    async () => {
      const { status, text } = await browser.page('/agent');
      expect(status).toBe(200);
      expect(text).toContain(
        `Running release <strong>${current}</strong>, ` +
          `version <strong>${VERSION}</strong>. <code>current</code> points at <strong>${current}</strong>.`,
      );
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
    },
  );

  it(
    'Given an update in progress, When the page opens, ' +
      'Then it says the agent is restarting and refreshes itself every 2 s (without JavaScript too)',
    async () => {
      await writeUpdate(agent.deps.config.stateDir, {
        release: OLDER,
        from: current,
        status: 'activating',
        startedAt: new Date().toISOString(),
      });
      const response = await browser.request('/agent');
      const text = await response.text();
      expect(text).toContain('<noscript><meta http-equiv="refresh" content="2; url=/agent"></noscript>');
      expect(text).toMatch(
        new RegExp(`<p class="warn" id="restarting">The agent is restarting into ${OLDER}: this page refreshes itself every 2 s`),
      );
      expect(text).toContain('<td class="warn" id="update-status"><strong>activating</strong></td>');
      const nonce = /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')![1];
      expect(text).toContain(`<script nonce="${nonce}">`);
      expect(text).toContain("fetch('/api/agent/releases'");
    },
  );

  it.each([
    ['active', 'ok', undefined, `The agent now runs ${OLDER} (was `],
    [
      'rolled-back',
      'bad',
      'The new release did not answer /api/health within 20 s.\n<script>alert(1)</script>',
      `${OLDER} failed its health check and was rolled back to `,
    ],
    ['failed', 'bad', 'Failed to start transient service unit', `The update to ${OLDER} failed; the detail below`],
  ] as const)(
    'Given a finished update (%s), When the page opens, Then it shows the outcome, its times and detail as text, and does not refresh',
    async (status, tone, detail, sentence) => {
      const update = {
        release: OLDER,
        from: current,
        status,
        startedAt: '2026-02-02T10:00:00.000Z',
        endedAt: '2026-02-02T10:00:21.000Z',
        ...(detail ? { detail } : {}),
      };
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
    },
  );

  it(
    'Given an update stuck in "activating" for minutes, ' + 'When the page opens, Then it stops refreshing and says where to look',
    async () => {
      await writeUpdate(agent.deps.config.stateDir, {
        release: OLDER,
        from: current,
        status: 'activating',
        startedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
      });
      const { text } = await browser.page('/agent');
      expect(text).toContain('No outcome after 2 minutes.');
      expect(text).not.toContain('http-equiv="refresh"');
    },
  );

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
  it(
    'Given a kept release, When switched to after the confirmation, ' +
      'Then the switch starts in a transient unit, the page follows it, and it is audited',
    async () => {
      const confirm = await browser.page(`/agent/releases/${OLDER}/activate`);
      expect(confirm.text).toContain(`<h1>Switch the agent to ${OLDER}?</h1>`);
      expect(confirm.text).toContain(`<form method="post" action="/agent/releases/${OLDER}/activate">`);
      expect(inputValue(confirm.text, '_csrf')).toBe(await browser.csrf());

      const response = await browser.submit(`/agent/releases/${OLDER}/activate`, {});
      expect(response.status).toBe(303);
      expect(decodeURIComponent(response.headers.get('location')!)).toBe(`/agent?done=Switching from ${current} to ${OLDER}.`);
      const [argv] = recorder.starts();
      expect(argv!.slice(argv!.indexOf('--') + 2)).toEqual([
        path.join(installDir, 'releases', current, 'hms-agent.mjs'),
        '--activate',
        OLDER,
        '--config',
        '/etc/hosting-api/agent.json',
      ]);
      expect(await readUpdate(agent.deps.config.stateDir)).toMatchObject({ release: OLDER, from: current, status: 'activating' });
      expect(await audit('agent.activate')).toEqual([
        expect.objectContaining({ actor: 'admin', target: OLDER, result: 'ok', detail: `from ${current}` }),
      ]);

      const { text } = await browser.page(response.headers.get('location')!);
      expect(text).toContain(`<p class="notice" id="done">Switching from ${current} to ${OLDER}.</p>`);
      expect(text).toContain('id="restarting"');
      expect((await browser.submit(`/agent/releases/${current}/activate`, {})).status).toBe(303);
      expect(recorder.starts()).toHaveLength(1);
    },
  );

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

  it(
    'Given a session, When the agent restarts (a new app from the same secrets), ' + 'Then the session and its CSRF token still work',
    async () => {
      const running: TestAgent = { ...agent };
      const session = new BrowserSession(running);
      await session.login();
      const csrf = await session.csrf();
      running.app = createApp(agent.deps);
      expect((await session.page('/agent')).status).toBe(200);
      expect(await session.csrf()).toBe(csrf);
      expect((await session.submit(`/agent/releases/${OLDER}/activate`, {})).status).toBe(303);
    },
  );
});
