/**
 * The studio's state and actions, in one hook: the worker connection, what is open (model, rows), the plan
 * and its result, sweeps, training, export and errors. Every worker call goes through run(), which shows
 * progress, keeps the last error sentence, and ignores cancelled or superseded work. The user's inputs are
 * kept here, so a fresh worker can reopen them after a crash.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { describeError, isStudioError } from '../core/errors';
import { plannedParams } from '../core/compress/graph';
import { plannedRanks, resolveUniformPlan } from '../core/compress/plan';
import type {
  AutoRankInfo,
  BackendChoice,
  BackendInfo,
  BaselineInfo,
  DataInfo,
  DataRole,
  ExportOptions,
  ExportResult,
  FilePayload,
  FineTuneSettings,
  LatencyInfo,
  ModelInfo,
  PlanResult,
  PreparedInfo,
  Progress,
  SweepPointInfo,
  SweepRequest,
  TrainEpochInfo,
  TrainRequest,
  UniformPlan,
} from '../engine/protocol';
import { planKey } from '../engine/protocol';
import { demoUrl, fetchDemoManifest, type DemoManifest } from './demo';
import { defaultPlan, defaultSweep } from './defaults';
import { sortFiles } from './files';
import { StudioConnection, proxy } from './studioClient';
import { formatUrlState, parseUrlState } from './urlState';

export interface Job {
  label: string;
  progress: Progress | null;
  cancellable: boolean;
}

type ModelSource =
  | { kind: 'demo'; id: string }
  | { kind: 'files'; files: FilePayload[] }
  | { kind: 'trained'; request: TrainRequest };
type DataSource = { role: DataRole; file: FilePayload | { url: string; name: string } };

export interface StudioState {
  backendChoice: BackendChoice;
  backend: BackendInfo | null;
  manifest: DemoManifest | null;
  demoId: string | null;
  model: ModelInfo | null;
  data: DataInfo[];
  baseline: BaselineInfo | null;
  prepared: PreparedInfo | null;
  plan: UniformPlan | null;
  result: PlanResult | null;
  /** The plan object `result` was computed for (stale while it differs from `plan`). */
  resultPlan: UniformPlan | null;
  sweepPoints: SweepPointInfo[];
  sweepRequest: SweepRequest | null;
  latency: LatencyInfo[] | null;
  trainingEpochs: TrainEpochInfo[];
  /** Fine-tuning of the current plan: live curve, then its result. */
  fineTuneEpochs: TrainEpochInfo[];
  fineTuned: (PlanResult & { bestEpoch: number; key: string }) | null;
  autoRanks: AutoRankInfo | null;
  exported: ExportResult | null;
  job: Job | null;
  error: string | null;
  notice: string | null;
}

const INITIAL: StudioState = {
  backendChoice: 'auto',
  backend: null,
  manifest: null,
  demoId: null,
  model: null,
  data: [],
  baseline: null,
  prepared: null,
  plan: null,
  result: null,
  resultPlan: null,
  sweepPoints: [],
  sweepRequest: null,
  latency: null,
  trainingEpochs: [],
  fineTuneEpochs: [],
  fineTuned: null,
  autoRanks: null,
  exported: null,
  job: null,
  error: null,
  notice: null,
};

export function useStudio() {
  const [state, setState] = useState<StudioState>(INITIAL);
  // The ref is the source of truth, updated synchronously, so async actions read what they just wrote.
  const stateRef = useRef(state);
  const conn = useRef<StudioConnection | null>(null);
  /** Bumped by every Cancel, so chained work (read, score, prepare) stops at the next step. */
  const cancelGen = useRef(0);
  const inputs = useRef<{ model: ModelSource | null; data: DataSource[] }>({ model: null, data: [] });
  const patch = useCallback((p: Partial<StudioState> | ((s: StudioState) => Partial<StudioState>)) => {
    stateRef.current = { ...stateRef.current, ...(typeof p === 'function' ? p(stateRef.current) : p) };
    setState(stateRef.current);
  }, []);

  /** Runs a worker call with a job label; errors become the banner sentence (cancellations are silent). */
  const run = useCallback(
    async <T>(
      label: string | null,
      f: (c: StudioConnection) => Promise<T>,
      cancellable = false,
    ): Promise<T | undefined> => {
      const c = conn.current;
      if (!c) return undefined;
      if (label) patch({ job: { label, progress: null, cancellable }, error: null });
      try {
        return await f(c);
      } catch (e) {
        if (isStudioError(e) && e.code === 'CANCELLED') return undefined;
        if (isStudioError(e) && e.code === 'WORKER_DIED') return undefined; // the restart says what happened
        patch({ error: describeError(e).message });
        return undefined;
      } finally {
        if (label) patch((s) => (s.job?.label === label ? { job: null } : {}));
      }
    },
    [patch],
  );

  const onProgress = useCallback(
    (p: Progress) => patch((s) => (s.job ? { job: { ...s.job, progress: p } } : {})),
    [patch],
  );

  /** Once a model and rows are both open: score the original, prepare statistics, evaluate the plan. */
  const analyse = useCallback(async () => {
    const s = stateRef.current;
    if (!s.model) return;
    // A Cancel stops the whole chain: a stage that finished just before it is kept, the next is not begun.
    const gen = cancelGen.current;
    const go = () => cancelGen.current === gen;
    // Without rows the model can score, compression is data-free: no baseline AUC to compute.
    const status = await run(null, (c) => c.call((api) => api.scoringStatus()));
    if (!status) return;
    const dataAware = status.dataAware;
    // Rows that do not fit the model are the user's to fix (an error); a model without encoding is a fact (a
    // notice). Said once the data-free steps have run (each step clears the previous error).
    const say = () => {
      if (!dataAware && status.reason && s.data.length > 0)
        patch(status.mismatch ? { error: status.reason } : { notice: status.reason });
      if (dataAware && status.binding) patch({ notice: status.binding });
    };
    if (dataAware) {
      const baseline = await run(
        'Scoring the original model',
        (c) => c.call((api) => api.baseline(proxy(onProgress))),
        true,
      );
      if (!baseline) return;
      patch({ baseline });
      if (!go()) return;
    } else {
      patch({ baseline: null });
    }
    if (!go()) return;
    const prepared = await run(
      dataAware ? 'Collecting statistics and decompositions' : 'Decomposing the weights (data-free)',
      (c) => c.call((api) => api.prepare(proxy(onProgress))),
      true,
    );
    if (!prepared) return say();
    patch({ prepared });
    say();
    const plan = stateRef.current.plan;
    if (plan) {
      const result = await run(null, (c) => c.call((api) => api.evaluate(plan)));
      if (result && stateRef.current.plan === plan) patch({ result, resultPlan: plan });
    }
  }, [run, patch, onProgress]);

  /** Shows a newly opened model; on a reopen after a worker restart the results on screen stay. */
  const adoptModel = useCallback(
    (model: ModelInfo, urlPlan?: Partial<UniformPlan>, reopen = false) => {
      const plan = { ...defaultPlan(model.inventory), ...(urlPlan ?? {}) };
      if (reopen) patch({ model, plan });
      else
        patch({
          model,
          plan,
          result: null,
          resultPlan: null,
          baseline: null,
          prepared: null,
          sweepPoints: [],
          sweepRequest: null,
          latency: null,
          exported: null,
          fineTuned: null,
          fineTuneEpochs: [],
          autoRanks: null,
        });
    },
    [patch],
  );

  const openModelSource = useCallback(
    async (source: ModelSource, urlPlan?: Partial<UniformPlan>, reopen = false) => {
      let model: ModelInfo | undefined;
      if (source.kind === 'demo') {
        const manifest = stateRef.current.manifest ?? (await fetchDemoManifest());
        const entry = manifest.models.find((m) => m.id === source.id) ?? manifest.models[0];
        model = await run(`Opening the demo ${entry.title}`, (c) =>
          c.call((api) => api.loadModelUrl(demoUrl(entry.path))),
        );
        if (model) patch({ demoId: entry.id });
      } else if (source.kind === 'files') {
        model = await run('Opening the model', (c) => c.call((api) => api.loadModel(source.files)));
        if (model) patch({ demoId: null });
      }
      if (model) {
        inputs.current.model = source;
        adoptModel(model, urlPlan, reopen);
        if (model.notice)
          patch((s) => ({
            notice: model.notice!,
            backend: s.backend && model.backend ? { ...s.backend, backend: model.backend } : s.backend,
          }));
      }
      return model;
    },
    [run, patch, adoptModel],
  );

  const openData = useCallback(
    async (sources: DataSource[]) => {
      for (const d of sources) {
        const data = await run(
          `Reading ${d.file.name}`,
          (c) => c.call((api) => api.loadData(d.role, d.file, proxy(onProgress))),
          true,
        );
        if (!data) return false;
        // The worker closes a test file whose columns differ from new training rows: the record follows.
        const splitOff = data.some((x) => x.role === 'test' && x.splitFromTrain);
        inputs.current.data = [
          ...inputs.current.data.filter((x) => x.role !== d.role && !(x.role === 'test' && splitOff)),
          d,
        ];
        patch({
          data,
          baseline: null,
          prepared: null,
          result: null,
          sweepPoints: [],
          latency: null,
          exported: null,
          fineTuned: null,
          fineTuneEpochs: [],
          autoRanks: null,
        });
      }
      return true;
    },
    [run, patch],
  );

  const openDemo = useCallback(
    async (id: string, urlPlan?: Partial<UniformPlan>) => {
      const manifest = stateRef.current.manifest ?? (await fetchDemoManifest());
      patch({ manifest });
      inputs.current.data = [];
      const ok = await openData([
        { role: 'train', file: { url: demoUrl(manifest.data.train), name: manifest.data.train.split('/').pop()! } },
        { role: 'test', file: { url: demoUrl(manifest.data.test), name: manifest.data.test.split('/').pop()! } },
      ]);
      if (!ok) return;
      if (await openModelSource({ kind: 'demo', id }, urlPlan)) await analyse();
    },
    [patch, openData, openModelSource, analyse],
  );

  /** Starts (or restarts) the worker and reopens whatever the user had open. */
  const connect = useCallback(
    async (reopen: boolean) => {
      conn.current?.close();
      conn.current = new StudioConnection((reason) => {
        patch({
          notice: `The compute worker stopped (${reason}); a fresh one was started and your files were reopened.`,
          job: null,
        });
        void connect(true);
      });
      const backend = await run('Starting the compute worker', (c) =>
        c.call((api) => api.init(stateRef.current.backendChoice)),
      );
      if (!backend) return;
      patch({ backend });
      if (!reopen) return;
      const { model, data } = inputs.current;
      const plan = stateRef.current.plan ?? undefined;
      for (const d of data) {
        const infos = await run(`Reopening ${d.file.name}`, (c) => c.call((api) => api.loadData(d.role, d.file)));
        if (infos) patch({ data: infos });
      }
      if (model?.kind === 'demo' || model?.kind === 'files') {
        const m = await openModelSource(model, plan, true);
        if (m) await analyse();
      } else if (model?.kind === 'trained') {
        patch({
          error: 'The model trained in the studio was lost with the worker; train it again or open a saved model.',
        });
      }
    },
    [run, patch, openModelSource, analyse],
  );

  // First visit: the worker, then the demo (or what the URL names).
  useEffect(() => {
    const url = parseUrlState(window.location.hash);
    void (async () => {
      await connect(false);
      const manifest = await fetchDemoManifest().catch(() => null);
      if (!manifest) return patch({ error: 'The demo could not be loaded; drop a model and a data file instead.' });
      patch({ manifest });
      await openDemo(
        url.demo && manifest.models.some((m) => m.id === url.demo) ? url.demo : manifest.models[0].id,
        url.plan,
      );
    })();
    return () => conn.current?.close();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // The plan lives in the URL, so a view can be shared.
  useEffect(() => {
    if (!state.plan) return;
    const hash = formatUrlState({ demo: state.demoId, plan: state.plan });
    if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
  }, [state.plan, state.demoId]);

  // A new plan is scored after a short pause; a result for an older plan is dropped.
  useEffect(() => {
    const plan = state.plan;
    if (!plan || !state.prepared) return;
    const t = setTimeout(async () => {
      const result = await run(null, (c) => c.call((api) => api.evaluate(plan)));
      if (result && stateRef.current.plan === plan) patch({ result, resultPlan: plan });
    }, 60);
    return () => clearTimeout(t);
  }, [state.plan, state.prepared, run, patch]);

  /** Parameters of the current plan, counted in the UI the moment a slider moves. */
  const plannedParamCount = useMemo(() => {
    const { model, plan } = state;
    if (!model || !plan) return null;
    try {
      return plannedParams(
        { modelTopology: model.topology, weightSpecs: model.weightSpecs },
        model.shapes,
        plannedRanks(resolveUniformPlan(model.inventory, plan)),
      );
    } catch {
      return null;
    }
  }, [state.model, state.plan]);

  const actions = useMemo(
    () => ({
      openDemo: (id: string) => openDemo(id, stateRef.current.plan ?? undefined),
      async openFiles(files: File[]) {
        const gen = cancelGen.current;
        let sorted;
        try {
          sorted = await sortFiles(files, stateRef.current.data.length > 0);
        } catch (e) {
          return patch({ error: describeError(e).message });
        }
        if (sorted.data.length > 0) {
          if (!(await openData(sorted.data)) || cancelGen.current !== gen) return;
        }
        if (sorted.model) {
          if (!(await openModelSource({ kind: 'files', files: sorted.model })) || cancelGen.current !== gen) return;
        }
        await analyse();
      },
      setPlan(p: Partial<UniformPlan>) {
        patch((s) => (s.plan ? { plan: { ...s.plan, ...p } } : {}));
      },
      setLayerRank(layer: string, rank: number | null | undefined) {
        patch((s) => {
          if (!s.plan) return {};
          const overrides = { ...(s.plan.overrides ?? {}) };
          if (rank === undefined) delete overrides[layer];
          else overrides[layer] = rank;
          return { plan: { ...s.plan, overrides } };
        });
      },
      async sweep(request?: SweepRequest) {
        const s = stateRef.current;
        if (!s.model || !s.plan) return;
        const req = request ?? defaultSweep(s.model.inventory, s.plan);
        patch({ sweepPoints: [], sweepRequest: req });
        // Points arrive on their own channel and may trail the final answer: only this sweep, while it runs.
        let live = true;
        const onPoint = (p: SweepPointInfo) => {
          if (live && stateRef.current.sweepRequest === req) patch((st) => ({ sweepPoints: [...st.sweepPoints, p] }));
        };
        try {
          const points = await run(
            'Running the sweep',
            (c) => c.call((api) => api.sweep(req, proxy(onPoint), proxy(onProgress))),
            true,
          );
          if (points) patch({ sweepPoints: points });
        } finally {
          live = false;
        }
      },
      async latency() {
        const plan = stateRef.current.plan;
        if (!plan) return;
        const latency = await run('Timing inference', (c) => c.call((api) => api.latency(plan)), true);
        if (latency) patch({ latency });
      },
      async train(request: TrainRequest) {
        patch({ trainingEpochs: [] });
        const model = await run(
          `Training ${request.kind}`,
          (c) =>
            c.call((api) =>
              api.train(
                request,
                proxy((e: TrainEpochInfo) => patch((s) => ({ trainingEpochs: [...s.trainingEpochs, e] }))),
                proxy(onProgress),
              ),
            ),
          true,
        );
        if (!model) return;
        inputs.current.model = { kind: 'trained', request };
        patch({ demoId: null });
        adoptModel(model);
        await analyse();
      },
      async exportModel(options: ExportOptions = {}) {
        const plan = stateRef.current.plan;
        if (!plan) return;
        patch({ exported: null });
        const exported = await run('Exporting and checking the compressed model', (c) =>
          c.call((api) => api.exportModel(plan, options)),
        );
        if (exported) patch({ exported });
        return exported;
      },
      async fineTune(settings: FineTuneSettings) {
        const plan = stateRef.current.plan;
        if (!plan) return;
        patch({ fineTuneEpochs: [], fineTuned: null });
        const onEpoch = (e: TrainEpochInfo) => patch((s) => ({ fineTuneEpochs: [...s.fineTuneEpochs, e] }));
        const result = await run(
          'Fine-tuning the compressed model',
          (c) => c.call((api) => api.fineTune(plan, settings, proxy(onEpoch), proxy(onProgress))),
          true,
        );
        if (result) patch({ fineTuned: { ...result, key: planKey(plan) } });
      },
      async autoRanks(budget: number) {
        const auto = await run('Choosing ranks for the budget', (c) => c.call((api) => api.autoRanks(budget)));
        if (auto)
          patch((s) => ({
            autoRanks: auto,
            plan: s.plan ? { ...auto.plan, statistics: s.plan.statistics, activation: s.plan.activation } : auto.plan,
          }));
      },
      async cancel() {
        cancelGen.current++;
        await conn.current?.call((api) => api.cancel()).catch(() => {});
      },
      async setBackend(choice: BackendChoice) {
        patch({ backendChoice: choice });
        const backend = await run(`Switching to ${choice}`, (c) => c.call((api) => api.init(choice)));
        if (backend) {
          patch({ backend, baseline: null, result: null, latency: null });
          await analyse();
        }
      },
      dismiss() {
        patch({ error: null, notice: null });
      },
      /** For the console and the fault tests: kill the worker as a crash would. */
      simulateCrash() {
        conn.current?.simulateCrash();
      },
    }),
    [openDemo, openData, openModelSource, analyse, patch, run, onProgress, adoptModel],
  );

  return { state, actions, plannedParamCount, connection: conn };
}

export type StudioActions = ReturnType<typeof useStudio>['actions'];
