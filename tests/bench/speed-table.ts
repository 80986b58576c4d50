/**
 * The speed table `npm run bench` prints: each figure measured against its
 * baseline in the same run, as a ratio (or an absolute value where the goal is one),
 * with the goal and whether it was met.
 */
export interface Figure {
  /** What was measured, e.g. "hms status --json, holder warm". */
  figure: string;
  /** What it is compared with in the same run, e.g. "ssh host systemctl show <units>"; "-" for none. */
  baseline: string;
  /** The measured value as people read it, e.g. "212 ms vs 318 ms" or "47.1 MB (bare 43.0 MB)". */
  value: string;
  /** The ratio to the baseline, e.g. 0.67 (undefined where the goal is absolute). */
  ratio?: number | undefined;
  /** The goal as the issue states it, e.g. "<= 0.7x wall". */
  goal: string;
  met: boolean;
}

export function speedTable(figures: Figure[]): string[] {
  const rows = figures.map((f) => [
    f.figure,
    f.baseline,
    f.value,
    f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}x`,
    f.goal,
    f.met ? 'met' : 'NOT MET',
  ]);
  const head = ['FIGURE', 'BASELINE (SAME RUN)', 'VALUE', 'RATIO', 'GOAL', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
