/**
 * The connection to the compute worker and the one way to call it: run(label, call) shows a job while it
 * lasts, turns a failure into the banner sentence, and stays silent about cancelled or superseded work.
 */
import { useCallback, useRef } from 'react';
import { describeError, isStudioError } from '../core/errors';
import type { Progress } from '../engine/protocol';
import type { StudioConnection } from './studioClient';
import type { Store } from './useStore';

export type Run = <T>(
  label: string | null,
  f: (c: StudioConnection) => Promise<T>,
  cancellable?: boolean,
) => Promise<T | undefined>;

export function useWorker(store: Store) {
  const conn = useRef<StudioConnection | null>(null);
  const { dispatch } = store;

  const run: Run = useCallback(
    async (label, f, cancellable = false) => {
      const c = conn.current;
      if (!c) return undefined;
      if (label) dispatch({ type: 'jobStart', job: { label, progress: null, cancellable } });
      try {
        return await f(c);
      } catch (e) {
        if (isStudioError(e) && (e.code === 'CANCELLED' || e.code === 'WORKER_DIED')) return undefined;
        dispatch({ type: 'error', message: describeError(e).message });
        return undefined;
      } finally {
        if (label) dispatch({ type: 'jobEnd', label });
      }
    },
    [dispatch],
  );

  const onProgress = useCallback((p: Progress) => dispatch({ type: 'jobProgress', progress: p }), [dispatch]);

  return { conn, run, onProgress };
}
