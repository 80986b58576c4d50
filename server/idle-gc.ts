/**
 * A full garbage collection once the agent has gone quiet. V8 collects its old
 * generation only when it needs room, so the garbage of the start and of the last
 * requests stays resident while the agent idles (about 7 MB on Debian's Node 18).
 * One collection after `quietMs` without a request gives it back; requests that keep
 * coming push it on, so a busy agent is never paused for it.
 *
 * `gc` is V8's, there when Node runs with --expose-gc (the agent's unit,
 * templates/systemd/hms-agent.service); without it nothing happens.
 */
export interface IdleCollector {
  /** A request came: collect quietMs after the last one. */
  touch(): void;
  stop(): void;
}

export function collectWhenIdle(gc: (() => void) | undefined, quietMs = 15_000): IdleCollector {
  if (!gc) return { touch() {}, stop() {} };
  let stopped = false;
  // Armed from the start: the start's own garbage goes too. refresh() re-arms it after it fired.
  const timer = setTimeout(gc, quietMs);
  // Never what keeps the process alive.
  timer.unref();
  return {
    touch() {
      if (!stopped) timer.refresh();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
