/**
 * The watcher end to end inside the agent's process: facts fed by the test (this host
 * has no systemd), everything else real: the loop's timers, the state files, the audit
 * log, the outbox and a webhook receiver on loopback that checks each signature.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertPayload } from '../../../../src/api/alerts.js';
import { type FactSources, startAlerts } from '../../../../server/services/alerts/index.js';
import type { UnitLook } from '../../../../server/services/alerts/rules-units.js';
import { waitFor } from '../../../support/wait-for.js';
import { agentWithAlerts, stopLater } from './alerts-agent.js';
import type { Receiver } from './receiver.js';

type Unit = Pick<UnitLook, 'activeState' | 'subState' | 'restarts'>;
const running: Unit = { activeState: 'active', subState: 'running', restarts: 0 };

/** Facts the test sets; the audit log stays the agent's real one. */
function fed() {
  const units: Record<string, Unit> = { cigar: { ...running } };
  const disks = [{ path: '/var', paths: ['/var'], usedPercent: 40 }];
  const facts: Partial<FactSources> = {
    watched: () => [{ name: 'cigar', unit: 'cigar.service', app: 'cigar' }],
    units: async (watched) => watched.map((w) => ({ ...w, result: 'success', ...units[w.name]! })),
    probed: () => [],
    traffic: async () => [],
    disks: async () => disks,
    memory: async () => ({ availablePercent: 50, pressureSome60: null }),
    certificates: async () => [],
    backups: async () => [],
  };
  return { units, disks, facts };
}

const told = (rx: Receiver) =>
  rx.received.map((r) => JSON.parse(r.body) as AlertPayload).map((p) => `${p.event} ${p.incident?.title ?? ''}`.trim());

describe('the watcher, looking on its own', () => {
  it('Given a unit that systemd restarts, When the loop looks, Then one "opened", and once it runs stable one "resolved"', async () => {
    const { agent, rx } = await agentWithAlerts({ intervalSeconds: 1, rules: { unit: { stableSeconds: 1 } } });
    const { units, facts } = fed();
    const engine = stopLater(await startAlerts(agent.deps, { facts, log: () => undefined }));
    await waitFor(
      () => engine.watcher.checkedAt !== null,
      () => 'no look yet',
    );
    units.cigar = { ...running, restarts: 1 };
    await waitFor(
      () => rx.received.length >= 1,
      () => JSON.stringify(engine.watcher.records),
      10_000,
    );
    await waitFor(
      () => rx.received.length >= 2,
      () => JSON.stringify(engine.watcher.records),
      10_000,
    );
    expect(told(rx)).toEqual(['opened cigar.service restarted after a crash', 'resolved cigar.service restarted after a crash']);
    expect(rx.received.every((r) => r.signed)).toBe(true);
    // The receiver has it before the outbox has its answer.
    await waitFor(
      () => engine.outbox.status()[0]!.queued === 0,
      () => JSON.stringify(engine.outbox.status()),
    );
    const overview = await engine.overview();
    expect(overview.incidents.map((i) => [i.rule, i.subject, i.resolvedAt !== null])).toEqual([['unit', 'cigar.service', true]]);
    expect(overview.deliveries.map((d) => [d.event, d.state])).toEqual([
      ['resolved', 'sent'],
      ['opened', 'sent'],
    ]);
    engine.stop();
  });
});

describe('the watcher, ticked by the test', () => {
  it('Given a stop by hms (its audit line), Then nothing; one without, Then "stopped unexpectedly" until hms stops it', async () => {
    // Looks 5 s apart, as the loop makes them; the audit log writes the same clock's time.
    let now = Date.parse('2026-12-07T10:00:00Z');
    const { agent, rx } = await agentWithAlerts({}, () => new Date(now));
    const { units, facts } = fed();
    const engine = stopLater(await startAlerts(agent.deps, { facts, loop: false, confirmStopMs: 50, log: () => undefined }));
    const look = async (unit: Unit) => {
      now += 5_000;
      units.cigar = unit;
      await engine.watcher.fastLook();
    };
    const stopped = { ...running, activeState: 'inactive', subState: 'dead' };
    await look(running);
    now += 2_000;
    await agent.deps.audit.record({ actor: 'alice', action: 'app.stop', target: 'cigar', result: 'ok' });
    await look(stopped);
    expect(engine.watcher.records).toEqual([]);
    await look(running);
    await look(stopped);
    await waitFor(
      () => rx.received.length === 1,
      () => JSON.stringify(engine.outbox.status()),
    );
    expect(told(rx)).toEqual(['opened cigar.service stopped unexpectedly']);
    expect((await engine.overview()).incidents[0]).toMatchObject({ severity: 'critical', resolvedAt: null });
    // Then someone decides it stays down: `hms stop cigar`; the next fast look resolves it.
    await engine.watcher.slowLook();
    now += 1_000;
    await agent.deps.audit.record({ actor: 'alice', action: 'app.stop', target: 'cigar', result: 'ok' });
    await engine.watcher.slowLook();
    await look(stopped);
    await waitFor(
      () => rx.received.length === 2,
      () => JSON.stringify(engine.outbox.status()),
    );
    expect(told(rx)).toEqual(['opened cigar.service stopped unexpectedly', 'resolved cigar.service stopped unexpectedly']);
  });

  it('Given an open incident, When the agent restarts on the same state, Then it goes on: no second "opened"', async () => {
    const { agent, rx } = await agentWithAlerts({});
    const { disks, facts } = fed();
    disks[0]!.usedPercent = 97;
    const first = stopLater(await startAlerts(agent.deps, { facts, loop: false, log: () => undefined }));
    await first.watcher.slowLook();
    // Sent and answered: stopped any earlier, the delivery would be sent again by the next agent (at least once).
    const state = path.join(agent.deps.config.stateDir, 'alerts');
    // Noted sent in memory first, then on disk (sent.json is written whole, by rename).
    await waitFor(
      () => first.outbox.status()[0]!.lastDeliveredAt !== null && existsSync(path.join(state, 'sent.json')),
      () => JSON.stringify(first.outbox.status()),
    );
    first.stop();
    expect((await stat(state)).mode & 0o777).toBe(0o700);
    for (const file of ['incidents.json', 'watch.json', 'sent.json', 'channels.json']) {
      expect((await stat(path.join(state, file))).mode & 0o777).toBe(0o600);
    }
    const again = stopLater(await startAlerts(agent.deps, { facts, loop: false, log: () => undefined }));
    await again.watcher.slowLook();
    disks[0]!.usedPercent = 50;
    await again.watcher.slowLook();
    await waitFor(
      () => rx.received.length === 2,
      () => JSON.stringify(again.outbox.status()),
    );
    expect(told(rx)).toEqual(['opened /var is 97% full', 'resolved /var is 97% full']);
    expect((await again.overview()).incidents).toHaveLength(1);
  });

  it('Given a deploy that failed in the audit log, Then a deploy incident, resolved by the next good deploy', async () => {
    const { agent, rx } = await agentWithAlerts({});
    const { facts } = fed();
    const engine = stopLater(await startAlerts(agent.deps, { facts, loop: false, log: () => undefined }));
    await agent.deps.audit.record({ actor: 'alice', action: 'deploy', target: 'cigar', result: 'failed', detail: 'old news' });
    await engine.watcher.slowLook();
    expect(engine.watcher.records).toEqual([]);
    const failed = 'abc123 did not serve healthy; back on 20261206; ref main';
    await agent.deps.audit.record({ actor: 'alice', action: 'deploy', target: 'cigar', result: 'failed', detail: failed });
    await engine.watcher.slowLook();
    await agent.deps.audit.record({ actor: 'alice', action: 'deploy', target: 'cigar', result: 'ok', detail: 'def456 is live' });
    await engine.watcher.slowLook();
    await waitFor(
      () => rx.received.length === 2,
      () => JSON.stringify(engine.outbox.status()),
    );
    expect(told(rx)).toEqual(['opened deploy of cigar failed', 'resolved deploy of cigar failed']);
    const opened = JSON.parse(rx.received[0]!.body) as AlertPayload;
    expect(opened.incident?.detail).toContain(failed);
  });

  it('Given the health probe failing three looks in a row, Then "opened"; the first success, Then "resolved"', async () => {
    const { agent, rx } = await agentWithAlerts({});
    const { facts } = fed();
    let answer = { ok: false, via: 'socket' as const, status: 500, ms: 4, error: 'HTTP 500' };
    const probes: string[] = [];
    facts.probed = () => ['cigar'];
    facts.health = async (app) => {
      probes.push(app);
      return answer;
    };
    const engine = stopLater(await startAlerts(agent.deps, { facts, loop: false, log: () => undefined }));
    await engine.watcher.healthLook();
    expect(probes).toEqual([]);
    await engine.watcher.fastLook();
    for (let i = 0; i < 3; i += 1) await engine.watcher.healthLook();
    answer = { ...answer, ok: true, status: 200, error: null as never };
    await engine.watcher.healthLook();
    await waitFor(
      () => rx.received.length === 2,
      () => JSON.stringify(engine.outbox.status()),
    );
    expect(told(rx)).toEqual(['opened cigar fails its health check', 'resolved cigar fails its health check']);
    expect(probes).toHaveLength(4);
  });

  it('Given a mute of the app, Then its incident is listed muted and not sent; mutes and unmutes are audited', async () => {
    const { agent, rx } = await agentWithAlerts({});
    const { units, facts } = fed();
    const engine = stopLater(await startAlerts(agent.deps, { facts, loop: false, confirmStopMs: 10, log: () => undefined }));
    await expect(engine.mute('alice', 'cigarr', 60)).rejects.toThrow(/Cannot mute "cigarr"/);
    await engine.mute('alice', 'cigar', 60);
    units.cigar = { ...running, activeState: 'failed', subState: 'failed' };
    await engine.watcher.fastLook();
    const overview = await engine.overview();
    expect(overview.incidents.map((i) => [i.title, i.muted])).toEqual([['cigar.service failed', true]]);
    expect(overview.mutes.map((m) => [m.target, m.by])).toEqual([['cigar', 'alice']]);
    expect(rx.received).toEqual([]);
    expect(await engine.unmute('alice', 'cigar')).toBe(true);
    await waitFor(
      () => rx.received.length === 1,
      () => JSON.stringify(engine.outbox.status()),
    );
    expect(told(rx)).toEqual(['opened cigar.service failed']);
    const audit = await agent.deps.audit.recent(10);
    expect(audit.map((e) => `${e.action} ${e.target}`).slice(0, 2)).toEqual(['alerts.unmute cigar', 'alerts.mute cigar']);
  });
});
