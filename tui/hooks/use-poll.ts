/**
 * Something a screen shows, read again every `intervalMs` while `read` is given
 * (the screen is open and its server's client is there). A failed read keeps the
 * last value and says why; the next one may heal it. `refresh` reads now.
 */
import { useEffect, useState } from 'react';
import { errorNotice } from './use-notice.js';
import { useWake } from './use-wake.js';

export interface Polled<T> {
  value?: T | undefined;
  error?: string | undefined;
  refresh(): void;
}

/** `key`: what `read` depends on; a new key starts the loop over. */
export function usePoll<T>(read: ((signal: AbortSignal) => Promise<T>) | undefined, key: unknown[], intervalMs: number): Polled<T> {
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<string>();
  const { sleep, wake } = useWake();
  useEffect(() => {
    if (!read) return;
    const stop = new AbortController();
    void (async () => {
      while (!stop.signal.aborted) {
        try {
          const next = await read(stop.signal);
          if (stop.signal.aborted) return;
          setValue(next);
          setError(undefined);
        } catch (e) {
          if (stop.signal.aborted) return;
          setError(errorNotice(e).text);
        }
        await sleep(intervalMs, stop.signal);
      }
    })();
    return () => stop.abort();
  }, [read !== undefined, ...key]);
  return { value, error, refresh: wake };
}
