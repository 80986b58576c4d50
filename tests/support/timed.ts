/** A suite's timings in its output: `[tag] label: 12.3 s` for each step it wraps, the step's own result passed through. */
export function timedAs(tag: string) {
  return async <T>(label: string, body: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await body();
    console.log(`[${tag}] ${label}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };
}
