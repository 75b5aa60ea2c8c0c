/**
 * The studio's flow: what is open and the chain that follows an open (score the original, prepare), the
 * plan scored once per change, and the actions the panels call. State changes go through the reducer
 * (state/studioState.ts); worker calls through useWorker's run(). The user's opens are kept here in order, so
 * a fresh worker can replay them after a crash.
 */
import { useEffect, useMemo, useRef } from 'react';
import { countPlannedParams } from '../core/layers/accounting';
import { plannedRanks, resolveUniformPlan } from '../core/compress/plan';
import type { FilePayload, ModelInfo, UniformPlan } from '../engine/protocol';
import { demoUrl, fetchDemoManifest } from './demo';
import { defaultPlan } from './defaults';
import { StudioConnection, proxy } from './studioClient';
import { useActions } from './state/useActions';
import { useStore } from './state/useStore';
import { useWorker } from './state/useWorker';
import { formatUrlState, parseUrlState } from './urlState';

export type { Job, StudioState } from './state/studioState';

/** Something the user opened, replayed in order on a fresh worker. */
export type Opening = { kind: 'demo'; id: string } | { kind: 'drop'; files: FilePayload[] } | { kind: 'trained' };

export function useStudio() {
  const store = useStore();
  const { state, get, dispatch } = store;
  const { conn, run, onProgress } = useWorker(store);
  /** Bumped by every Cancel, so chained work (read, score, prepare) stops at the next step. */
  const cancelGen = useRef(0);
  const openings = useRef<Opening[]>([]);

  /** Once a model and rows are both open: score the original, then prepare statistics and decompositions. */
  const analyse = async () => {
    const s = get();
    if (!s.model) return;
    const gen = cancelGen.current;
    const status = await run(null, (c) => c.call((api) => api.scoringStatus()));
    if (!status) return;
    // Rows that do not fit the model are the user's to fix (an error); a model without encoding is a fact (a
    // notice). Said once the data-free steps have run (each step clears the previous error).
    const say = () => {
      if (!status.dataAware && status.reason && s.data.length > 0) {
        dispatch(
          status.mismatch ? { type: 'error', message: status.reason } : { type: 'notice', message: status.reason },
        );
      }
      if (status.dataAware && status.binding) dispatch({ type: 'notice', message: status.binding });
    };
    if (status.dataAware) {
      const baseline = await run(
        'Scoring the original model',
        (c) => c.call((api) => api.baseline(proxy(onProgress))),
        true,
      );
      if (!baseline || cancelGen.current !== gen) return;
      dispatch({ type: 'baseline', baseline });
    } else dispatch({ type: 'baseline', baseline: null });
    const label = status.dataAware ? 'Collecting statistics and decompositions' : 'Decomposing the weights (data-free)';
    const prepared = await run(label, (c) => c.call((api) => api.prepare(proxy(onProgress))), true);
    if (prepared) dispatch({ type: 'prepared', prepared });
    say();
  };

  /** Shows a newly opened model with the default plan (or the URL's); a reopen keeps the results shown. */
  const adoptModel = (model: ModelInfo, demoId: string | null, urlPlan?: Partial<UniformPlan>, reopen = false) => {
    const plan = { ...defaultPlan(model.inventory), ...(urlPlan ?? {}) };
    dispatch({ type: 'modelOpened', model, plan, demoId, reopen });
    if (model.notice) dispatch({ type: 'notice', message: model.notice });
    const backend = get().backend;
    if (model.backend && backend)
      dispatch({ type: 'backend', backend: { ...backend, backend: model.backend as never } });
  };

  /** Opens the demo: its rows, then its model. */
  const openDemo = async (id: string, urlPlan?: Partial<UniformPlan>, reopen = false) => {
    const manifest = get().manifest ?? (await fetchDemoManifest());
    dispatch({ type: 'manifest', manifest });
    for (const [role, path] of [
      ['train', manifest.data.train],
      ['test', manifest.data.test],
    ] as const) {
      const file = { url: demoUrl(path), name: path.split('/').pop()! };
      const data = await run(
        `Reading ${file.name}`,
        (c) => c.call((api) => api.loadData(role, file, proxy(onProgress))),
        true,
      );
      if (!data) return false;
      dispatch({ type: 'dataOpened', data, reopen });
    }
    const entry = manifest.models.find((m) => m.id === id) ?? manifest.models[0];
    const model = await run(`Opening the demo ${entry.title}`, (c) =>
      c.call((api) => api.loadModelUrl(demoUrl(entry.path))),
    );
    if (!model) return false;
    if (!reopen) openings.current = [{ kind: 'demo', id: entry.id }];
    adoptModel(model, entry.id, urlPlan, reopen);
    return true;
  };

  /** Opens dropped files in the worker (unzipped and sorted there): data first, then the model among them. */
  const openDrop = async (files: FilePayload[], reopen = false) => {
    const opened = await run(
      `Opening ${files.map((f) => f.name).join(', ')}`,
      (c) => c.call((api) => api.openFiles(files, proxy(onProgress))),
      true,
    );
    if (!opened) return false;
    if (!reopen) openings.current.push({ kind: 'drop', files });
    if (opened.data.length > 0) dispatch({ type: 'dataOpened', data: opened.data, reopen });
    if (opened.model) adoptModel(opened.model, null, reopen ? (get().plan ?? undefined) : undefined, reopen);
    return true;
  };

  /** Starts (or restarts) the worker and replays whatever the user had opened. */
  const connect = async (reopen: boolean) => {
    conn.current?.close();
    conn.current = new StudioConnection((reason) => {
      dispatch({
        type: 'notice',
        message: `The compute worker stopped (${reason}); a fresh one was started and your files were reopened.`,
      });
      dispatch({ type: 'jobEnd', label: get().job?.label ?? '' });
      void connect(true);
    });
    const backend = await run('Starting the compute worker', (c) => c.call((api) => api.init(get().backendChoice)));
    if (!backend) return;
    dispatch({ type: 'backend', backend });
    if (!reopen) return;
    for (const o of openings.current) {
      if (o.kind === 'demo') await openDemo(o.id, get().plan ?? undefined, true);
      else if (o.kind === 'drop') await openDrop(o.files, true);
      else
        dispatch({
          type: 'error',
          message: 'The model trained in the studio was lost with the worker; train it again or open a saved model.',
        });
    }
    await analyse();
  };

  const flow = { analyse, adoptModel, openDemo, openDrop, cancelGen, openings };
  const actions = useActions(store, run, onProgress, conn, flow);

  // First visit: the worker, then the demo (or what the URL names).
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once, on mount
  useEffect(() => {
    const url = parseUrlState(window.location.hash);
    void (async () => {
      await connect(false);
      const manifest = await fetchDemoManifest().catch(() => null);
      if (!manifest)
        return dispatch({
          type: 'error',
          message: 'The demo could not be loaded; drop a model and a data file instead.',
        });
      dispatch({ type: 'manifest', manifest });
      const id = url.demo && manifest.models.some((m) => m.id === url.demo) ? url.demo : manifest.models[0].id;
      if (await openDemo(id, url.plan)) await analyse();
    })();
    return () => conn.current?.close();
  }, []);

  // The plan lives in the URL (written a moment after the last change), so a view can be shared.
  useEffect(() => {
    if (!state.plan) return;
    const hash = formatUrlState({ demo: state.demoId, plan: state.plan });
    const t = setTimeout(() => {
      if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
    }, 250);
    return () => clearTimeout(t);
  }, [state.plan, state.demoId]);

  // The plan is scored once per change, after a short pause; a result for an older plan is dropped.
  useEffect(() => {
    const plan = state.plan;
    if (!plan || !state.prepared) return;
    const t = setTimeout(async () => {
      const result = await run(null, (c) => c.call((api) => api.evaluate(plan)));
      if (result) dispatch({ type: 'result', result, plan });
    }, 60);
    return () => clearTimeout(t);
  }, [state.plan, state.prepared, run, dispatch]);

  /** Parameters of the current plan, counted in the UI the moment a slider moves. */
  const plannedParamCount = useMemo(() => {
    const { model, plan } = state;
    if (!model || !plan) return null;
    try {
      return countPlannedParams(
        model.accounting,
        model.inventory,
        plannedRanks(resolveUniformPlan(model.inventory, plan)),
      );
    } catch {
      return null;
    }
  }, [state.model, state.plan]);

  return { state, actions, plannedParamCount, connection: conn };
}

export type StudioActions = ReturnType<typeof useStudio>['actions'];
