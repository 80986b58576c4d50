/**
 * After a swap: reload nginx through systemd and check that it is still running.
 * A failure says at which stage, in systemd's own words.
 */
import type { AgentDeps } from '../../env.js';

const RELOAD_TIMEOUT_MS = 60_000;
const CHECK_TIMEOUT_MS = 10_000;

export class ReloadFailure extends Error {
  constructor(
    readonly stage: 'reload' | 'health',
    message: string,
  ) {
    super(message);
    this.name = 'ReloadFailure';
  }
}

function output(result: { stdout: string; stderr: string }): string {
  return (result.stderr.trim() || result.stdout.trim()).slice(0, 4000);
}

/** `systemctl reload <unit>`, then `systemctl is-active <unit>` must say `active`. */
export async function reloadNginx(deps: AgentDeps): Promise<void> {
  const unit = deps.config.nginx.unit;
  const reload = await deps.exec(['systemctl', 'reload', unit], { timeoutMs: RELOAD_TIMEOUT_MS }).catch((error: Error) => {
    throw new ReloadFailure('reload', error.message);
  });
  if (reload.code !== 0) {
    const why = reload.timedOut ? `timed out after ${RELOAD_TIMEOUT_MS / 1000} s` : `exit ${reload.code}`;
    throw new ReloadFailure('reload', `systemctl reload ${unit} failed (${why}): ${output(reload) || 'no message'}`);
  }
  const check = await deps.exec(['systemctl', 'is-active', unit], { timeoutMs: CHECK_TIMEOUT_MS }).catch((error: Error) => {
    throw new ReloadFailure('health', error.message);
  });
  const state = check.stdout.trim();
  if (check.code !== 0 || state !== 'active') {
    throw new ReloadFailure(
      'health',
      `${unit} is ${state || 'in an unknown state'} after the reload${check.stderr.trim() ? `: ${check.stderr.trim()}` : ''}`,
    );
  }
}
