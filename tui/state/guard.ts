/**
 * What may happen before an action reaches a server: --readonly refuses everything
 * that changes one (and says so), destructive actions ask y/n first.
 */
export type PendingAction =
  | { kind: 'app'; action: 'start' | 'stop' | 'restart'; server: string; app: string }
  | { kind: 'apply-config'; server: string; site: string }
  | { kind: 'edit-config'; server: string; site: string }
  | { kind: 'run-script'; server: string; name: string; args: string[] };

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
  }
}

export function guard(action: PendingAction, readonly: boolean): Verdict {
  // Scripts run arbitrary code on the server (restart_service.sh restarts units): not in a read-only session.
  if (readonly) return { kind: 'refuse', reason: `${READONLY_REASON}: cannot ${describeAction(action)}. Start hms without --readonly to change things.` };
  if (action.kind === 'app' && action.action !== 'start') return { kind: 'confirm', question: `${capitalize(describeAction(action))}?` };
  if (action.kind === 'apply-config') return { kind: 'confirm', question: `Apply the edited ${action.site} on ${action.server} (nginx -t, then reload)?` };
  return { kind: 'run' };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
