/**
 * Alerts through `hms` alone, as the README tells it, on one bare server: hms.config.json
 * with `alerts` (fast looks, a small filesystem to watch) and two channels, a signed
 * webhook to a real receiver (tests/e2e/alerts-receiver.ts) and e-mail over STARTTLS to
 * postfix in the server (tests/e2e/alerts-mail.ts); `hms secrets init`, `hms full-deploy`,
 * `hms deploy cigar`. Then faults made on the real server: the app's unit killed, its
 * health route failing, a disk filled past its threshold, a certificate 5 days from
 * expiry. Each: one "opened" webhook and mail, then one "resolved" when fixed, seen in
 * `hms alerts --json` and by `hms doctor` (the failing health also in the TUI's header and
 * its `!` screen); a mute holds one back, audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/api/alerts.js';
import { HMS_BIN } from '../support/run-hms.js';
import { testServerSupport } from '../support/test-server.js';
import { startTmux } from '../support/tmux.js';
import { waitFor } from '../support/wait-for.js';
import { type AlertsLaptop, RECIPIENTS, SENDER, SMALL_DISK, startAlertsLaptop } from './alerts-context.js';
import {
  activeSince,
  certificateValidFor,
  diskUsedPercent,
  emptyDisk,
  failHealth,
  fillDisk,
  healHealth,
  killUnit,
  unitState,
} from './alerts-faults.js';
import { MAILBOXES, mailbox } from './alerts-mail.js';
import { describeReceived } from './alerts-receiver.js';
import { about, audited, expectToldOnce, hooksAbout, listed as listedIn, type Matcher, story as toldStory } from './alerts-told.js';

const support = testServerSupport();
if (!support.ok) console.warn(`[e2e] alerts suite skipped: ${support.reason}`);

describe.skipIf(!support.ok)(
  'alerts: faults on a real server, told once by webhook and e-mail, then resolved',
  { timeout: 600_000 },
  () => {
    let laptop: AlertsLaptop;
    const told: Incident[] = [];
    const started = Date.now();

    const story = async (match: Matcher, make: () => Promise<unknown>, fix: () => Promise<unknown>, whileOpen?: () => Promise<unknown>) => {
      const opened = await toldStory(laptop, match, { make, fix, ...(whileOpen ? { whileOpen } : {}) });
      told.push(opened);
      return opened;
    };
    const listed = (match: Matcher, open: boolean) => listedIn(laptop, match, open);

    beforeAll(async () => {
      laptop = await startAlertsLaptop('hms-alerts-');
      console.log(`[alerts] bare server to cigar deployed with alerts on: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }, 600_000);
    afterAll(async () => {
      await laptop?.close();
      console.log(`[alerts] suite: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

    it(
      'Given the deployed server, When `hms alerts --json` and `hms alerts test` run, ' +
        'Then the watcher is on with both channels, and a signed test reaches the receiver and both mailboxes over STARTTLS, audited',
      async () => {
        const overview = await laptop.alerts();
        expect(overview.enabled).toBe(true);
        expect(overview.server).toBe('test');
        expect(overview.channels.map((c) => [c.name, c.type]).sort()).toEqual([
          ['hook', 'webhook'],
          ['mail', 'email'],
        ]);
        expect(overview.incidents.filter((i) => i.resolvedAt === null)).toEqual([]);
        // Nothing secret in what the laptop shows: the target is the URL's origin, the signing key nowhere.
        const text = await laptop.hms(['alerts']);
        expect(text.code, text.stderr).toBe(0);
        expect(text.stdout + JSON.stringify(overview)).not.toContain(laptop.secret());

        const test = await laptop.hms(['alerts', 'test']);
        expect(test.code, test.stderr + test.stdout).toBe(0);
        await laptop.receiver.waitFor('the test delivery', (accepted) => accepted.some((r) => r.payload.event === 'test'));
        expect(laptop.receiver.received.filter((r) => !r.signatureOk)).toEqual([]);
        const hook = laptop.receiver.accepted().find((r) => r.payload.event === 'test')!;
        expect(hook.payload).toMatchObject({ server: 'test', incident: null, delivery: hook.delivery });
        for (const user of MAILBOXES) {
          let mails = await mailbox(laptop.server, user);
          await waitFor(
            async () => {
              mails = await mailbox(laptop.server, user);
              return mails.length > 0;
            },
            () => `the test mail in ${user}'s mailbox`,
            30_000,
            250,
          );
          expect(mails).toHaveLength(1);
          const [mail] = mails;
          expect(mail!.from).toContain(SENDER);
          for (const to of RECIPIENTS) expect(mail!.to).toContain(to);
          expect(mail!.subject).toMatch(/^\[hms test\] TEST /);
          expect(mail!.text).toContain(hook.payload.text.replace(/^\[[^\]]*\]\s*/, '').slice(0, 30));
          // Postfix refuses mail without STARTTLS (smtpd_tls_security_level = encrypt); its Received line names the TLS.
          expect(mail!.headers).toMatch(/Received: from .*\(using TLSv1\.[23] with cipher/);
        }
        expect(await audited(laptop, 'alerts.test')).toEqual([expect.objectContaining({ target: 'all', result: 'ok' })]);
      },
    );

    it(
      'Given cigar serving, When its unit is killed (SIGKILL, a crash), ' +
        'Then one "unit" alert opens on both channels, and one "resolved" once the unit is back and stable',
      async () => {
        const before = await unitState(laptop.server, 'cigar.service');
        expect(before.active).toBe('active');
        const opened = await story(
          about('unit', 'cigar'),
          () => killUnit(laptop.server, 'cigar.service'),
          async () => {
            // Restart=on-failure brings it back (RestartSec=2); the watcher resolves it once it stayed up.
            let state = before;
            await waitFor(
              async () => {
                state = await unitState(laptop.server, 'cigar.service');
                return state.active === 'active';
              },
              () => `cigar.service active again after the kill: ${JSON.stringify(state)}`,
              30_000,
              250,
            );
          },
        );
        // Systemd restarted it, and the incident was resolved only once it had run stableSeconds (5) since.
        expect((await unitState(laptop.server, 'cigar.service')).restarts).toBe(before.restarts + 1);
        const back = await activeSince(laptop.server, 'cigar.service');
        const resolved = hooksAbout(laptop, (i) => i.id === opened.id).find((r) => r.payload.event === 'resolved')!;
        expect(Date.parse(resolved.payload.incident!.resolvedAt!)).toBeGreaterThanOrEqual(back + 4000);
      },
    );

    /** `hms` in a real terminal: the header's badge counts the open incident, `!` lists it. */
    const seenInTheTui = async () => {
      const term = await startTmux({
        cwd: laptop.dir,
        env: { HOME: laptop.dir, XDG_CONFIG_HOME: `${laptop.dir}/.xdg`, HMS_NO_KEYCHAIN: '1' },
        width: 160,
        height: 40,
      });
      try {
        await term.run(`node ${HMS_BIN}`);
        await term.waitFor(/! 1 incident\b/, 60_000);
        await term.keys('!');
        const screen = await term.waitFor((text) => /health/.test(text) && /cigar/.test(text) && /open \d/.test(text), 30_000);
        expect(screen).toMatch(/critical|warning/);
      } finally {
        await term.kill();
      }
    };

    it(
      'Given cigar healthy, When its health route fails (503), Then one "health" alert opens, `hms doctor` names it, ' +
        'the TUI header counts it and `!` lists it; ' +
        'healthy again: one "resolved"',
      async () => {
        await story(
          about('health', 'cigar'),
          () => failHealth(laptop.server, 'cigar'),
          () => healHealth(laptop.server, 'cigar'),
          async () => {
            const doctor = await laptop.hms(['doctor']);
            expect(doctor.code).toBe(1);
            expect(doctor.stdout).toMatch(/cigar fails its health check|health.*cigar/);
            await seenInTheTui();
          },
        );
        const doctor = await laptop.hms(['doctor']);
        expect(doctor.stdout).not.toMatch(/cigar fails its health check/);
      },
    );

    it(
      `Given ${SMALL_DISK} (8 MB) watched, When it is filled to 90% (warning at 80%), ` +
        'Then one "disk" alert opens (warning); emptied: one "resolved"',
      async () => {
        const opened = await story(
          about('disk', SMALL_DISK),
          async () => {
            await fillDisk(laptop.server, SMALL_DISK, 90);
            expect(await diskUsedPercent(laptop.server, SMALL_DISK)).toBeGreaterThanOrEqual(85);
          },
          () => emptyDisk(laptop.server, SMALL_DISK),
        );
        expect(opened.severity).toBe('warning');
      },
    );

    it(
      "Given cigar's certificate, When it is replaced by one with 5 days left (warning under 14 days), " +
        'Then one "certificate" alert opens; a 90-day one installed: one "resolved"',
      async () => {
        const opened = await story(
          about('certificate', 'cigar'),
          async () => {
            await certificateValidFor(laptop.server, 'cigar', 5);
          },
          async () => {
            await certificateValidFor(laptop.server, 'cigar', 90);
          },
        );
        expect(opened.severity).toBe('warning');
        expect(opened.detail).toMatch(/[45] days?/);
      },
    );

    it(
      'Given `hms alerts mute cigar --for 1h`, When cigar’s health fails and recovers, ' +
        'Then the incident is listed muted, nothing is sent about it, and the mute is audited',
      async () => {
        const mute = await laptop.hms(['alerts', 'mute', 'cigar', '--for', '1h']);
        expect(mute.code, mute.stderr + mute.stdout).toBe(0);
        const mutes = (await laptop.alerts()).mutes;
        expect(mutes.map((m) => m.target)).toEqual(['cigar']);
        expect(Date.parse(mutes[0]!.until) - Date.now()).toBeGreaterThan(55 * 60_000);
        const sentBefore = laptop.receiver.received.length;
        const mailsBefore = (await mailbox(laptop.server, 'ops')).length;

        await failHealth(laptop.server, 'cigar');
        const open = await listed((i) => i.rule === 'health' && i.app === 'cigar', true);
        expect(open.muted).toBe(true);
        await healHealth(laptop.server, 'cigar');
        await listed((i) => i.id === open.id, false);
        const overview = await laptop.alerts();
        expect(overview.deliveries.filter((d) => d.incident === open.id)).toEqual([]);
        expect(laptop.receiver.received.slice(sentBefore).map(describeReceived)).toEqual([]);
        expect((await mailbox(laptop.server, 'ops')).length).toBe(mailsBefore);

        expect(await audited(laptop, 'alerts.mute')).toEqual([expect.objectContaining({ target: 'cigar', result: 'ok' })]);
        const unmute = await laptop.hms(['alerts', 'unmute', 'cigar']);
        expect(unmute.code, unmute.stderr + unmute.stdout).toBe(0);
        expect((await laptop.alerts()).mutes).toEqual([]);
        expect(await audited(laptop, 'alerts.unmute')).toEqual([expect.objectContaining({ target: 'cigar', result: 'ok' })]);
        // An unknown target is refused, naming what can be muted.
        const unknown = await laptop.hms(['alerts', 'mute', 'nope;reboot', '--for', '1h']);
        expect(unknown.code).not.toBe(0);
      },
    );

    it('Given the whole run, Then every signature was right, every delivery id unique, each incident told once each way', async () => {
      expect(told.map((i) => i.rule)).toEqual(['unit', 'health', 'disk', 'certificate']);
      expect(laptop.receiver.received.filter((r) => !r.signatureOk).map(describeReceived)).toEqual([]);
      const ids = laptop.receiver.accepted().map((r) => r.delivery);
      expect(new Set(ids).size).toBe(ids.length);
      for (const incident of told) await expectToldOnce(laptop, incident);
      // Anything else told (say, cigar's health failing while a slow machine boots the killed puma again) was told once each way too.
      const stories = new Set(told.map((i) => i.id));
      const others = laptop.receiver.accepted().filter((r) => r.payload.incident && !stories.has(r.payload.incident.id));
      if (others.length > 0) console.log(`[alerts] also told:\n${others.map(describeReceived).join('\n')}`);
      for (const other of others.filter((r) => r.payload.event === 'opened')) await expectToldOnce(laptop, other.payload.incident!);
    });
  },
);
