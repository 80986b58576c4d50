/**
 * sshd allows 10 session channels per connection (MaxSessions); more fail with
 * "open failed". Calls beyond the limit wait their turn instead.
 */
export class SessionLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max = 8) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
}
