/**
 * The actions the panels call: open files or the demo, change the plan, run sweeps, latency, training,
 * fine-tuning, automatic ranks and export, cancel, switch backend. Each is one worker call through run(),
 * its results dispatched to the reducer. The object is stable across renders (it reads the latest flow).
 */
import { useMemo, useRef, type MutableRefObject } from 'react';
import type {
  BackendChoice,
  ExportOptions,
  FineTuneSettings,
  Progress,
  SchemaOverrides,
  SweepPointInfo,
  SweepRequest,
  TrainEpochInfo,
  TrainRequest,
  UniformPlan,
} from '../engine/protocol';
import { planKey } from '../engine/protocol';
import { defaultSweep, unavailableMethods, usableMethods } from './defaults';
import { proxy, type StudioConnection } from './studioClient';
import type { OpenFlow } from './useOpenFlow';
import type { Store } from './useStore';
import type { Run } from './useWorker';

interface Context {
  store: Pick<Store, 'get' | 'dispatch'>;
  run: Run;
  onProgress: (p: Progress) => void;
  conn: MutableRefObject<StudioConnection | null>;
  flow: () => OpenFlow;
}

/** Opening the demo or dropped files, the training file's schema, and the plan the sliders and the table edit. */
function openAndPlanActions({ store, flow, run }: Context) {
  const { get, dispatch } = store;
  return {
    openDemo: async (id: string) => {
      if (await flow().openDemo(id, get().plan ?? undefined)) await flow().analyse();
    },
    async openFiles(files: File[]) {
      const gen = flow().cancelGen.current;
      const ok = await flow().openDrop(files.map((file) => ({ name: file.name, data: file })));
      if (ok && flow().cancelGen.current === gen) await flow().analyse();
    },
    async setSchema(overrides: SchemaOverrides) {
      const data = await run('Reading the columns with your kinds', (c) => c.call((api) => api.setSchema(overrides)));
      if (data) dispatch({ type: 'dataOpened', data, reopen: true });
    },
    /** Compresses an opened compression again (it is only scored as it is until the user asks). */
    compressAgain: () => flow().compressAgain(),
    setPlan: (p: Partial<UniformPlan>) => dispatch({ type: 'plan', plan: p }),
    setLayerRank: (layer: string, rank: number | null | undefined) => dispatch({ type: 'layerRank', layer, rank }),
  };
}

/** Rank sweeps and latency of the current plan. */
function measureActions({ store, run, onProgress }: Context) {
  const { get, dispatch } = store;
  return {
    async sweep(request?: SweepRequest) {
      const s = get();
      if (!s.model || !s.plan) return;
      const req =
        request ?? defaultSweep(s.model.inventory, s.plan, usableMethods(unavailableMethods(s.model, s.prepared)));
      dispatch({ type: 'sweepStart', request: req });
      // Points arrive on their own channel and may trail the final answer: only this sweep, while it runs.
      let live = true;
      const onPoint = (point: SweepPointInfo) => live && dispatch({ type: 'sweepPoint', point, request: req });
      try {
        const call = (c: StudioConnection) => c.call((api) => api.sweep(req, proxy(onPoint), proxy(onProgress)));
        const points = await run('Running the sweep', call, true);
        if (points) dispatch({ type: 'sweepDone', points });
      } finally {
        live = false;
      }
    },
    async latency() {
      const plan = get().plan;
      if (!plan) return;
      const latency = await run('Timing inference', (c) => c.call((api) => api.latency(plan)), true);
      if (latency) dispatch({ type: 'latency', latency });
    },
  };
}

/** Training a zoo model, fine-tuning the plan, automatic ranks and export. */
function modelActions({ store, run, onProgress, flow }: Context) {
  const { get, dispatch } = store;
  return {
    async train(request: TrainRequest) {
      dispatch({ type: 'trainStart' });
      const onEpoch = (epoch: TrainEpochInfo) => dispatch({ type: 'trainEpoch', epoch });
      const call = (c: StudioConnection) => c.call((api) => api.train(request, proxy(onEpoch), proxy(onProgress)));
      const model = await run(`Training ${request.kind}`, call, true);
      if (!model) return;
      flow().openings.current.push({ kind: 'trained' });
      flow().adoptModel(model, null);
      await flow().analyse();
    },
    async fineTune(settings: FineTuneSettings) {
      const plan = get().plan;
      if (!plan) return;
      dispatch({ type: 'fineTuneStart' });
      const onEpoch = (epoch: TrainEpochInfo) => dispatch({ type: 'fineTuneEpoch', epoch });
      const call = (c: StudioConnection) =>
        c.call((api) => api.fineTune(plan, settings, proxy(onEpoch), proxy(onProgress)));
      const result = await run('Fine-tuning the compressed model', call, true);
      if (result) dispatch({ type: 'fineTuned', result: { ...result, key: planKey(plan) } });
    },
    async autoRanks(budget: number) {
      const method = get().plan?.method;
      if (!method) return;
      const auto = await run('Choosing ranks for the budget', (c) => c.call((api) => api.autoRanks(budget, method)));
      if (auto) dispatch({ type: 'autoRanks', auto });
    },
    async exportModel(options: ExportOptions = {}) {
      const plan = get().plan;
      if (!plan) return;
      dispatch({ type: 'exportStart' });
      const call = (c: StudioConnection) => c.call((api) => api.exportModel(plan, options));
      const exported = await run('Exporting and checking the compressed model', call);
      if (exported) dispatch({ type: 'exported', exported });
      return exported;
    },
  };
}

/** Cancel, backend switch, the banner, and a simulated crash for the fault tests. */
function controlActions({ store, run, conn, flow }: Context) {
  const { dispatch } = store;
  return {
    async cancel() {
      flow().cancelGen.current++;
      await conn.current?.call((api) => api.cancel()).catch(() => {});
    },
    async setBackend(choice: BackendChoice) {
      dispatch({ type: 'backendChoice', choice });
      const backend = await run(`Switching to ${choice}`, (c) => c.call((api) => api.init(choice)));
      if (!backend) return;
      dispatch({ type: 'backend', backend, fresh: true });
      await flow().analyse();
    },
    dismiss: () => dispatch({ type: 'dismiss' }),
    /** For the console and the fault tests: kill the worker as a crash would. */
    simulateCrash: () => conn.current?.simulateCrash(),
  };
}

export function useActions(
  store: Store,
  run: Run,
  onProgress: (p: Progress) => void,
  conn: MutableRefObject<StudioConnection | null>,
  flow: OpenFlow,
) {
  const latest = useRef(flow);
  latest.current = flow;
  const { get, dispatch } = store;
  return useMemo(() => {
    const ctx: Context = { store: { get, dispatch }, run, onProgress, conn, flow: () => latest.current };
    return { ...openAndPlanActions(ctx), ...measureActions(ctx), ...modelActions(ctx), ...controlActions(ctx) };
    // The store's get and dispatch, run and onProgress are stable; the flow is read through a ref.
  }, [get, dispatch, run, onProgress, conn]);
}
