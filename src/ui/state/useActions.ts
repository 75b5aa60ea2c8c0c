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
  ModelInfo,
  Progress,
  SweepPointInfo,
  SweepRequest,
  TrainEpochInfo,
  TrainRequest,
  UniformPlan,
} from '../../engine/protocol';
import { planKey } from '../../engine/protocol';
import { defaultSweep, unavailableMethods, usableMethods } from '../defaults';
import { proxy, type StudioConnection } from '../studioClient';
import type { Opening } from '../useStudio';
import type { Store } from './useStore';
import type { Run } from './useWorker';

/** The flow the actions chain into (see useStudio). */
export interface Flow {
  analyse: () => Promise<void>;
  adoptModel: (model: ModelInfo, demoId: string | null, urlPlan?: Partial<UniformPlan>, reopen?: boolean) => void;
  openDemo: (id: string, urlPlan?: Partial<UniformPlan>) => Promise<boolean>;
  openDrop: (files: { name: string; data: Blob }[]) => Promise<boolean>;
  cancelGen: MutableRefObject<number>;
  openings: MutableRefObject<Opening[]>;
}

export function useActions(
  store: Store,
  run: Run,
  onProgress: (p: Progress) => void,
  conn: MutableRefObject<StudioConnection | null>,
  flow: Flow,
) {
  const latest = useRef(flow);
  latest.current = flow;
  const { get, dispatch } = store;

  return useMemo(() => {
    const f = () => latest.current;
    const plan = () => get().plan;
    return {
      openDemo: async (id: string) => {
        if (await f().openDemo(id, plan() ?? undefined)) await f().analyse();
      },
      async openFiles(files: File[]) {
        const gen = f().cancelGen.current;
        const ok = await f().openDrop(files.map((file) => ({ name: file.name, data: file })));
        if (ok && f().cancelGen.current === gen) await f().analyse();
      },
      setPlan: (p: Partial<UniformPlan>) => dispatch({ type: 'plan', plan: p }),
      setLayerRank: (layer: string, rank: number | null | undefined) => dispatch({ type: 'layerRank', layer, rank }),
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
          const points = await run(
            'Running the sweep',
            (c) => c.call((api) => api.sweep(req, proxy(onPoint), proxy(onProgress))),
            true,
          );
          if (points) dispatch({ type: 'sweepDone', points });
        } finally {
          live = false;
        }
      },
      async latency() {
        const p = plan();
        if (!p) return;
        const latency = await run('Timing inference', (c) => c.call((api) => api.latency(p)), true);
        if (latency) dispatch({ type: 'latency', latency });
      },
      async train(request: TrainRequest) {
        dispatch({ type: 'trainStart' });
        const onEpoch = (epoch: TrainEpochInfo) => dispatch({ type: 'trainEpoch', epoch });
        const model = await run(
          `Training ${request.kind}`,
          (c) => c.call((api) => api.train(request, proxy(onEpoch), proxy(onProgress))),
          true,
        );
        if (!model) return;
        f().openings.current.push({ kind: 'trained' });
        f().adoptModel(model, null);
        await f().analyse();
      },
      async exportModel(options: ExportOptions = {}) {
        const p = plan();
        if (!p) return;
        dispatch({ type: 'exportStart' });
        const exported = await run('Exporting and checking the compressed model', (c) =>
          c.call((api) => api.exportModel(p, options)),
        );
        if (exported) dispatch({ type: 'exported', exported });
        return exported;
      },
      async fineTune(settings: FineTuneSettings) {
        const p = plan();
        if (!p) return;
        dispatch({ type: 'fineTuneStart' });
        const onEpoch = (epoch: TrainEpochInfo) => dispatch({ type: 'fineTuneEpoch', epoch });
        const result = await run(
          'Fine-tuning the compressed model',
          (c) => c.call((api) => api.fineTune(p, settings, proxy(onEpoch), proxy(onProgress))),
          true,
        );
        if (result) dispatch({ type: 'fineTuned', result: { ...result, key: planKey(p) } });
      },
      async autoRanks(budget: number) {
        const method = plan()?.method;
        if (!method) return;
        const auto = await run('Choosing ranks for the budget', (c) => c.call((api) => api.autoRanks(budget, method)));
        if (auto) dispatch({ type: 'autoRanks', auto });
      },
      async cancel() {
        f().cancelGen.current++;
        await conn.current?.call((api) => api.cancel()).catch(() => {});
      },
      async setBackend(choice: BackendChoice) {
        dispatch({ type: 'backendChoice', choice });
        const backend = await run(`Switching to ${choice}`, (c) => c.call((api) => api.init(choice)));
        if (backend) {
          dispatch({ type: 'backend', backend, fresh: true });
          await f().analyse();
        }
      },
      dismiss: () => dispatch({ type: 'dismiss' }),
      /** For the console and the fault tests: kill the worker as a crash would. */
      simulateCrash: () => conn.current?.simulateCrash(),
    };
  }, [get, dispatch, run, onProgress, conn]);
}
