/** Small timing helpers for the benchmarks: wall time samples, median, p95, ratios. */
export interface Samples {
  label: string;
  ms: number[];
}

export async function sample(label: string, runs: number, task: () => Promise<unknown>, warmup = 1): Promise<Samples> {
  for (let i = 0; i < warmup; i += 1) await task();
  const ms: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = process.hrtime.bigint();
    await task();
    ms.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return { label, ms };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const median = (values: number[]): number => percentile(values, 50);

export function row(s: Samples): string {
  return (
    `${s.label.padEnd(56)} median ${median(s.ms).toFixed(1).padStart(8)} ms   ` +
    `p95 ${percentile(s.ms, 95).toFixed(1).padStart(8)} ms   (n=${s.ms.length})`
  );
}

export function ratio(label: string, ours: Samples, baseline: Samples, goal?: string): string {
  const r = median(ours.ms) / median(baseline.ms);
  return `${label.padEnd(56)} ${r.toFixed(2)}x ${baseline.label}${goal ? `   (goal: ${goal})` : ''}`;
}
