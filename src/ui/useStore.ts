/**
 * The studio's store: the reducer's state, with a ref that always holds the latest state, so async actions
 * read what they just wrote. Every change goes through dispatch(action).
 */
import { useCallback, useRef, useState } from 'react';
import { INITIAL, reduce, type Action, type StudioState } from './studioState';

export interface Store {
  state: StudioState;
  /** The latest state (updated synchronously by dispatch). */
  get: () => StudioState;
  dispatch: (a: Action) => void;
}

export function useStore(): Store {
  const [state, setState] = useState<StudioState>(INITIAL);
  const ref = useRef(state);
  const dispatch = useCallback((a: Action) => {
    const next = reduce(ref.current, a);
    if (next === ref.current) return;
    ref.current = next;
    setState(next);
  }, []);
  const get = useCallback(() => ref.current, []);
  return { state, get, dispatch };
}
