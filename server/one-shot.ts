/**
 * The agent's one-shot runs, started by the backup timers (templates/systemd/hms-backup.*):
 * `backup-scheduled` backs up, drills and thins out every app's database; `backup-check`
 * checks a part of the repository. In-process and as root, with the same services,
 * records, locks and audit log as the agent's routes; no HTTP server, no credentials.
 */
import { exec } from '../src/platform/exec.js';
import type { AgentConfig } from './config.js';
import type { AgentDeps } from './env.js';
import { AuditLog } from './services/audit/index.js';
import { runCheck, runScheduledBackups } from './services/backups/index.js';

export const ONE_SHOT_MODES = ['backup-scheduled', 'backup-check'] as const;
export type OneShotMode = (typeof ONE_SHOT_MODES)[number];

/** Who the audit log names for each run. */
const ACTORS: Record<OneShotMode, string> = { 'backup-scheduled': 'hms-backup.timer', 'backup-check': 'hms-backup-check.timer' };

/** A one-shot run answers no request: it holds no login, session key nor token. */
const NO_CREDENTIALS = { adminUsername: '', adminPasswordHash: '', adminPasswordSource: '', jwtSecret: '', apiToken: '' };

/** Runs the mode, prints one line per app (or for the check) for the journal, and answers the exit code. */
export async function runOneShot(mode: OneShotMode, config: AgentConfig, version: string, configFile: string): Promise<number> {
  const clock = () => new Date();
  const deps: AgentDeps = {
    config,
    secrets: NO_CREDENTIALS,
    exec,
    clock,
    audit: new AuditLog(config.stateDir, clock),
    version,
    startedAt: clock(),
    configFile,
  };
  const actor = ACTORS[mode];
  if (mode === 'backup-check') {
    const check = await runCheck(deps, actor);
    console.log(
      check.ok ? `restic check of data subset ${check.subset}: ok` : `restic check of data subset ${check.subset}: ${check.error}`,
    );
    return check.ok ? 0 : 1;
  }
  const results = await runScheduledBackups(deps, actor);
  if (results.length === 0) console.log('no app has a PostgreSQL database: nothing to back up');
  for (const result of results) console.log(`${result.app}: ${result.ok ? 'ok' : 'FAILED'}: ${result.lines.join('; ')}`);
  return results.every((result) => result.ok) ? 0 : 1;
}
