/** Polls `check` until it holds (a frame shows what is expected), or fails with the last frame. */
export async function waitFor(check: () => boolean, describe: () => string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting; last frame:\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
