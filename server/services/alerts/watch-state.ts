/**
 * What the watcher keeps between looks and across restarts, in <stateDir>/alerts/:
 * incidents.json (open, and resolved within keepDays), watch.json (the audit log's
 * cursor, each unit as last seen, the audit rules' memory). Written only when changed,
 * one writer per file.
 */
import path from 'node:path';
import type { IncidentRecord } from './incidents.js';
import type { AuditCursor } from './audit-cursor.js';
import { SerialWriter } from './outbox-files.js';
import { emptyAuditMemory, type AuditMemory } from './rules-audit.js';
import type { UnitMemory } from './rules-units.js';
import { ensureDir, readJson } from './state-files.js';

export interface WatchMemory {
  /** null until the first look: the watcher then starts at the log's end. */
  audit: AuditCursor | null;
  units: Record<string, UnitMemory>;
  auditRules: AuditMemory;
}

export class WatchState {
  private readonly incidentsWriter = new SerialWriter();
  private readonly memoryWriter = new SerialWriter();
  records: IncidentRecord[] = [];
  memory: WatchMemory = { audit: null, units: {}, auditRules: emptyAuditMemory() };

  constructor(readonly dir: string) {}

  private get incidentsFile(): string {
    return path.join(this.dir, 'incidents.json');
  }

  private get memoryFile(): string {
    return path.join(this.dir, 'watch.json');
  }

  async load(): Promise<void> {
    await ensureDir(this.dir);
    this.records = await readJson<IncidentRecord[]>(this.incidentsFile, []);
    const memory = await readJson<Partial<WatchMemory>>(this.memoryFile, {});
    this.memory = {
      audit: memory.audit ?? null,
      units: memory.units ?? {},
      auditRules: { ...emptyAuditMemory(), ...memory.auditRules },
    };
  }

  saveRecords(): Promise<void> {
    return this.incidentsWriter.write(this.incidentsFile, () => this.records);
  }

  saveMemory(): Promise<void> {
    return this.memoryWriter.write(this.memoryFile, () => this.memory);
  }
}
