/**
 * Units provisioning wrote that the config no longer wants (a removed schedule's timer,
 * a removed worker): found by the marker line their template carries, stopped and
 * disabled, and their files moved into /var/lib/hms/replaced/<time>/ rather than
 * deleted, so nothing keeps running that nobody asked for and nothing is lost.
 */
import { REPLACED_DIR } from './files.js';
import type { Host } from './host.js';
import { PATHS } from './input.js';

/** The change line a retiring unit gets in the plan. */
export const RETIRE = ': no longer configured: stop, disable, keep its files aside';

/** Units (`*.<suffix>` in the units folder) whose file holds `marker`, that are not `wanted`, sorted. */
export async function unwantedUnits(host: Host, suffix: 'timer' | 'service', marker: string, wanted: Set<string>): Promise<string[]> {
  const found = await host.run([
    'find',
    PATHS.units,
    '-maxdepth',
    '1',
    '-name',
    `*.${suffix}`,
    '-exec',
    'grep',
    '-l',
    '-F',
    '--',
    marker,
    '{}',
    '+',
  ]);
  return found.stdout
    .split('\n')
    .filter(Boolean)
    .map((path) => path.slice(path.lastIndexOf('/') + 1))
    .filter((unit) => !wanted.has(unit))
    .sort();
}

/** A folder under REPLACED_DIR named for now, for what one run sets aside. */
export function keepFolder(): string {
  return `${REPLACED_DIR}/${new Date().toISOString().replace(/[-:]|\.\d+/g, '')}`;
}

/** Stops and disables `units` (the first is the one enabled), then moves `files` into `keep`, each under its own path. */
export async function retire(host: Host, units: string[], files: string[], keep: string): Promise<void> {
  await host.must(['systemctl', 'disable', '--now', '--quiet', '--', units[0]!], `stop and disable ${units[0]}`);
  if (units.length > 1) await host.run(['systemctl', 'stop', '--', ...units.slice(1)]);
  // A run or a process stopped halfway leaves its unit failed: nothing removed stays in `systemctl --failed`.
  await host.run(['systemctl', 'reset-failed', '--', ...units]);
  for (const path of files) {
    const copy = `${keep}${path}`;
    await host.must(['install', '-d', '-m', '700', '--', REPLACED_DIR, keep, copy.slice(0, copy.lastIndexOf('/'))], `mkdir ${keep}`);
    await host.must(['sh', '-c', 'if [ -e "$1" ]; then mv -- "$1" "$2"; fi', 'retire', path, copy], `keep ${path} aside`);
  }
}
