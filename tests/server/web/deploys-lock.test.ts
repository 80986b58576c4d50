/** The lock and unlock forms of /deploys/:app, and a lock held by a running deploy. */
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestAgent } from '../../support/agent.js';
import { BrowserSession } from '../../support/browser-session.js';
import { deployPages, pageHelpers } from '../../support/deploy-pages.js';
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

const { lockFile, audit, runningDeployLock } = pageHelpers(() => ({ target, agent, browser }));

describe('lock and unlock', () => {
  it(
    'Given an unlocked app, When locked with a reason and unlocked from its page, ' +
      'Then each redirects with a notice, the page shows the state, and both are audited',
    async () => {
      const locked = await browser.submit('/deploys/cigar/lock', { reason: 'db maintenance' });
      expect(locked.status).toBe(303);
      expect(locked.headers.get('location')).toBe('/deploys/cigar?done=locked');
      const page = (await browser.page('/deploys/cigar?done=locked')).text;
      expect(page).toContain('<p class="notice">cigar is locked: no deploy or rollback starts until it is unlocked.</p>');
      expect(page).toMatch(
        /<p class="warn" id="lock-status">cigar is locked by hand: held by admin since .* \(reason: db maintenance\)\.<\/p>/,
      );
      expect(page).toContain('<button>Unlock cigar</button>');
      expect(page).not.toContain('id="lock-form"');

      const unlocked = await browser.submit('/deploys/cigar/unlock', {});
      expect(unlocked.headers.get('location')).toBe('/deploys/cigar?done=unlocked');
      expect((await browser.page('/deploys/cigar?done=unlocked')).text).toContain('id="lock-form"');
      expect(existsSync(lockFile())).toBe(false);
      expect(await audit(2)).toEqual([
        expect.objectContaining({ actor: 'admin', action: 'deploy.unlock', result: 'ok' }),
        expect.objectContaining({ actor: 'admin', action: 'deploy.lock', result: 'ok', detail: 'reason: db maintenance' }),
      ]);
    },
  );

  it(
    "Given a notice key that is not one of the page's, When the page opens, " +
      'Then no notice is shown (the URL cannot put words on the page)',
    async () => {
      expect((await browser.page('/deploys/cigar?done=Your%20password%20expired')).text).not.toContain('class="notice"');
    },
  );

  it('Given an app that is not locked, When unlocked, Then a 404 page says so and the lock form is there', async () => {
    const response = await browser.submit('/deploys/cigar/unlock', {});
    expect(response.status).toBe(404);
    const text = await response.text();
    expect(text).toContain('cigar is not locked.');
    expect(text).toContain('id="lock-form"');
  });

  it('Given a locked app, When locked again, Then a 423 page says who holds it', async () => {
    await browser.submit('/deploys/cigar/lock', { reason: 'first' });
    const response = await browser.submit('/deploys/cigar/lock', { reason: 'second' });
    expect(response.status).toBe(423);
    expect(await response.text()).toContain('held by admin');
  });

  it('Given an empty reason, When locked, Then a 400 page asks why and nothing is locked', async () => {
    const response = await browser.submit('/deploys/cigar/lock', { reason: '   ' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Say why the app is locked.');
    expect(existsSync(lockFile())).toBe(false);
  });

  it(
    'Given a deploy running in another process, When the page opens and unlock is posted, ' +
      'Then no unlock button is offered and the post is a 409 page saying to wait',
    async () => {
      await runningDeployLock();
      const { text } = await browser.page('/deploys/cigar');
      expect(text).toContain('cigar is locked by a running deploy: held by alice');
      expect(text).not.toContain('id="unlock-form"');
      const response = await browser.submit('/deploys/cigar/unlock', {});
      expect(response.status).toBe(409);
      const refused = await response.text();
      expect(refused).toContain('A deploy of cigar by alice is running');
      expect(refused).toContain('Wait for it to finish');
      expect(existsSync(lockFile())).toBe(true);
    },
  );
});
