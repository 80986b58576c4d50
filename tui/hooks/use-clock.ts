import { useEffect, useState } from 'react';

/** The time now, ticking every `everyMs`: "updated 3s ago", "retry in 4s". */
export function useClock(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
