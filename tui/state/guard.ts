/**
 * What may happen before an action reaches a server: --readonly refuses everything
 * that changes one (and says so), destructive actions ask y/n first.
 */
import { formatMinutes } from '../../src/core/incident-format.js';
import type { TestGate } from './deploy-run.js';

export type PendingAction =
  | { kind: 'app'; action: 'start' | 'stop' | 'restart'; server: string; app: string }
  | { kind: 'apply-config'; server: string; site: string }
  | { kind: 'edit-config'; server: string; site: string }
  | { kind: 'run-script'; server: string; name: string; args: string[] }
  | { kind: 'run-schedule'; server: string; app: string; name: string }
  /** `tests`: the app's test gate, run here first unless `skipTests` (asked after they failed). */
  | { kind: 'deploy'; server: string; app: string; ref: string; tests?: TestGate | undefined; skipTests?: boolean | undefined }
  | { kind: 'rollback'; server: string; app: string; release: string }
  | { kind: 'lock'; server: string; app: string; reason: string }
  | { kind: 'unlock'; server: string; app: string }
  | { kind: 'agent-update'; server: string }
  | { kind: 'agent-restore'; server: string; release: string }
  | { kind: 'console'; server: string; app: string }
  | { kind: 'maintenance'; server: string; app: string; on: boolean; message?: string | undefined }
  | BackupAction
  | AlertAction;

/** The incidents screen's actions: a rule's or an app's alerts held back for a while, let through again, a test to every channel. */
export type AlertAction =
  | { kind: 'mute'; server: string; target: string; minutes: number }
  | { kind: 'unmute'; server: string; target: string }
  | { kind: 'alert-test'; server: string };

/** The backups screen's actions: back up now, a restore drill of the latest snapshot, a restore of one. */
export type BackupAction =
  | { kind: 'backup'; server: string; app: string }
  | { kind: 'drill'; server: string; app: string }
  | { kind: 'restore'; server: string; app: string; snapshot: string };

export type Verdict = { kind: 'refuse'; reason: string } | { kind: 'confirm'; question: string } | { kind: 'run' };

export const READONLY_REASON = 'read-only session (--readonly)';

export function describeAction(action: PendingAction): string {
  switch (action.kind) {
    case 'app':
      return `${action.action} ${action.app} on ${action.server}`;
    case 'apply-config':
      return `apply the edited ${action.site} on ${action.server}`;
    case 'edit-config':
      return `edit ${action.site} on ${action.server}`;
    case 'run-script':
      return `run ${[action.name, ...action.args].join(' ')} on ${action.server}`;
    case 'run-schedule':
      return `run ${action.app}'s scheduled task ${action.name} on ${action.server} now`;
    case 'deploy':
      return `deploy ${action.app} at ${action.ref} on ${action.server}`;
    case 'rollback':
      return `roll ${action.app} on ${action.server} back to ${action.release}`;
    case 'lock':
      return `lock deploys of ${action.app} on ${action.server}`;
    case 'unlock':
      return `unlock deploys of ${action.app} on ${action.server}`;
    case 'agent-update':
      return `update the agent on ${action.server}`;
    case 'agent-restore':
      return `switch the agent on ${action.server} back to ${action.release}`;
    case 'backup':
      return `back up the database of ${action.app} on ${action.server}`;
    case 'drill':
      return `run a restore drill of ${action.app} on ${action.server}`;
    case 'restore':
      return `restore ${action.app} on ${action.server} from snapshot ${action.snapshot.slice(0, 8)}`;
    case 'console':
      return `open the console of ${action.app} on ${action.server}`;
    case 'mute':
      return `mute the alerts of ${action.target} on ${action.server} for ${formatMinutes(action.minutes)}`;
    case 'unmute':
      return `unmute the alerts of ${action.target} on ${action.server}`;
    case 'alert-test':
      return `send a test alert to every channel of ${action.server}`;
    case 'maintenance':
      return action.on
        ? `put ${action.app} on ${action.server} in maintenance`
        : `take ${action.app} on ${action.server} out of maintenance`;
  }
}

const CHECKED = ' (health-checked, rolled back on failure)';

export function guard(action: PendingAction, readonly: boolean): Verdict {
  // Scripts run arbitrary code on the server (restart_service.sh restarts units): not in a read-only session.
  if (readonly)
    return {
      kind: 'refuse',
      reason: `${READONLY_REASON}: cannot ${describeAction(action)}. Start hms without --readonly to change things.`,
    };
  switch (action.kind) {
    case 'app':
      return action.action === 'start' ? { kind: 'run' } : { kind: 'confirm', question: `${capitalize(describeAction(action))}?` };
    case 'apply-config':
      return { kind: 'confirm', question: `Apply the edited ${action.site} on ${action.server} (nginx -t, then reload)?` };
    case 'deploy':
      return { kind: 'confirm', question: deployQuestion(action) };
    case 'rollback':
      return { kind: 'confirm', question: `${capitalize(describeAction(action))}? The database stays as it is.` };
    case 'unlock':
    case 'run-schedule':
      return { kind: 'confirm', question: `${capitalize(describeAction(action))}?` };
    case 'agent-update':
      return { kind: 'confirm', question: `Send this hms's agent to ${action.server} and switch to it${CHECKED}?` };
    case 'agent-restore':
      return { kind: 'confirm', question: `${capitalize(describeAction(action))}${CHECKED}?` };
    case 'restore':
      return { kind: 'confirm', question: restoreQuestion(action) };
    case 'maintenance':
      return { kind: 'confirm', question: maintenanceQuestion(action) };
    case 'mute':
      return { kind: 'confirm', question: `${capitalize(describeAction(action))}? Its incidents are still opened and listed. y/N` };
    case 'alert-test':
      return { kind: 'confirm', question: `${capitalize(describeAction(action))}? y/N` };
    default:
      return { kind: 'run' };
  }
}

function deployQuestion(action: Extract<PendingAction, { kind: 'deploy' }>): string {
  if (action.tests && action.skipTests)
    return `The tests of ${action.app} failed. ${capitalize(describeAction(action))} anyway (audited as tests skipped)? y/N`;
  const tests = action.tests ? ` (its tests run here first: \`${action.tests.command.join(' ')}\`)` : '';
  return `${capitalize(describeAction(action))}${tests}?`;
}

/** Says what goes and what is kept: the live database is replaced, a safety backup and the old database stay. */
function restoreQuestion(action: Extract<PendingAction, { kind: 'restore' }>): string {
  return (
    `${capitalize(describeAction(action))}? It replaces the live database of ${action.app} (503 meanwhile); ` +
    'what is live now is backed up first and kept. y/N'
  );
}

/** Says what users of the site get meanwhile: nginx's 503 page, or the app again. */
function maintenanceQuestion(action: Extract<PendingAction, { kind: 'maintenance' }>): string {
  const then = action.on
    ? `${action.app} answers 503 to every request until maintenance is off`
    : `${action.app} serves its requests again`;
  return `${capitalize(describeAction(action))}? ${then}. y/N`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
