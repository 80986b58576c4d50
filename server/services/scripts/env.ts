/**
 * How a script is launched: its argv and its environment (PATH and LANG, plus the
 * HMS_* variables the remote-cli-tools read, computed from the agent config).
 * Nothing else of the agent's environment (its secrets included) reaches a script.
 */
import path from 'node:path';
import type { AgentConfig } from '../../config.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The folder that holds every app as `<folder>/<name>` (e.g. /var/www), or undefined when they do not share one. */
export function commonAppRoot(apps: AgentConfig['apps']): string | undefined {
  const parents = new Set(Object.entries(apps).map(([name, app]) => (path.basename(app.root) === name ? path.dirname(app.root) : null)));
  const [only] = parents;
  return parents.size === 1 && only ? only : undefined;
}

export function scriptEnv(config: AgentConfig, agentEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const apps = Object.entries(config.apps);
  const units = new Set([...apps.map(([, app]) => app.unit), config.nginx.unit, config.agentUnit]);
  const env: Record<string, string> = {
    PATH: agentEnv.PATH || DEFAULT_PATH,
    LANG: agentEnv.LANG || 'C.UTF-8',
    HMS_APPS: apps.map(([name]) => name).join(' '),
    HMS_NGINX_LOG_DIR: path.dirname(config.nginx.accessLog),
    HMS_UNITS: [...units].join(' '),
  };
  const appRoot = commonAppRoot(config.apps);
  if (appRoot) env.HMS_APP_ROOT = appRoot;
  return env;
}

/** Seconds after the agent's own timeout at which `timeout` gives up by itself (a backstop). */
const BACKSTOP_SECONDS = 10;

/**
 * `[script, ...args]` under coreutils `timeout`, which runs it in its own process
 * group: when the agent stops the run (time out, client gone) `timeout` passes the
 * SIGTERM to the whole group, and SIGKILL 5 s later. Killing the script alone would
 * leave a child it waits on (sleep, openssl, systemctl) running with the output
 * pipes open, and the run would not end.
 */
export function scriptArgv(file: string, args: readonly string[], timeoutSeconds: number): string[] {
  return ['timeout', '--kill-after=5', String(timeoutSeconds + BACKSTOP_SECONDS), file, ...args];
}
