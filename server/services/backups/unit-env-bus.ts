/**
 * The units' own variables (Environment=, then EnvironmentFile=) and the backup timer from
 * systemd's D-Bus socket: what unitEnvironments (deploys) and the overview's `systemctl show`
 * of the timer read, with one connection and no process.
 */
import { readFile } from 'node:fs/promises';
import { parseEnvFile } from '../../../src/core/env-file.js';
import type { AgentDeps } from '../../env.js';
import { type BusAnswer, unitPropertiesOrNull } from '../apps/index.js';

const SERVICE = 'org.freedesktop.systemd1.Service';
const ENVIRONMENT_PROPERTIES: Array<[string, string]> = [
  ['org.freedesktop.systemd1.Unit', 'Id'],
  [SERVICE, 'Environment'],
  [SERVICE, 'EnvironmentFiles'],
];
const TIMER_PROPERTIES: Array<[string, string]> = [
  ['org.freedesktop.systemd1.Unit', 'LoadState'],
  ['org.freedesktop.systemd1.Timer', 'NextElapseUSecRealtime'],
];
/** A timer's LoadState and next run; any other unit's environment. */
const backupProperties = (unit: string) => (unit.endsWith('.timer') ? TIMER_PROPERTIES : ENVIRONMENT_PROPERTIES);

/**
 * The app units' variables and the timer's properties, in one question to systemd; null
 * where systemd cannot be asked this way (the caller runs `systemctl show`). A unit systemd
 * shows under another Id (an alias) is absent, as from systemctl: the caller asks for it
 * alone. Missing env files are skipped, as systemd does.
 */
export async function busBackupUnits(
  deps: AgentDeps,
  units: string[],
  timer: string,
): Promise<{ environments: Map<string, NodeJS.ProcessEnv>; timer: Map<string, BusAnswer> } | null> {
  const answers = await unitPropertiesOrNull(deps.exec, [...units, timer], backupProperties);
  if (!answers) return null;
  const environments = new Map<string, NodeJS.ProcessEnv>();
  await Promise.all(
    units.map(async (unit, index) => {
      const properties = answers[index]!;
      if (properties.get('Id') !== unit) return;
      environments.set(unit, await environmentOf(properties.get('Environment'), properties.get('EnvironmentFiles')));
    }),
  );
  return { environments, timer: answers[units.length]! };
}

/** `as` of "NAME=value", then `a(sb)` of (path, ignore errors): the files' variables win, as in systemd. */
export async function environmentOf(inline: unknown, files: unknown): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {};
  for (const word of Array.isArray(inline) ? inline : []) {
    const equals = typeof word === 'string' ? word.indexOf('=') : -1;
    if (equals > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(word.slice(0, equals))) env[word.slice(0, equals)] = word.slice(equals + 1);
  }
  const paths = (Array.isArray(files) ? files : []).map((file) => (Array.isArray(file) ? file[0] : undefined));
  const texts = await Promise.all(
    paths.map((file) => (typeof file === 'string' && file.startsWith('/') ? readFile(file, 'utf8').catch(() => null) : null)),
  );
  for (const text of texts) if (text !== null) Object.assign(env, parseEnvFile(text));
  return env;
}
