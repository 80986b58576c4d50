/**
 * The loop: fast looks at the units every intervalSeconds, health probes every
 * rules.health.intervalSeconds, the slower facts every slowSeconds. Each look's
 * findings go through the state machine (incidents.ts) one look at a time, and what is
 * due to be told goes to `deliver`. The looks are public so tests can tick them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertRule, Mute } from '../../../src/api/alerts.js';
import type { AuditEntry } from '../../../src/api/core.js';
import type { AlertsConfig } from '../../config.js';
import { auditEnd, readNewEntries } from './audit-cursor.js';
import type { FactSources } from './facts.js';
import { applyFindings, type Finding, type IncidentRecord, type Tell, tell } from './incidents.js';
import { judgeAudit } from './rules-audit.js';
import { judgeBackups, judgeCertificates, judgeDisks, judgeErrors, judgeHealth, judgeMemory } from './rules-facts.js';
import { judgeUnits, stoppedSinceLastLook, type UnitLook } from './rules-units.js';
import { WatchState } from './watch-state.js';

export interface WatcherOptions {
  config: AlertsConfig;
  dir: string;
  facts: FactSources;
  clock: () => Date;
  mutes: () => readonly Mute[];
  deliver: (tells: Tell[]) => Promise<void>;
  log: (line: string) => void;
  /** How long a unit seen stopped waits for hms's audit line of a stop it asked for (default 2 s). */
  confirmStopMs?: number;
}

const HMS_UNIT_ACTION = /^app\.(stop|restart|start|reload)$/;

export class Watcher {
  readonly state: WatchState;
  checkedAt: string | null = null;
  private healthCounts: Record<string, number> = {};
  private lastUnitLook: number | null = null;
  private serial: Promise<unknown> = Promise.resolve();
  /** The next run of each loop (fast, health, slow): one timer each, replaced as it runs. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly problems = new Map<string, string>();
  private stopped = false;

  constructor(private readonly options: WatcherOptions) {
    this.state = new WatchState(options.dir);
  }

  async load(): Promise<void> {
    await this.state.load();
  }

  /** Looks at once, then on each interval (a look never overlaps the one before). */
  start(): void {
    const { config } = this.options;
    this.every('fast', config.intervalSeconds, () => this.fastLook());
    this.every('health', config.rules.health.intervalSeconds, () => this.healthLook());
    this.every('slow', config.slowSeconds, () => this.slowLook());
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
  }

  get records(): readonly IncidentRecord[] {
    return this.state.records;
  }

  private every(name: string, seconds: number, look: () => Promise<void>): void {
    const run = async () => {
      await look().catch((error: Error) => this.options.log(`alerts: a look failed: ${error.message}`));
      if (!this.stopped) this.timers.set(name, setTimeout(run, seconds * 1000));
    };
    this.timers.set(name, setTimeout(run, 0));
  }

  /** Units: one `systemctl show`; a stop seen waits a moment for hms's audit line before it counts as unexpected. */
  async fastLook(): Promise<void> {
    const { facts, clock } = this.options;
    const watched = facts.watched();
    let looks = await this.read('unit', () => facts.units(watched));
    if (!looks) return;
    let expected = new Set<string>();
    if (stoppedSinceLastLook(this.state.memory.units, looks).length > 0) {
      await sleep(this.options.confirmStopMs ?? 2_000);
      looks = (await this.read('unit', () => facts.units(watched))) ?? looks;
      expected = await this.expectedStops(stoppedSinceLastLook(this.state.memory.units, looks));
    }
    const now = clock().getTime();
    this.lastUnitLook = now;
    await this.judge(['unit'], () => {
      const judged = judgeUnits(this.state.memory.units, looks, now, this.options.config.rules.unit, expected);
      this.state.memory.units = judged.memory;
      return { findings: judged.findings, memoryChanged: judged.changed };
    });
  }

  /** Health probes of the apps whose unit runs (a stopped one is the unit rule's). */
  async healthLook(): Promise<void> {
    const { facts, config } = this.options;
    const looks = await Promise.all(
      facts.probed().map(async (app) => ({ app, result: this.state.memory.units[app]?.active ? await facts.health(app) : null })),
    );
    await this.judge(['health'], () => {
      const open = new Set(this.state.records.filter((r) => r.rule === 'health' && r.resolvedAt === null).map((r) => r.subject));
      const judged = judgeHealth(this.healthCounts, looks, config.rules.health, open);
      this.healthCounts = judged.counts;
      return { findings: judged.findings, memoryChanged: false };
    });
  }

  /**
   * Traffic, disks, memory, certificates, backups and the audit log's new entries;
   * a fact that cannot be read leaves its incidents as they are.
   */
  async slowLook(): Promise<void> {
    const { facts, config, clock } = this.options;
    const { rules } = config;
    const now = clock();
    const [errors, disk, memory, certificate, backup, audit] = await Promise.all([
      this.read('errors', async () => judgeErrors(await facts.traffic(rules.errors.windowMinutes, now), rules.errors)),
      this.read('disk', async () => judgeDisks(await facts.disks(rules.disk.paths), rules.disk)),
      this.read('memory', async () => judgeMemory(await facts.memory(), rules.memory)),
      this.read('certificate', async () => judgeCertificates(await facts.certificates(), rules.certificate)),
      this.read('backup', async () => judgeBackups(await facts.backups())),
      this.read('audit log', () => this.newAuditEntries()),
    ]);
    const judged: Partial<Record<AlertRule, Finding[]>> = { errors, disk, memory, certificate, backup };
    await this.judge([], () => {
      const findings = Object.values(judged).flatMap((list) => list ?? []);
      const scope = (Object.keys(judged) as AlertRule[]).filter((rule) => judged[rule] !== undefined);
      if (!audit) return { findings, scope, memoryChanged: false };
      this.stoppedOnPurpose(audit.entries);
      const fromAudit = judgeAudit(this.state.memory.auditRules, audit.entries, clock().getTime(), rules.logins);
      const memoryChanged =
        audit.cursor.offset !== this.state.memory.audit?.offset ||
        JSON.stringify(fromAudit.memory) !== JSON.stringify(this.state.memory.auditRules);
      this.state.memory.audit = audit.cursor;
      this.state.memory.auditRules = fromAudit.memory;
      return { findings: [...findings, ...fromAudit.findings], scope: [...scope, 'deploy', 'agent-update', 'logins'], memoryChanged };
    });
  }

  /** A unit that failed or stopped and that hms then stopped is meant to be down: the next fast look resolves it. */
  private stoppedOnPurpose(entries: readonly AuditEntry[]): void {
    for (const entry of entries) {
      const unit = this.state.memory.units[entry.target];
      if (entry.action === 'app.stop' && entry.result === 'ok' && unit && !unit.active && unit.problem) unit.problem = null;
    }
  }

  /** Only tells what is due (a mute set or lifted, a reminder): no facts read. */
  retell(): Promise<void> {
    return this.judge([], () => ({ findings: [], memoryChanged: false }));
  }

  private async newAuditEntries(): Promise<{ entries: AuditEntry[]; cursor: { offset: number; inode: number } }> {
    const file = this.options.facts.auditFile;
    const cursor = this.state.memory.audit;
    // The first look of a new watcher starts at the log's end: what happened before was never news.
    if (!cursor) return { entries: [], cursor: await auditEnd(file) };
    return readNewEntries(file, cursor);
  }

  private async expectedStops(stopped: UnitLook[]): Promise<Set<string>> {
    if (stopped.length === 0) return new Set();
    // hms writes its line once the stop is done, so after the look that still saw the unit active (a second of slack
    // for that look's own time); after an agent restart, the last ten minutes.
    const since = (this.lastUnitLook ?? this.options.clock().getTime() - 10 * 60_000) - 1_000;
    const recent = (await this.options.facts.recentAudit().catch(() => [])).filter((entry) => Date.parse(entry.at) >= since);
    const asked = (look: UnitLook) =>
      recent.some(
        (entry) =>
          (HMS_UNIT_ACTION.test(entry.action) && entry.target === look.name) ||
          ((entry.action === 'deploy' || entry.action === 'rollback') && entry.target === look.app),
      );
    return new Set(stopped.filter(asked).map((look) => look.name));
  }

  /** Runs a reader; a failure is logged once (until it changes) and answers undefined. */
  private async read<T>(what: string, reader: () => Promise<T>): Promise<T | undefined> {
    try {
      const value = await reader();
      if (this.problems.delete(what)) this.options.log(`alerts: ${what} can be read again`);
      return value;
    } catch (error) {
      const message = (error as Error).message;
      if (this.problems.get(what) !== message) this.options.log(`alerts: cannot read ${what}: ${message}`);
      this.problems.set(what, message);
      return undefined;
    }
  }

  /** One look's findings through the state machine, one look at a time; then what is due is told and the state kept. */
  private judge(scope: AlertRule[], look: () => { findings: Finding[]; scope?: AlertRule[]; memoryChanged: boolean }): Promise<void> {
    const run = this.serial.then(async () => {
      const { config, clock } = this.options;
      const now = clock();
      const { findings, scope: wider, memoryChanged } = look();
      const applied = applyFindings(this.state.records, wider ?? scope, findings, now, config.cooldownMinutes * 60_000);
      const timing = {
        cooldownMs: config.cooldownMinutes * 60_000,
        reminderMs: config.reminderMinutes * 60_000,
        keepMs: config.keepDays * 86_400_000,
      };
      const told = tell(applied.records, this.options.mutes(), now, timing);
      this.checkedAt = now.toISOString();
      // What was told counts only once it is queued: a delivery that could not be queued is told at the next look.
      this.state.records = applied.records;
      if (told.tells.length > 0) await this.options.deliver(told.tells);
      this.state.records = told.records;
      await Promise.all([
        applied.changed || told.changed ? this.state.saveRecords() : undefined,
        memoryChanged ? this.state.saveMemory() : undefined,
      ]);
    });
    this.serial = run.catch(() => undefined);
    return run;
  }
}
