import { useInput } from 'ink';
import { useCallback, useRef } from 'react';
import { splitKeys, type KeyPress } from '../state/keymap.js';

/**
 * Every key press, as tui/state/keymap.ts names it; inactive while an editor has
 * the terminal. Always the handler of the latest render (Ink re-subscribes only
 * after effects run, and a key can come first), and the handler must read the
 * latest state itself (see useUiState): a paste delivers several keys at once.
 */
export function useKeymap(onKey: (key: KeyPress) => void, isActive = true): void {
  const latest = useRef(onKey);
  latest.current = onKey;
  const handle = useCallback((input: string, key: Omit<KeyPress, 'input'>) => {
    for (const one of splitKeys({ ...key, input })) latest.current(one);
  }, []);
  useInput(handle, { isActive });
}
