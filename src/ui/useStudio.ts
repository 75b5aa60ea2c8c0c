/**
 * The studio's state and actions for the React tree: the store (a typed reducer), the worker connection,
 * the open flow, the plan scored once per change, the plan in the URL, and the parameter count that
 * follows a slider in the same frame.
 */
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { plannedRanks, resolveUniformPlan } from '../core/compress/plan';
import { countPlannedParams } from '../core/layers/accounting';
import { displayText } from '../core/errors';
import { fetchDemoManifest } from './demo';
import { StudioConnection } from './studioClient';
import { parseUrlState, formatUrlState } from './urlState';
import { useActions } from './useActions';
import { useOpenFlow } from './useOpenFlow';
import { useStore, type Store } from './useStore';
import { useWorker, type Run } from './useWorker';

export type { Job, StudioState } from './studioState';
export type { Opening } from './useOpenFlow';

/** How long a plan must hold still before it is scored (a slider step under this apart is part of a drag). */
const SCORE_PAUSE_MS = 90;

/** The plan in the URL hash (written a moment after the last change), so a view can be shared. */
function useUrlSync(store: Store): void {
  const { plan, demoId } = store.state;
  useEffect(() => {
    if (!plan) return;
    const hash = formatUrlState({ demo: demoId, plan });
    const t = setTimeout(() => {
      if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
    }, 250);
    return () => clearTimeout(t);
  }, [plan, demoId]);
}

/**
 * The plan is scored once it has held still for a moment (a slider drag scores only where it stops), with at
 * most one evaluation in the worker at a time: a plan changed meanwhile is scored as soon as the worker
 * answers, and a result for an older plan is dropped.
 */
function usePlanScoring(store: Store, run: Run): void {
  const { plan, prepared } = store.state;
  const { dispatch, get } = store;
  const inFlight = useRef(false);
  /** The plan and prepared statistics last sent to the worker (scoring them again would change nothing). */
  const sent = useRef<{ plan: unknown; prepared: unknown }>({ plan: null, prepared: null });
  const score = useCallback(async () => {
    const s = get();
    if (inFlight.current || !s.plan || !s.prepared) return;
    if (sent.current.plan === s.plan && sent.current.prepared === s.prepared && s.result !== null) return;
    const target = s.plan;
    sent.current = { plan: target, prepared: s.prepared };
    inFlight.current = true;
    try {
      const result = await run(null, (c) => c.call((api) => api.evaluate(target)));
      if (result) dispatch({ type: 'result', result, plan: target });
    } finally {
      inFlight.current = false;
    }
    // The plan (or its statistics) moved on while the worker scored: score where it is now.
    const now = get();
    if (now.plan !== sent.current.plan || now.prepared !== sent.current.prepared) void score();
  }, [get, run, dispatch]);
  useEffect(() => {
    if (!plan || !prepared) return;
    // The first plan of newly prepared statistics is scored at once: nothing is being dragged yet.
    const t = setTimeout(score, get().result === null ? 0 : SCORE_PAUSE_MS);
    return () => clearTimeout(t);
  }, [plan, prepared, score, get]);
}

export function useStudio() {
  const store = useStore();
  const { state, get, dispatch } = store;
  const { conn, run, onProgress } = useWorker(store);
  const flow = useOpenFlow(store, run, onProgress);

  /** Starts (or restarts) the worker; a restart replays whatever the user had opened. */
  const connect = async (reopen: boolean, said?: string) => {
    conn.current?.close();
    conn.current = new StudioConnection((reason) => {
      // A worker that dies while opening a drop was killed by those files (too large for this tab's memory,
      // most likely): name them; they are not replayed, so the fresh worker reopens what was open before.
      const dropped = flow.dropping.current;
      flow.dropping.current = null;
      dispatch({ type: 'jobEnd', label: get().job?.label ?? '' });
      if (dropped) {
        const names = dropped.map((n) => displayText(n)).join(', ');
        const verb = dropped.length > 1 ? 'were' : 'was';
        const message =
          `The compute worker stopped (${reason}) while opening ${names}, which ${verb} not opened; a fresh ` +
          'worker was started and the model and data open before were reopened unchanged.';
        dispatch({ type: 'error', message });
        void connect(true, message); // said again once reopened (each job clears the error shown)
      } else {
        const message = `The compute worker stopped (${reason}); a fresh one was started and your files were reopened.`;
        dispatch({ type: 'notice', message });
        void connect(true);
      }
    });
    const backend = await run('Starting the compute worker', (c) => c.call((api) => api.init(get().backendChoice)));
    if (!backend) return false;
    dispatch({ type: 'backend', backend });
    if (reopen) await flow.reopenAll();
    if (said) dispatch({ type: 'error', message: said });
    return true;
  };

  // First visit: the worker, then the demo (or what the URL names). The worker starts its backend while the
  // demo's rows are read (they need none); the model waits for it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once, on mount
  useEffect(() => {
    const url = parseUrlState(window.location.hash);
    void (async () => {
      const started = connect(false);
      const manifest = await fetchDemoManifest().catch(() => null);
      if (!manifest) {
        await started;
        return dispatch({
          type: 'error',
          message: 'The demo could not be loaded; drop a model and a data file instead.',
        });
      }
      dispatch({ type: 'manifest', manifest });
      const id = url.demo && manifest.models.some((m) => m.id === url.demo) ? url.demo : manifest.models[0].id;
      if (await flow.openDemo(id, url.plan, false, started)) await flow.analyse();
    })();
    return () => conn.current?.close();
  }, []);

  useUrlSync(store);
  usePlanScoring(store, run);
  const actions = useActions(store, run, onProgress, conn, flow);

  /** Parameters of the current plan, counted in the UI the moment a slider moves. */
  const { model, plan } = state;
  const plannedParamCount = useMemo(() => {
    if (!model || !plan) return null;
    try {
      const ranks = plannedRanks(resolveUniformPlan(model.inventory, plan));
      return countPlannedParams(model.accounting, model.inventory, ranks);
    } catch {
      return null;
    }
  }, [model, plan]);

  return { state, actions, plannedParamCount, connection: conn };
}

export type StudioActions = ReturnType<typeof useStudio>['actions'];
