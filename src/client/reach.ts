/**
 * A bounded wait for a server to answer at all, for views that show many servers at
 * once (`--all`, the TUI overview): a server that drops packets must not hold the
 * others for the SSH layer's full handshake timeout. A refused port fails at once anyway.
 */
import { HmsError } from '../core/errors.js';
import type { Config } from '../config/schema.js';
import type { Connected } from './connect.js';

/** Seconds --all and the overview wait for a server's SSH to answer, unless `connection.reachSeconds` says otherwise. */
export const REACH_SECONDS = 5;

export function reachSeconds(config: Config | undefined): number {
  return config?.connection?.reachSeconds ?? REACH_SECONDS;
}

/** The error of a server that did not answer in time: the message a person reads in the row of that server. */
export class UnreachableError extends HmsError {
  constructor(
    readonly server: string,
    readonly seconds: number,
  ) {
    super(`unreachable (timed out after ${seconds} s)`, {
      hint:
        `${server} did not answer SSH in ${seconds} s: check that it is up and that its port is open; ` +
        `\`hms status --server ${server}\` waits longer. connection.reachSeconds in hms.config.json sets this wait.`,
    });
    this.name = 'UnreachableError';
  }
}

/**
 * Resolves once the server answers (through its holder, or the SSH handshake done), or rejects
 * with UnreachableError after `seconds`; the attempt itself goes on in the background
 * and ends by its own timeout. A transport without SSH (--via https) is not waited on here.
 */
export async function reachWithin(connected: Connected, seconds: number): Promise<void> {
  if (!connected.reach) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnreachableError(connected.name, seconds)), seconds * 1000);
  });
  try {
    await Promise.race([connected.reach(), late]);
  } finally {
    clearTimeout(timer);
  }
}
