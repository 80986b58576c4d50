/**
 * What a search (grep over a log) and a follow stream may cost, by construction:
 * every child runs under kernel limits (the exec door's `limits`, util-linux
 * `prlimit`), and only so many run at once, per credential and overall. A pattern
 * list alone cannot know every costly regex; these bounds hold whatever the pattern.
 */
import type { ChildLimits } from '../../../src/platform/exec.js';
import type { AgentConfig } from '../../config.js';
import type { Actor } from '../../env.js';
import { ApiError } from '../../errors.js';

const MiB = 1024 * 1024;

/** grep over a whole file or the journal's entries: `.{1,255}` repeated fills this in about 3 s, then grep says "memory exhausted". */
export const SEARCH_CHILD: ChildLimits = { memoryBytes: 256 * MiB, cpuSeconds: 90 };
/**
 * tail -F and the follow filter live as long as the reader: a smaller address space,
 * and CPU seconds (not wall time, so an idle follow is never cut) as their time limit.
 */
export const FOLLOW_CHILD: ChildLimits = { memoryBytes: 128 * MiB, cpuSeconds: 600 };
/**
 * journalctl maps journal files (file-backed, 8 MiB windows, each open file's header
 * too) besides its own heap, so its address space needs far more room; PCRE2's own
 * heap limit is what bounds --grep, this only a backstop.
 */
export const JOURNAL_CHILD: ChildLimits = { memoryBytes: 2048 * MiB, cpuSeconds: 600 };

/** Said when a child ran out of its address space. */
export function outOfMemory(stderr: string): boolean {
  return /memory exhausted|cannot allocate memory|out of memory/i.test(stderr);
}

/** The 400 for a pattern whose grep ran out of its memory ceiling. */
export function patternTooCostly(limits: ChildLimits): ApiError {
  return new ApiError(
    400,
    `Invalid query parameter grep: the pattern needs more than the ${(limits.memoryBytes ?? 0) / MiB} MiB a search may use.`,
    {
      hint: 'Use fewer or smaller {n,m} repetitions, e.g. "[0-9]{1,5}" rather than ".{1,200}".',
    },
  );
}

export const RETRY_AFTER_SECONDS = 10;

export interface SlotLimits {
  perCredential: number;
  total: number;
}

/** Counts what runs at once for one kind of work (searches, follows); beyond a limit, a 429. */
export class Slots {
  private readonly byCredential = new Map<string, number>();
  private running = 0;

  constructor(
    private readonly kind: string,
    private readonly limits: SlotLimits,
  ) {}

  /** Takes a slot for `credential`, or throws a 429 with Retry-After; the returned function gives it back (once). */
  take(credential: string): () => void {
    const mine = this.byCredential.get(credential) ?? 0;
    if (mine >= this.limits.perCredential || this.running >= this.limits.total) {
      const whose =
        mine >= this.limits.perCredential ? `${this.limits.perCredential} for one login or token` : `${this.limits.total} on this server`;
      throw new ApiError(429, `Too many ${this.kind} at once (at most ${whose}).`, {
        hint: `Wait for one to finish, or stop one, and try again in ${RETRY_AFTER_SECONDS} s.`,
        headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
      });
    }
    this.byCredential.set(credential, mine + 1);
    this.running += 1;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.running -= 1;
      const left = (this.byCredential.get(credential) ?? 1) - 1;
      if (left > 0) this.byCredential.set(credential, left);
      else this.byCredential.delete(credential);
    };
  }

  /** Runs `work` holding a slot. */
  async run<T>(credential: string, work: () => Promise<T>): Promise<T> {
    const release = this.take(credential);
    try {
      return await work();
    } finally {
      release();
    }
  }
}

/** The agent's two pools: searches (grep over a log) and follow streams. */
export interface SearchSlots {
  searches: Slots;
  follows: Slots;
}

const pools = new WeakMap<object, SearchSlots>();

/** One pair of pools per agent (its deps), shared by the API and the pages. */
export function searchSlots(deps: { config: AgentConfig }): SearchSlots {
  let slots = pools.get(deps);
  if (!slots) {
    const { searches, follows } = deps.config.concurrency;
    slots = { searches: new Slots('searches', searches), follows: new Slots('follow streams', follows) };
    pools.set(deps, slots);
  }
  return slots;
}

/** Whose slots a request uses: the login's user name, or the API token. */
export function credentialOf(actor: Actor): string {
  return `${actor.via}:${actor.name}`;
}
