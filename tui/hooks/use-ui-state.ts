import { useCallback, useRef, useState } from 'react';
import { initialUiState, uiReducer, type UiAction, type UiState } from '../state/ui-state.js';

/**
 * The router state, with the latest value readable at once (`current()`): keys
 * that arrive together (a paste, a fast typist) each see what the one before did,
 * not the state of the last frame.
 */
export function useUiState(server: string): [UiState, (action: UiAction) => void, () => UiState] {
  const latest = useRef<UiState | undefined>(undefined);
  const [state, setState] = useState(() => initialUiState(server));
  latest.current ??= state;
  const dispatch = useCallback((action: UiAction) => {
    latest.current = uiReducer(latest.current!, action);
    setState(latest.current);
  }, []);
  const current = useCallback(() => latest.current!, []);
  return [state, dispatch, current];
}
