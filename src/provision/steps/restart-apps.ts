/**
 * Applying settings: systemd reads an EnvironmentFile when it starts a unit, so an app
 * whose env file changed gets its running processes restarted, one after another: the
 * web unit with `systemctl restart` (its socket stays open, so requests wait for the new
 * puma instead of failing; a phased reload would keep the master's old environment),
 * then each worker with `systemctl try-restart`, which leaves a unit that is missing or
 * stopped alone. Stateless: a running unit needs it when the file it would read differs
 * from hms's (a dry run), or was written after the unit started (this run, or a run that
 * stopped before its restarts).
 */
import { workersOf } from '../../config/app-extras.js';
import { inspectFiles, sha256 } from '../files.js';
import { PATHS, type ProvisionInput } from '../input.js';
import type { Step } from '../step.js';
import { appEnvFiles, appEnvPath } from './secrets.js';

interface UnitStart {
  unit: string;
  active: boolean;
  /** When it last became active, in seconds since the epoch (microseconds kept). */
  since: number | undefined;
}

/** The web unit first, then the workers in name order. */
export function appUnits(app: string, config: ProvisionInput['apps'][number][1]): string[] {
  return [`${app}.service`, ...workersOf(config).map((worker) => `${app}-${worker.name}.service`)];
}

/** `systemctl show --timestamp=us+utc -p Id -p ActiveState -p ActiveEnterTimestamp` as data. */
export function parseUnitStarts(stdout: string): UnitStart[] {
  return stdout
    .split(/\n\s*\n/)
    .filter((block) => block.trim())
    .map((block) => {
      const field = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(block)?.[1]?.trim() ?? '';
      const at = /(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))? UTC/.exec(field('ActiveEnterTimestamp'));
      const since = at ? Date.parse(`${at[1]}T${at[2]}Z`) / 1000 + Number(`0.${at[3] ?? '0'}`) : undefined;
      return { unit: field('Id'), active: field('ActiveState') === 'active', since };
    });
}

/** `stat -c '%.9Y %n'` as path -> modification time in seconds. */
export function parseModified(stdout: string): Map<string, number> {
  const times = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    const match = /^(\d+(?:\.\d+)?) (.+)$/.exec(line);
    if (match) times.set(match[2]!, Number(match[1]));
  }
  return times;
}

const restartLine = (unit: string, web: boolean, why: 'env' | 'unit') =>
  `${unit}: ${web ? 'restart' : 'try-restart'} (${
    why === 'env' ? 'its env file changed since it started; it reads the file only then' : 'its unit file changed since it started'
  })`;

export function restartAppsStep(input: ProvisionInput): Step {
  return {
    id: 'restart-apps',
    title: 'Restart the running processes of apps whose env file or unit changed',
    doc: {
      why:
        "systemd reads an app's env file only when it starts the app's units, so new settings, a new REDIS_URL or a " +
        'rotated password reach an app through a restart: its web unit (systemd holds the socket, so requests wait for the new puma ' +
        'rather than fail; a phased reload would keep the old environment), then each worker, one after another. Units that are ' +
        'not running are left alone.',
      commands: ['systemctl restart <app>.service   # only if running', 'systemctl try-restart <app>-<worker>.service   # each worker'],
      verify: ['hms env <app>   # every variable "same"', 'hms exec <app> -- printenv <NAME>'],
    },
    async check(host) {
      const units = input.apps.flatMap(([app, config]) =>
        appUnits(app, config).map((unit) => ({ app, unit, web: unit === `${app}.service` })),
      );
      if (units.length === 0) return [];
      const shown = await host.run([
        'systemctl',
        'show',
        '--timestamp=us+utc',
        '-p',
        'Id',
        '-p',
        'ActiveState',
        '-p',
        'ActiveEnterTimestamp',
        '--',
        ...units.map((u) => u.unit),
      ]);
      const starts = new Map(parseUnitStarts(shown.stdout).map((start) => [start.unit, start]));
      const running = units.filter((u) => starts.get(u.unit)?.active);
      if (running.length === 0) return [];
      const files = appEnvFiles(input);
      const states = await inspectFiles(
        host,
        files.map((file) => file.path),
      );
      const unitFile = (unit: string) => `${PATHS.units}/${unit}`;
      const paths = [...files.map((file) => file.path), ...running.map((u) => unitFile(u.unit))];
      const modified = parseModified((await host.run(['stat', '-c', '%.9Y %n', '--', ...paths])).stdout);
      const newer = (path: string, since: number | undefined) => {
        const written = modified.get(path);
        return written !== undefined && (since === undefined || written > since);
      };
      const stale = (app: string, since: number | undefined) => {
        const file = files.find((f) => f.path === appEnvPath(app))!;
        return states.get(file.path)?.hash !== sha256(file.content) || newer(file.path, since);
      };
      // A unit file written after the unit started (a worker's new command, this run's units step): systemd runs the old one.
      return running.flatMap((u) => {
        const since = starts.get(u.unit)?.since;
        if (stale(u.app, since)) return [restartLine(u.unit, u.web, 'env')];
        return newer(unitFile(u.unit), since) ? [restartLine(u.unit, u.web, 'unit')] : [];
      });
    },
    async apply(host, changes) {
      // One after another, in the order check gave: the web unit, then each worker.
      for (const change of changes) {
        const [, unit, action] = /^(\S+\.service): (restart|try-restart) /.exec(change) ?? [];
        if (unit && action) await host.must(['systemctl', action, '--', unit], `${action} ${unit}`, { timeoutMs: 180_000 });
      }
    },
  };
}
