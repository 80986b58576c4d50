/** The rollback confirmation and form of /deploys/:app, and the releases it refuses. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestAgent } from '../../support/agent.js';
import { BrowserSession, inputValue } from '../../support/browser-session.js';
import { deployPages, pageHelpers, releaseIn } from '../../support/deploy-pages.js';
import type { HostTarget } from '../../support/host-target.js';

let target: HostTarget;
let agent: TestAgent;
let browser: BrowserSession;

beforeEach(async () => {
  ({ target, agent, browser } = await deployPages());
});
afterEach(async () => {
  await target.stop();
});

const { audit, deployFromPage } = pageHelpers(() => ({ target, agent, browser }));

describe('rollback', () => {
  it(
    'Given two releases, When rolled back from the table after the confirmation, ' +
      'Then the first serves again and the result warns about the migration the database keeps',
    async () => {
      const first = releaseIn(await deployFromPage())!;
      await target.commit({ 'db/migrate/20260102000000_add_note_to_visits.rb': 'class AddNote; end\n' }, 'two');
      const second = releaseIn(await deployFromPage())!;

      const confirm = await browser.page(`/deploys/cigar/rollback?release=${first}`);
      expect(confirm.status).toBe(200);
      expect(confirm.text).toContain(`<h1>Roll cigar back to ${first}?</h1>`);
      expect(confirm.text).toMatch(
        new RegExp(`switches <strong>cigar</strong> from ${second} \\(<code>[0-9a-f]{12}</code>\\) to <strong>${first}</strong>`),
      );
      expect(confirm.text).toContain('⚠ The database keeps 1 migration(s)');
      expect(inputValue(confirm.text, 'release')).toBe(first);
      expect(inputValue(confirm.text, '_csrf')).toBe(await browser.csrf());
      expect(target.serving()).toBe(second);

      const response = await browser.submit('/deploys/cigar/rollback', { release: first, reason: 'slow pages' });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toMatch(
        /<p class="warn">⚠ The database keeps 1 migration\(s\) that \d{14} does not know: 20260102000000_add_note_to_visits\.rb\./,
      );
      expect(text).toMatch(
        new RegExp(`<p class="notice" id="outcome">cigar: ${first} is live again \\(was ${second}\\), healthy, in \\d+\\.\\d s\\.</p>`),
      );
      expect([...text.matchAll(/id="step-(\w+)"/g)].map((m) => m[1])).toEqual(['switch', 'restart', 'health', 'workers']);
      expect(target.serving()).toBe(first);
      expect((await audit())[0]).toMatchObject({
        actor: 'admin',
        action: 'rollback',
        result: 'ok',
        detail: expect.stringContaining('reason: slow pages'),
      });
    },
  );

  it.each([
    ['a release that is a path', '../../etc', 404, /cigar has no release &quot;..\/..\/etc&quot;/],
    ['a release id that does not exist', '20200101000000', 404, /cigar has no release &quot;20200101000000&quot;/],
    ['no release', '', 404, /cigar has no release &quot;&quot;/],
  ])('Given %s, When the confirmation opens, Then a %i page with the app page under it', async (_, release, status, message) => {
    await deployFromPage();
    const { status: got, text } = await browser.page(`/deploys/cigar/rollback?release=${encodeURIComponent(release)}`);
    expect(got).toBe(status);
    expect(text).toMatch(message);
    expect(text).toContain('id="deploy-form"');
  });

  it(
    'Given a release that failed its health check, When the table shows it, ' +
      'Then it offers no rollback to it, and its confirmation (asked by URL) warns',
    async () => {
      await deployFromPage();
      await target.commit({ 'config/initializers/release.rb': "SAMPLE_RELEASE = 'sick'\nSAMPLE_HEALTHY = false\n" }, 'sick', 'sick');
      const text = await deployFromPage({ ref: 'sick' });
      expect(text).toMatch(/<p class="step ok" id="step-rollback">/);
      const sick = /<p class="step ok" id="step-record">.*releases\/(\d{14})\/release\.json: failed/.exec(text)![1]!;
      const page = (await browser.page('/deploys/cigar')).text;
      expect(new RegExp(`<tr id="release-${sick}">[\\s\\S]*?</tr>`).exec(page)![0]).not.toContain('Roll back');
      const confirm = await browser.page(`/deploys/cigar/rollback?release=${sick}`);
      expect(confirm.text).toContain(`⚠ ${sick} failed its health check when it was deployed.`);
    },
  );

  it('Given the current release, When its rollback is asked for, Then a 409 page says it is already current', async () => {
    const current = releaseIn(await deployFromPage())!;
    const { status, text } = await browser.page(`/deploys/cigar/rollback?release=${current}`);
    expect(status).toBe(409);
    expect(text).toContain(`${current} is already the current release of cigar.`);
  });

  it.each([
    ['a release that is a path', { release: '../../etc' }, 400, 'The release must be a release id'],
    ['no release', {}, 400, 'The rollback form names no release.'],
    ['a release that does not exist', { release: '20200101000000' }, 404, 'There is no release 20200101000000.'],
  ])('Given %s, When a rollback is posted, Then a %i page and the current release keeps serving', async (_, fields, status, message) => {
    const current = releaseIn(await deployFromPage())!;
    const response = await browser.submit('/deploys/cigar/rollback', fields);
    expect(response.status).toBe(status);
    expect(await response.text()).toContain(message);
    expect(target.serving()).toBe(current);
  });
});
