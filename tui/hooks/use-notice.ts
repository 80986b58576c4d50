import { useCallback, useEffect, useState } from 'react';

export type NoticeLevel = 'info' | 'ok' | 'warn' | 'error';

export interface Notice {
  level: NoticeLevel;
  text: string;
  hint?: string | undefined;
}

export type Notify = (level: NoticeLevel, text: string, hint?: string) => void;

/** The status bar's message; errors stay until replaced, the rest fade after `fadeMs`. */
export function useNotice(fadeMs = 10_000): [Notice | undefined, Notify] {
  const [notice, setNotice] = useState<Notice>();
  const notify = useCallback<Notify>((level, text, hint) => setNotice({ level, text, hint }), []);
  useEffect(() => {
    if (!notice || notice.level === 'error') return;
    const timer = setTimeout(() => setNotice(undefined), fadeMs);
    return () => clearTimeout(timer);
  }, [notice, fadeMs]);
  return [notice, notify];
}

/** An error as a notice: its message and, for ours, what to do next. */
export function errorNotice(error: unknown): { text: string; hint?: string } {
  const e = error as Error & { hint?: string };
  return { text: e?.message ?? String(error), hint: e?.hint };
}
