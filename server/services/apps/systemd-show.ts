/**
 * `systemctl show` as data: one batched argv for every unit the agent watches, and a
 * parser for what systemd 252 prints. Pure functions; running them is systemd.ts's job.
 */
import type { UnitState } from '../../../src/api/apps.js';

/** Property names as systemd 252 spells them (org.freedesktop.systemd1(5)). */
export const UNIT_PROPERTIES = [
  'Id',
  'LoadState',
  'ActiveState',
  'SubState',
  'ActiveEnterTimestamp',
  'StateChangeTimestamp',
  'MainPID',
  'MemoryCurrent',
  'NRestarts',
  'Result',
  'Description',
  'ControlGroup',
] as const;

/**
 * One process for all units. `--timestamp=utc` makes every timestamp end in "UTC"
 * whatever the server's time zone, so it parses exactly (the default prints the
 * local zone's abbreviation, e.g. "CET", which JavaScript cannot resolve).
 * Because `-p` names the properties, systemctl prints them even when empty.
 */
export function showArgv(units: readonly string[]): string[] {
  return ['systemctl', 'show', '--no-pager', '--timestamp=utc', '-p', UNIT_PROPERTIES.join(','), '--', ...units];
}

/**
 * systemctl prints one block of `Key=value` lines per unit, in the order the units
 * were given, blocks separated by one blank line; properties inside a block come in
 * D-Bus order, not in `-p` order, so they are read by name.
 */
export function parseShow(stdout: string, units: readonly string[]): UnitState[] {
  const blocks = showBlocks(stdout);
  return units.map((unit, index) => unitState(unit, blocks[index] ?? new Map()));
}

/** Each unit's block of `systemctl show` as its properties by name, in the order the units were given. */
export function showBlocks(stdout: string): Map<string, string>[] {
  return stdout
    .replace(/\r/g, '')
    .trim()
    .split(/\n\s*\n/)
    .map(parseBlock);
}

function parseBlock(block: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const line of block.split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) properties.set(line.slice(0, equals), line.slice(equals + 1));
  }
  return properties;
}

function unitState(unit: string, p: Map<string, string>): UnitState {
  const activeState = p.get('ActiveState') || 'unknown';
  return {
    unit: p.get('Id') || unit,
    description: p.get('Description') ?? '',
    loadState: p.get('LoadState') || 'unknown',
    activeState,
    subState: p.get('SubState') || 'unknown',
    // Inactive units keep the time they last were active; "since" means the current state.
    since: parseTimestamp(
      activeState === 'active' || activeState === 'reloading' ? p.get('ActiveEnterTimestamp') : p.get('StateChangeTimestamp'),
    ),
    mainPid: positive(p.get('MainPID')),
    memoryBytes: counter(p.get('MemoryCurrent')),
    restarts: counter(p.get('NRestarts')),
    result: p.get('Result') || null,
    controlGroup: p.get('ControlGroup') || null,
  };
}

const UTC_TIMESTAMP = /^[A-Z][a-z]{2} (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d{1,6})? UTC$/;

/**
 * "Wed 2026-11-25 18:02:11 UTC" (also with microseconds, or "@1764093731" from
 * --timestamp=unix) -> ISO 8601; empty, "n/a" or anything else -> null.
 */
export function parseTimestamp(value: string | undefined): string | null {
  if (!value) return null;
  const unix = /^@(\d+)$/.exec(value);
  if (unix) return new Date(Number(unix[1]) * 1000).toISOString();
  const match = UTC_TIMESTAMP.exec(value);
  if (!match) return null;
  const millis = match[3] ? match[3].slice(0, 4).padEnd(4, '0') : '.000';
  const date = new Date(`${match[1]}T${match[2]}${millis}Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** "[not set]" (UINT64_MAX) or garbage -> null. */
function counter(value: string | undefined): number | null {
  if (!value || !/^\d+$/.test(value)) return null;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : null;
}

/** MainPID=0 means "no main process". */
function positive(value: string | undefined): number | null {
  const number = counter(value);
  return number === null || number === 0 ? null : number;
}
