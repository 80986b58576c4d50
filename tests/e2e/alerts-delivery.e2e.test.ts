/**
 * Alerts when things go wrong on the way, through `hms` alone on one bare server (set up
 * as in alerts.e2e.test.ts): a deploy that fails its health gate is one "deploy" alert,
 * resolved by the next good deploy; the webhook's receiver down for a minute (its port
 * closed) while incidents open and resolve: `hms alerts` shows the channel's last error
 * and what is queued, and once it is up every delivery arrives, in order, once; the
 * agent restarted (`systemctl restart hms-agent` over ssh) with deliveries queued: none
 * is lost, and each keeps its delivery id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsResponseSchema, type AlertsResponse, type Incident } from '../../src/api/alerts.js';
import { testServerSupport } from '../support/test-server.js';
import { waitFor } from '../support/wait-for.js';
import { type AlertsLaptop, releaseRb, SMALL_DISK, startAlertsLaptop } from './alerts-context.js';
import { certificateValidFor, emptyDisk, failHealth, fillDisk, healHealth } from './alerts-faults.js';
import { describeReceived } from './alerts-receiver.js';
import { about, expectToldOnce, hooksAbout, listed, type Matcher, story, waitMail } from './alerts-told.js';

const support = testServerSupport();
if (!support.ok) console.warn(`[e2e] alerts-delivery suite skipped: ${support.reason}`);

const OUTAGE_MS = 60_000;

describe.skipIf(!support.ok)('alerts: a failed deploy, a receiver down for a minute, an agent restarted', { timeout: 600_000 }, () => {
  let laptop: AlertsLaptop;
  const started = Date.now();
  const hook = (overview: AlertsResponse) => overview.channels.find((c) => c.name === 'hook')!;
  const queuedFor = (overview: AlertsResponse, incident: Incident) =>
    overview.deliveries.filter((d) => d.channel === 'hook' && d.incident === incident.id && d.state === 'queued');

  beforeAll(async () => {
    laptop = await startAlertsLaptop('hms-alerts-delivery-');
    console.log(`[alerts-delivery] bare server to cigar deployed with alerts on: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 600_000);
  afterAll(async () => {
    await laptop?.close();
    console.log(`[alerts-delivery] suite: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it(
    'Given cigar deployed, When a release that fails its health check is deployed (rolled back), ' +
      'Then one "deploy" alert opens on both channels; the next good deploy: one "resolved"',
    async () => {
      const opened = await story(laptop, about('deploy', 'cigar'), {
        make: async () => {
          await laptop.commit(releaseRb('sick', false), 'sick');
          const deploy = await laptop.hms(['deploy', 'cigar']);
          expect(deploy.code, deploy.stdout.slice(-2000)).not.toBe(0);
        },
        fix: async () => {
          await laptop.commit(releaseRb('two'), 'two');
          const deploy = await laptop.hms(['deploy', 'cigar']);
          expect(deploy.code, deploy.stderr + deploy.stdout.slice(-2000)).toBe(0);
        },
      });
      expect(opened.app).toBe('cigar');
      // The sick release's health may also have been seen failing while the deploy waited on it: told once each way, if so.
      for (const other of hooksAbout(laptop, (i) => i.id !== opened.id)) {
        if (other.payload.event === 'opened') await expectToldOnce(laptop, other.payload.incident!);
      }
    },
  );

  it(
    'Given the receiver down (port closed) for a minute, When two incidents open and resolve meanwhile, ' +
      'Then `hms alerts` shows the last error and 4 queued, and once it is up every delivery arrives in order, once',
    async () => {
      const before = laptop.receiver.accepted().length;
      await laptop.receiver.down();
      const downAt = Date.now();
      const incidents: Incident[] = [];
      const fault = async (match: Matcher, make: () => Promise<unknown>, fix: () => Promise<unknown>) => {
        await make();
        const open = await listed(laptop, match, true);
        await waitMail(laptop, open, 'opened');
        await fix();
        await listed(laptop, (i) => i.id === open.id, false);
        await waitMail(laptop, open, 'resolved');
        incidents.push(open);
      };
      await fault(
        about('health', 'cigar'),
        () => failHealth(laptop.server, 'cigar'),
        () => healHealth(laptop.server, 'cigar'),
      );
      await fault(
        about('disk', SMALL_DISK),
        () => fillDisk(laptop.server, SMALL_DISK, 90),
        () => emptyDisk(laptop.server, SMALL_DISK),
      );
      // Down for the whole minute: what `hms alerts` says meanwhile, and nothing reaches the receiver.
      let overview = await laptop.alerts();
      await waitFor(
        async () => {
          overview = await laptop.alerts();
          expect(hook(overview).queued).toBeGreaterThanOrEqual(4);
          return Date.now() - downAt >= OUTAGE_MS;
        },
        () => JSON.stringify(hook(overview)),
        OUTAGE_MS + 30_000,
        5000,
      );
      expect(laptop.receiver.accepted().length).toBe(before);
      const channel = hook(overview);
      expect(channel.queued).toBe(4);
      expect(channel.lastError?.message).toMatch(/ECONNREFUSED|refused|connect/i);
      expect(channel.nextAttemptAt).not.toBeNull();
      for (const incident of incidents) expect(queuedFor(overview, incident)).toHaveLength(2);
      const text = await laptop.hms(['alerts']);
      // CHANNEL TYPE TARGET QUEUED LAST DELIVERY LAST ERROR: the queue and the error on hook's line.
      expect(text.stdout).toMatch(/^hook\s+webhook\s+\S+\s+4\s+.*(ECONNREFUSED|refused)/im);

      await laptop.receiver.up();
      const upAt = Date.now();
      await laptop.receiver.waitFor(
        'the 4 queued deliveries after the receiver came back',
        (accepted) => accepted.length - before >= 4,
        180_000,
      );
      console.log(`[alerts-delivery] queued deliveries arrived ${((Date.now() - upAt) / 1000).toFixed(1)} s after the receiver came back`);
      const arrived = laptop.receiver.accepted().slice(before);
      expect(arrived.map((r) => `${r.payload.event} ${r.payload.incident?.rule}`)).toEqual([
        'opened health',
        'resolved health',
        'opened disk',
        'resolved disk',
      ]);
      expect(new Set(arrived.map((r) => r.delivery)).size).toBe(4);
      for (const incident of incidents) await expectToldOnce(laptop, incident);
      await waitFor(
        async () => {
          overview = await laptop.alerts();
          return hook(overview).queued === 0 && hook(overview).lastError === null;
        },
        () => `the hook channel caught up: ${JSON.stringify(hook(overview))}`,
        30_000,
        1000,
      );
      expect(Date.parse(hook(overview).lastDeliveredAt!)).toBeGreaterThanOrEqual(upAt);
    },
  );

  it(
    'Given deliveries queued for the receiver (down), When the agent is restarted over ssh and the receiver comes back, ' +
      'Then none is lost, each keeps its delivery id, in order',
    async () => {
      const before = laptop.receiver.accepted().length;
      await laptop.receiver.down();
      const match = about('certificate', 'cigar');
      await certificateValidFor(laptop.server, 'cigar', 5);
      const open = await listed(laptop, match, true);
      let overview = await laptop.alerts();
      await waitFor(
        async () => {
          overview = await laptop.alerts();
          return queuedFor(overview, open).length === 1;
        },
        () => `the opened delivery queued: ${JSON.stringify(overview.deliveries, null, 2)}`,
        30_000,
        1000,
      );
      const queuedId = queuedFor(overview, open)[0]!.id;

      const restart = await laptop.ssh('systemctl restart hms-agent');
      expect(restart.code, restart.stderr).toBe(0);
      await waitFor(
        async () => {
          // Exit 1 is also an error's own JSON (the agent still starting): only the incidents say it answers.
          const run = await laptop.hms(['alerts', '--json']);
          if (run.code > 1) return false;
          try {
            return alertsResponseSchema.safeParse(JSON.parse(run.stdout)).success;
          } catch {
            return false;
          }
        },
        () => 'the agent answering after its restart',
        60_000,
        1000,
      );
      overview = await laptop.alerts();
      expect(queuedFor(overview, open).map((d) => d.id)).toEqual([queuedId]);
      expect(overview.incidents.find((i) => i.id === open.id)?.resolvedAt).toBeNull();

      await certificateValidFor(laptop.server, 'cigar', 90);
      await listed(laptop, (i) => i.id === open.id, false);
      await waitMail(laptop, open, 'resolved');
      await laptop.receiver.up();
      await laptop.receiver.waitFor('both deliveries after the restart', (accepted) => accepted.length - before >= 2, 180_000);
      const arrived = laptop.receiver.accepted().slice(before);
      expect(arrived.map((r) => `${r.payload.event} ${r.payload.incident?.rule}`)).toEqual(['opened certificate', 'resolved certificate']);
      expect(arrived[0]!.delivery).toBe(queuedId);
      await expectToldOnce(laptop, open);
      // Over the whole suite: no bad signature, no delivery twice.
      expect(laptop.receiver.received.filter((r) => !r.signatureOk).map(describeReceived)).toEqual([]);
      const ids = laptop.receiver.accepted().map((r) => r.delivery);
      expect(new Set(ids).size).toBe(ids.length);
    },
  );
});
