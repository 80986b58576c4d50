/**
 * Picking a log follow up where it was after a reconnect. The follow endpoint has
 * no cursor, only a backlog (`lines`, up to MAX_FOLLOW_BACKLOG), so a resumed stream
 * asks for the whole backlog and this matches it against the last lines already
 * shown: what came before them is dropped (no repeats), what came after is shown
 * (nothing lost, as long as fewer than the backlog were written while away).
 */
import { MAX_FOLLOW_BACKLOG, type LogLine } from '../api/logs.js';

export const RESUME_BACKLOG = MAX_FOLLOW_BACKLOG;
/** How many shown lines must match in a row: enough that a repeated line does not fool it. */
const REMEMBERED = 20;

export class FollowResume {
  private recent: LogLine[] = [];
  private pending: LogLine[] | undefined;
  private firstAt: number | undefined;

  /** True between a reconnect and the point where the new stream meets the old one. */
  get resyncing(): boolean {
    return this.pending !== undefined;
  }

  /** A line that was shown. */
  shown(line: LogLine): void {
    this.recent.push(line);
    if (this.recent.length > REMEMBERED) this.recent.shift();
  }

  /** Lines that were shown, in order: only the last REMEMBERED are kept. */
  shownAll(lines: LogLine[]): void {
    if (lines.length >= REMEMBERED) this.recent = lines.slice(-REMEMBERED);
    else for (const line of lines) this.shown(line);
  }

  /** A new stream opened after a drop: its first lines are the backlog. */
  begin(): void {
    this.pending = this.recent.length > 0 ? [] : undefined;
    this.firstAt = undefined;
  }

  /** How long to wait for the rest of the backlog: it comes in one burst, so `settleMs` after its first line. */
  waitMs(settleMs: number, now = Date.now()): number {
    return this.firstAt === undefined ? settleMs : Math.max(0, this.firstAt + settleMs - now);
  }

  /** A line of the stream: the lines to show now (none while the backlog is being matched). */
  offer(line: LogLine): LogLine[] {
    if (!this.pending) return [line];
    this.firstAt ??= Date.now();
    this.pending.push(line);
    if (this.endsWithRecent(this.pending)) {
      this.pending = undefined;
      return [];
    }
    return this.pending.length >= RESUME_BACKLOG + REMEMBERED ? this.settle().lines : [];
  }

  /**
   * No match (the log rotated, or more lines came than the backlog holds): show the
   * backlog's lines newer than the last one shown. `gap` says lines may be missing.
   */
  settle(): { lines: LogLine[]; gap: boolean } {
    const pending = this.pending ?? [];
    this.pending = undefined;
    const last = this.recent.at(-1)?.ts;
    const seen = new Set(this.recent.map((line) => `${line.ts}\n${line.text}`));
    const lines = pending.filter((line) => !last || !line.ts || (line.ts >= last && !seen.has(`${line.ts}\n${line.text}`)));
    return { lines, gap: pending.length >= RESUME_BACKLOG };
  }

  private endsWithRecent(lines: LogLine[]): boolean {
    const { recent } = this;
    if (lines.length < recent.length) return false;
    const offset = lines.length - recent.length;
    // A line without a time of its own takes the previous line's, which a shorter backlog may not have had.
    return recent.every((line, i) => {
      const other = lines[offset + i]!;
      return other.text === line.text && (other.ts === line.ts || !other.ts || !line.ts);
    });
  }
}
