import type { Host } from './host.js';

/** How the step reads in DEPLOYMENT_LOG.md: why, the equivalent commands, how to verify. */
export interface StepDoc {
  why: string;
  commands: string[];
  verify: string[];
}

/**
 * One idempotent provisioning step: `check` only reads and says what differs;
 * `apply` changes exactly that. A step whose check finds nothing is skipped.
 * `note` takes what a person should know but that is not a change (a file kept as
 * edited on the server): it is reported, and the step stays up to date.
 */
export interface Step {
  id: string;
  title: string;
  doc: StepDoc;
  check(host: Host, note?: (text: string) => void): Promise<string[]>;
  apply(host: Host, changes: string[]): Promise<void>;
}
