/**
 * The outbox against a real HTTP receiver on loopback: signed webhook bodies, a
 * receiver down (connection refused) then up, an agent restart with deliveries queued,
 * Slack's body, and what a failing channel shows (never the URL's secret part).
 */
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertPayloadSchema, type DeliveryEvent } from '../../../../src/api/alerts.js';
import { alertsConfigSchema } from '../../../../src/core/alert-settings.js';
import { channelsFrom } from '../../../../server/services/alerts/channels.js';
import { Outbox } from '../../../../server/services/alerts/outbox.js';
import { payloadFor } from '../../../../server/services/alerts/wording.js';
import { waitFor } from '../../../support/wait-for.js';
import { type Receiver, receiver, verify } from './receiver.js';

const SECRET = 'whsec_0123456789abcdef0123456789abcdef';
const FAST = { baseMs: 40, maxMs: 200 };
let dir: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-outbox-'));
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await rm(dir, { recursive: true, force: true });
});

async function setup(name: string, rx: Receiver, type: 'webhook' | 'slack' = 'webhook') {
  const config = alertsConfigSchema.parse({ server: 'web-1', channels: { ops: { type } } });
  const channels = channelsFrom(config, { ops: { secret: SECRET, url: `${rx.url}/hooks/T0KEN-in-the-path` } });
  const folder = path.join(dir, name);
  const open = async (log?: (line: string) => void) => {
    const outbox = new Outbox(folder, channels, { retry: FAST, ...(log ? { log } : {}) });
    await outbox.start();
    cleanups.push(() => outbox.stop());
    return outbox;
  };
  return { folder, open };
}

const send = (outbox: Outbox, n: number, event: DeliveryEvent = 'test') =>
  outbox
    .enqueue('ops', event, (id) => payloadFor({ event, server: 'web-1', delivery: id, at: new Date(), incident: null }))
    .then((delivery) => ({ ...delivery, n }));

const ids = (rx: Receiver) => rx.received.map((r) => String(r.headers['x-hms-delivery']));

describe('webhook deliveries', () => {
  it('Given a receiver, When three deliveries are queued, Then they arrive in order, each signed; a wrong secret is detected', async () => {
    const rx = await receiver(SECRET);
    cleanups.push(() => rx.stop());
    const outbox = await (await setup('signed', rx)).open();
    const sent = [await send(outbox, 1), await send(outbox, 2), await send(outbox, 3)];
    await waitFor(
      () => rx.received.length === 3,
      () => JSON.stringify(outbox.status()),
      10_000,
    );
    expect(ids(rx)).toEqual(sent.map((d) => d.id));
    expect(rx.received.every((r) => r.signed)).toBe(true);
    const first = rx.received[0]!;
    expect(verify('another secret', first.headers, first.body)).toBe(false);
    expect(verify(SECRET, first.headers, first.body.replace('web-1', 'web-2'))).toBe(false);
    const payload = alertPayloadSchema.parse(JSON.parse(first.body));
    expect(payload).toMatchObject({ event: 'test', server: 'web-1', delivery: sent[0]!.id, incident: null });
    // The receiver has the last one before the outbox has its answer.
    await waitFor(
      () => outbox.status()[0]!.queued === 0,
      () => JSON.stringify(outbox.status()),
    );
    expect(outbox.status()[0]).toMatchObject({ queued: 0, lastError: null, target: rx.url });
    expect(outbox.deliveries().map((d) => [d.state, d.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
      ['sent', 1],
    ]);
  });

  it('Given the receiver down (connection refused), When it comes back, Then every delivery arrives once, in order', async () => {
    const rx = await receiver(SECRET);
    cleanups.push(() => rx.stop());
    await rx.stop();
    const outbox = await (await setup('down-up', rx)).open();
    const sent: Awaited<ReturnType<typeof send>>[] = [];
    for (let n = 1; n <= 5; n += 1) sent.push(await send(outbox, n));
    await waitFor(
      () => (outbox.deliveries().find((d) => d.id === sent[0]!.id)?.attempts ?? 0) >= 3,
      () => JSON.stringify(outbox.status()),
    );
    const status = outbox.status()[0]!;
    expect(status.queued).toBe(5);
    expect(status.lastError?.message).toMatch(/refused the connection/);
    expect(status.lastError?.message).not.toMatch(/T0KEN|hooks/);
    expect(status.nextAttemptAt).not.toBeNull();
    // Order holds: the head blocks the others, which were never tried.
    expect(outbox.deliveries().filter((d) => d.attempts > 0)).toHaveLength(1);
    await rx.start();
    await waitFor(
      () => outbox.status()[0]!.queued === 0,
      () => JSON.stringify(outbox.status()),
      10_000,
    );
    expect(ids(rx)).toEqual(sent.map((d) => d.id));
    expect(outbox.status()[0]!.lastError).toBeNull();
  });

  it('Given deliveries queued when the agent stops, When a new outbox starts on the folder, Then none is lost', async () => {
    const rx = await receiver(SECRET);
    cleanups.push(() => rx.stop());
    await rx.stop();
    const { folder, open } = await setup('restart', rx);
    const before = await open();
    const sent = [await send(before, 1), await send(before, 2), await send(before, 3)];
    await waitFor(
      () => before.status()[0]!.lastError !== null,
      () => JSON.stringify(before.status()),
    );
    before.stop();
    const files = await readdir(path.join(folder, 'outbox', 'ops'));
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(3);
    expect((await stat(path.join(folder, 'outbox', 'ops', files[0]!))).mode & 0o777).toBe(0o600);
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    await rx.start();
    const after = await open();
    await waitFor(
      () => rx.received.length === 3,
      () => JSON.stringify(after.status()),
      10_000,
    );
    expect(ids(rx)).toEqual(sent.map((d) => d.id));
    await waitFor(
      () => after.status()[0]!.queued === 0,
      () => JSON.stringify(after.status()),
    );
    expect(await readdir(path.join(folder, 'outbox', 'ops'))).toEqual([]);
  });

  it('Given a receiver answering 500, Then the error names the origin and status only, and the delivery is kept', async () => {
    const rx = await receiver(SECRET);
    cleanups.push(() => rx.stop());
    rx.status = 500;
    rx.answer = 'no such hook: /hooks/T0KEN-in-the-path';
    const outbox = await (await setup('status-500', rx)).open();
    await send(outbox, 1);
    await waitFor(
      () => outbox.status()[0]!.lastError !== null,
      () => JSON.stringify(outbox.status()),
    );
    expect(outbox.status()[0]!.lastError!.message).toBe(`${rx.url} answered HTTP 500: no such hook: (hidden)`);
    expect(outbox.status()[0]!.queued).toBe(1);
    rx.status = 200;
    await waitFor(
      () => outbox.status()[0]!.queued === 0,
      () => JSON.stringify(outbox.status()),
      10_000,
    );
    expect(new Set(ids(rx)).size).toBe(1);
  });
});

describe('an outbox that cannot write', () => {
  it('Given its folder cannot be written (a file where a folder should be), When queued, Then sent from memory all the same', async () => {
    const rx = await receiver(SECRET);
    cleanups.push(() => rx.stop());
    const { folder, open } = await setup('unwritable', rx);
    const lines: string[] = [];
    const outbox = await open((line) => lines.push(line));
    await writeFile(path.join(folder, 'outbox', 'ops'), 'not a folder');
    const delivery = await send(outbox, 1);
    expect(lines[0]).toMatch(/cannot keep delivery .* on disk \(EEXIST.*\); it waits in memory until sent/);
    await waitFor(
      () => rx.received.length === 1,
      () => JSON.stringify(outbox.status()),
    );
    expect(ids(rx)).toEqual([delivery.id]);
    await waitFor(
      () => outbox.status()[0]!.queued === 0,
      () => JSON.stringify(outbox.status()),
    );
  });
});

describe('slack and refused channels', () => {
  it("Given a Slack channel, Then the body is Slack's incoming-webhook {text}", async () => {
    const rx = await receiver(SECRET);
    cleanups.push(() => rx.stop());
    const outbox = await (await setup('slack', rx, 'slack')).open();
    await send(outbox, 1);
    await waitFor(
      () => rx.received.length === 1,
      () => JSON.stringify(outbox.status()),
    );
    expect(JSON.parse(rx.received[0]!.body)).toEqual({ text: '[hms web-1] TEST a test delivery from hms: this channel works' });
    expect(rx.received[0]!.path).toBe('/hooks/T0KEN-in-the-path');
  });

  it('Given a webhook with no secret, When the channels are made, Then it is unusable: problem shown, deliveries kept', async () => {
    const config = alertsConfigSchema.parse({ channels: { ops: { type: 'webhook', url: 'https://example.org/hook' } } });
    const [ops] = channelsFrom(config, {});
    expect(ops!.problem).toMatch(/alerts\.channels\.ops: a webhook is signed: it needs alert_channels\.ops\.secret/);
    const outbox = new Outbox(path.join(dir, 'unusable'), [ops!], { retry: { baseMs: 60_000, maxMs: 60_000 } });
    await outbox.start();
    expect(outbox.status()[0]!.lastError?.message).toMatch(/needs alert_channels\.ops\.secret/);
    await outbox.enqueue('ops', 'test', (id) => ({
      event: 'test',
      server: 'web-1',
      delivery: id,
      sentAt: 'now',
      incident: null,
      text: 't',
    }));
    await outbox.flush('ops');
    expect(outbox.status()[0]).toMatchObject({
      queued: 1,
      lastError: { message: expect.stringMatching(/needs alert_channels\.ops\.secret/) },
    });
    outbox.stop();
  });
});
