/** audit = every state-changing action, one JSON line each in <stateDir>/audit.jsonl, read newest first. */
export { AuditLog } from './audit.js';
