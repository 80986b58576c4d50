/**
 * Counters for benchmarks and debugging: lines received per log, lines the agent
 * reported dropped, batches drawn, and for lines carrying `seq=N` (what the
 * benchmark writes) which numbers came. Written as JSON on exit when
 * HMS_TUI_STATS_FILE names a file (tests/bench/tui.bench.ts reads it).
 */
export interface SourceStats {
  received: number;
  /** Lines the agent skipped because we read too slowly (its `dropped` events). */
  droppedByAgent: number;
  firstText?: string;
  lastText?: string;
  /** When the last line came (ms since the epoch). */
  lastAt?: number;
  /** Lines with `seq=N`: how many, the first and last N, and how often N was not the previous + 1. */
  seq?: { count: number; first: number; last: number; jumps: number };
}

/** Ten flushes a second for half an hour. */
const MAX_LAG_SAMPLES = 18_000;
const SEQ = /\bseq=(\d+)\b/;

export class TuiStats {
  readonly sources: Record<string, SourceStats> = {};
  batches = 0;
  largestBatch = 0;
  /** How far behind each flushed batch was, as [when (ms since the epoch), now minus its newest line's time (ms)], bounded. */
  readonly lagMs: Array<[at: number, lag: number]> = [];
  readonly startedAt = Date.now();
  firstDataAt?: number;

  /** Lines of `source` that came together. */
  lines(source: string, texts: readonly { text: string }[]): void {
    if (texts.length === 0) return;
    const stats = (this.sources[source] ??= { received: 0, droppedByAgent: 0 });
    stats.received += texts.length;
    stats.firstText ??= texts[0]!.text;
    stats.lastText = texts.at(-1)!.text;
    stats.lastAt = Date.now();
    for (const { text } of texts) {
      // At 50,000 lines a second every allocation counts: no regex unless the line has a seq.
      const at = text.indexOf('seq=');
      if (at < 0) continue;
      const match = SEQ.exec(text.slice(Math.max(0, at - 1)));
      if (match) this.seq(stats, Number(match[1]));
    }
  }

  private seq(stats: SourceStats, n: number): void {
    if (!stats.seq) stats.seq = { count: 1, first: n, last: n, jumps: 0 };
    else {
      if (n !== stats.seq.last + 1) stats.seq.jumps += 1;
      stats.seq.count += 1;
      stats.seq.last = n;
    }
  }

  dropped(source: string, count: number): void {
    (this.sources[source] ??= { received: 0, droppedByAgent: 0 }).droppedByAgent += count;
  }

  batch(size: number): void {
    this.batches += 1;
    this.largestBatch = Math.max(this.largestBatch, size);
  }

  /** A batch reached the log view's buffer; `ts` is its newest line's time. */
  lag(ts: string | undefined): void {
    if (ts === undefined || this.lagMs.length >= MAX_LAG_SAMPLES) return;
    const written = Date.parse(ts);
    const now = Date.now();
    if (!Number.isNaN(written)) this.lagMs.push([now, now - written]);
  }

  data(): void {
    this.firstDataAt ??= Date.now();
  }

  toJSON(): object {
    return {
      sources: this.sources,
      batches: this.batches,
      largestBatch: this.largestBatch,
      lagMs: this.lagMs,
      firstDataMs: this.firstDataAt === undefined ? null : this.firstDataAt - this.startedAt,
      cpu: process.cpuUsage(),
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      memory: process.memoryUsage(),
    };
  }
}
