import type { AuditEntry } from '../../api/core.js';
import type { Host } from '../host.js';
import { PATHS } from '../input.js';

/** The agent's audit log; certificate requests and installs go there too, so `hms audit` and the dashboard show them. */
export const AUDIT_LOG = `${PATHS.stateDir}/audit.jsonl`;

/** One line appended as root (the agent runs as root) once provisioning made the agent's state folder; 0640 as the agent makes it. */
export async function appendAudit(host: Host, entry: Omit<AuditEntry, 'at'>, now = new Date()): Promise<void> {
  const line = `${JSON.stringify({ at: now.toISOString(), ...entry })}\n`;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
  await host.run(['sh', '-c', 'umask 027; [ -d "${1%/*}" ] && cat >> "$1"; exit 0', 'audit', AUDIT_LOG], {
    input: line,
    timeoutMs: 15_000,
  });
}
