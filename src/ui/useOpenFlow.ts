/**
 * What follows an open: the demo's rows and model, a drop opened in the worker, a newly opened model shown
 * with its default plan, and the chain once a model and rows are both open (score the original, then
 * prepare statistics and decompositions). The user's opens are kept in order, so a fresh worker can replay
 * them after a crash.
 */
import { useRef } from 'react';
import type { FilePayload, ModelInfo, Progress, UniformPlan } from '../engine/protocol';
import { demoUrl, fetchDemoManifest, type DemoManifest } from './demo';
import { defaultPlan } from './defaults';
import { proxy } from './studioClient';
import type { Store } from './useStore';
import type { Run } from './useWorker';

/** Something the user opened, replayed in order on a fresh worker. */
export type Opening = { kind: 'demo'; id: string } | { kind: 'drop'; files: FilePayload[] } | { kind: 'trained' };

/** True while the open model is itself a compression (it has a recipe) and the user has not asked to compress it. */
export const holdsCompression = (s: { model: { compression?: unknown } | null; compressAgain: boolean }) =>
  Boolean(s.model?.compression) && !s.compressAgain;

/**
 * Once a model and rows are both open: score the original, then prepare statistics and decompositions (not for
 * a compressed model until the user asks: its recipe is shown instead).
 */
async function analyseOpen(store: Store, run: Run, onProgress: (p: Progress) => void, cancelGen: { current: number }) {
  const { get, dispatch } = store;
  const s = get();
  if (!s.model) return;
  const gen = cancelGen.current;
  const status = await run(null, (c) => c.call((api) => api.scoringStatus()));
  if (!status) return;
  if (status.dataAware) {
    const baseline = await run(
      'Scoring the original model',
      (c) => c.call((api) => api.baseline(proxy(onProgress))),
      true,
    );
    if (!baseline || cancelGen.current !== gen) return;
    dispatch({ type: 'baseline', baseline });
  } else dispatch({ type: 'baseline', baseline: null });
  if (!holdsCompression(get())) await prepareOpen(store, run, onProgress, status.dataAware);
  // Rows that do not fit the model are the user's to fix (an error); a model without encoding is a fact (a
  // notice). Said once the steps have run (each step clears the previous error).
  if (!status.dataAware && status.reason && s.data.length > 0) {
    dispatch(status.mismatch ? { type: 'error', message: status.reason } : { type: 'notice', message: status.reason });
  }
  if (status.dataAware && status.binding) dispatch({ type: 'notice', message: status.binding });
}

/** Statistics and decompositions of the open model (data-free without rows it can score). */
async function prepareOpen(store: Store, run: Run, onProgress: (p: Progress) => void, dataAware: boolean) {
  const label = dataAware ? 'Collecting statistics and decompositions' : 'Decomposing the weights (data-free)';
  const prepared = await run(label, (c) => c.call((api) => api.prepare(proxy(onProgress))), true);
  if (prepared) store.dispatch({ type: 'prepared', prepared });
}

/** Compresses the open compression again (the user asked): its statistics and decompositions. */
async function compressAgainOpen(store: Store, run: Run, onProgress: (p: Progress) => void) {
  store.dispatch({ type: 'compressAgain' });
  const status = await run(null, (c) => c.call((api) => api.scoringStatus()));
  if (status) await prepareOpen(store, run, onProgress, status.dataAware);
}

/** Reads the demo's training and test rows (false when cancelled or refused). */
async function readDemoRows(
  store: Store,
  run: Run,
  onProgress: (p: Progress) => void,
  manifest: DemoManifest,
  reopen: boolean,
) {
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
    store.dispatch({ type: 'dataOpened', data, reopen });
  }
  return true;
}

export function useOpenFlow(store: Store, run: Run, onProgress: (p: Progress) => void) {
  const { get, dispatch } = store;
  /** Bumped by every Cancel, so chained work (read, score, prepare) stops at the next step. */
  const cancelGen = useRef(0);
  const openings = useRef<Opening[]>([]);
  /** The names of a drop being opened, so that a worker that dies meanwhile can say which files killed it. */
  const dropping = useRef<string[] | null>(null);

  const analyse = () => analyseOpen(store, run, onProgress, cancelGen);
  const compressAgain = () => compressAgainOpen(store, run, onProgress);

  /** Shows a newly opened model with the default plan (or the URL's); a reopen keeps the results shown. */
  const adoptModel = (model: ModelInfo, demoId: string | null, urlPlan?: Partial<UniformPlan>, reopen = false) => {
    const plan = { ...defaultPlan(model.inventory), ...(urlPlan ?? {}) };
    dispatch({ type: 'modelOpened', model, plan, demoId, reopen });
    if (model.notice) dispatch({ type: 'notice', message: model.notice });
    const backend = get().backend;
    if (model.backend && backend)
      dispatch({ type: 'backend', backend: { ...backend, backend: model.backend as never } });
  };

  /** Opens the demo: its rows, then (once `started`, the worker's backend, if given) its model. */
  const openDemo = async (id: string, urlPlan?: Partial<UniformPlan>, reopen = false, started?: Promise<boolean>) => {
    const manifest = get().manifest ?? (await fetchDemoManifest());
    dispatch({ type: 'manifest', manifest });
    // The demo replaces everything open: a restart replays it alone, even if it is cut short.
    if (!reopen) openings.current = [{ kind: 'demo', id }];
    if (!(await readDemoRows(store, run, onProgress, manifest, reopen))) return false;
    if (started && !(await started)) return false;
    const entry = manifest.models.find((m) => m.id === id) ?? manifest.models[0];
    const model = await run(`Opening the demo ${entry.title}`, (c) =>
      c.call((api) => api.loadModelUrl(demoUrl(entry.path), entry.precomputed && demoUrl(entry.precomputed))),
    );
    if (!model) return false;
    adoptModel(model, entry.id, urlPlan, reopen);
    return true;
  };

  /** Opens dropped files in the worker (unzipped and sorted there): data first, then the model among them. */
  const openDrop = async (files: FilePayload[], reopen = false) => {
    const label = `Opening ${files.map((f) => f.name).join(', ')}`;
    if (!reopen) dropping.current = files.map((f) => f.name);
    const opened = await run(label, (c) => c.call((api) => api.openFiles(files, proxy(onProgress))), true).finally(
      () => {
        if (!reopen) dropping.current = null;
      },
    );
    if (!opened) return false;
    if (!reopen) openings.current.push({ kind: 'drop', files });
    if (opened.data.length > 0) dispatch({ type: 'dataOpened', data: opened.data, reopen });
    if (opened.model) adoptModel(opened.model, null, reopen ? (get().plan ?? undefined) : undefined, reopen);
    return true;
  };

  /** Replays the user's opens on a fresh worker, then analyses again. */
  const reopenAll = async () => {
    for (const o of openings.current) {
      if (o.kind === 'demo') await openDemo(o.id, get().plan ?? undefined, true);
      else if (o.kind === 'drop') await openDrop(o.files, true);
      else {
        const message =
          'The model trained in the studio was lost with the worker; train it again or open a saved model.';
        dispatch({ type: 'error', message });
      }
    }
    await analyse();
  };

  return { analyse, compressAgain, adoptModel, openDemo, openDrop, reopenAll, cancelGen, openings, dropping };
}

export type OpenFlow = ReturnType<typeof useOpenFlow>;
