import { useCallback, useRef } from 'react';

/**
 * Sleeps that a poller takes between requests, and a way to cut them short
 * (refresh now). `sleep` resolves early when woken or when `signal` aborts.
 */
export function useWake(): { sleep(ms: number, signal: AbortSignal): Promise<void>; wake(): void } {
  const wakers = useRef(new Set<() => void>());
  const sleep = useCallback(
    (ms: number, signal: AbortSignal) =>
      new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          wakers.current.delete(done);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        wakers.current.add(done);
        signal.addEventListener('abort', done, { once: true });
      }),
    [],
  );
  const wake = useCallback(() => {
    for (const waker of [...wakers.current]) waker();
  }, []);
  return { sleep, wake };
}
