/**
 * The studio's state as one typed table, and every change to it as a typed action applied by a pure reducer.
 * What a new model, new rows or a new backend make stale is listed once (STALE), so every path clears the
 * same results.
 */
import type {
  AutoRankInfo,
  BackendChoice,
  BackendInfo,
  BaselineInfo,
  DataInfo,
  ExportResult,
  LatencyInfo,
  ModelInfo,
  PlanResult,
  PreparedInfo,
  Progress,
  SweepPointInfo,
  SweepRequest,
  TrainEpochInfo,
  UniformPlan,
} from '../engine/protocol';
import type { DemoManifest } from './demo';

export interface Job {
  label: string;
  progress: Progress | null;
  cancellable: boolean;
}

export interface StudioState {
  backendChoice: BackendChoice;
  backend: BackendInfo | null;
  manifest: DemoManifest | null;
  demoId: string | null;
  model: ModelInfo | null;
  data: DataInfo[];
  baseline: BaselineInfo | null;
  prepared: PreparedInfo | null;
  /**
   * The user asked to compress a model that is itself a compression (it carries a recipe); until then it is
   * scored as it is, its recipe shown, and nothing is prepared.
   */
  compressAgain: boolean;
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

export const INITIAL: StudioState = {
  backendChoice: 'auto',
  backend: null,
  manifest: null,
  demoId: null,
  model: null,
  data: [],
  baseline: null,
  prepared: null,
  compressAgain: false,
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

/** What each kind of change makes stale. */
const STALE = {
  model: {
    result: null,
    resultPlan: null,
    baseline: null,
    prepared: null,
    compressAgain: false,
    sweepPoints: [],
    sweepRequest: null,
    latency: null,
    exported: null,
    fineTuned: null,
    fineTuneEpochs: [],
    autoRanks: null,
  },
  data: {
    baseline: null,
    prepared: null,
    result: null,
    sweepPoints: [],
    latency: null,
    exported: null,
    fineTuned: null,
    fineTuneEpochs: [],
    autoRanks: null,
  },
  backend: { baseline: null, result: null, latency: null },
} satisfies Record<string, Partial<StudioState>>;

export type Action =
  | { type: 'backendChoice'; choice: BackendChoice }
  | { type: 'backend'; backend: BackendInfo; fresh?: boolean }
  | { type: 'manifest'; manifest: DemoManifest }
  | { type: 'jobStart'; job: Job }
  | { type: 'jobProgress'; progress: Progress }
  | { type: 'jobEnd'; label: string }
  | { type: 'error'; message: string | null }
  | { type: 'notice'; message: string | null }
  | { type: 'dismiss' }
  | { type: 'modelOpened'; model: ModelInfo; plan: UniformPlan; demoId: string | null; reopen: boolean }
  | { type: 'dataOpened'; data: DataInfo[]; reopen?: boolean }
  | { type: 'baseline'; baseline: BaselineInfo | null }
  | { type: 'prepared'; prepared: PreparedInfo }
  | { type: 'compressAgain' }
  | { type: 'plan'; plan: Partial<UniformPlan> }
  | { type: 'layerRank'; layer: string; rank: number | null | undefined }
  | { type: 'result'; result: PlanResult; plan: UniformPlan }
  | { type: 'sweepStart'; request: SweepRequest }
  | { type: 'sweepPoint'; point: SweepPointInfo; request: SweepRequest }
  | { type: 'sweepDone'; points: SweepPointInfo[] }
  | { type: 'latency'; latency: LatencyInfo[] }
  | { type: 'trainStart' }
  | { type: 'trainEpoch'; epoch: TrainEpochInfo }
  | { type: 'fineTuneStart' }
  | { type: 'fineTuneEpoch'; epoch: TrainEpochInfo }
  | { type: 'fineTuned'; result: PlanResult & { bestEpoch: number; key: string } }
  | { type: 'autoRanks'; auto: AutoRankInfo }
  | { type: 'exportStart' }
  | { type: 'exported'; exported: ExportResult };

function reduceSession(s: StudioState, a: Action): Partial<StudioState> | null {
  switch (a.type) {
    case 'backendChoice':
      return { backendChoice: a.choice };
    case 'backend':
      return { backend: a.backend, ...(a.fresh ? STALE.backend : {}) };
    case 'manifest':
      return { manifest: a.manifest };
    case 'jobStart':
      return { job: a.job, error: null };
    case 'jobProgress':
      return s.job ? { job: { ...s.job, progress: a.progress } } : {};
    case 'jobEnd':
      return s.job?.label === a.label ? { job: null } : {};
    case 'error':
      return { error: a.message };
    case 'notice':
      return { notice: a.message };
    case 'dismiss':
      return { error: null, notice: null };
    default:
      return null;
  }
}

function reduceOpen(s: StudioState, a: Action): Partial<StudioState> | null {
  switch (a.type) {
    case 'modelOpened':
      return { model: a.model, plan: a.plan, demoId: a.demoId, ...(a.reopen ? {} : STALE.model) };
    case 'dataOpened':
      return { data: a.data, ...(a.reopen ? {} : STALE.data) };
    case 'baseline':
      return { baseline: a.baseline };
    case 'prepared':
      return { prepared: a.prepared };
    case 'compressAgain':
      return { compressAgain: true };
    case 'plan':
      return s.plan ? { plan: { ...s.plan, ...a.plan } } : {};
    case 'layerRank': {
      if (!s.plan) return {};
      const overrides = { ...(s.plan.overrides ?? {}) };
      if (a.rank === undefined) delete overrides[a.layer];
      else overrides[a.layer] = a.rank;
      return { plan: { ...s.plan, overrides } };
    }
    case 'result':
      return s.plan === a.plan ? { result: a.result, resultPlan: a.plan } : {};
    default:
      return null;
  }
}

function reduceWork(s: StudioState, a: Action): Partial<StudioState> {
  switch (a.type) {
    case 'sweepStart':
      return { sweepPoints: [], sweepRequest: a.request };
    case 'sweepPoint':
      return s.sweepRequest === a.request ? { sweepPoints: [...s.sweepPoints, a.point] } : {};
    case 'sweepDone':
      return { sweepPoints: a.points };
    case 'latency':
      return { latency: a.latency };
    case 'trainStart':
      return { trainingEpochs: [] };
    case 'trainEpoch':
      return { trainingEpochs: [...s.trainingEpochs, a.epoch] };
    case 'fineTuneStart':
      return { fineTuneEpochs: [], fineTuned: null };
    case 'fineTuneEpoch':
      return { fineTuneEpochs: [...s.fineTuneEpochs, a.epoch] };
    case 'fineTuned':
      return { fineTuned: a.result };
    case 'autoRanks': {
      const plan = s.plan
        ? { ...a.auto.plan, statistics: s.plan.statistics, activation: s.plan.activation }
        : a.auto.plan;
      return { autoRanks: a.auto, plan };
    }
    case 'exportStart':
      return { exported: null };
    case 'exported':
      return { exported: a.exported };
    default:
      return {};
  }
}

/** Applies one action; pure. */
export function reduce(s: StudioState, a: Action): StudioState {
  const change = reduceSession(s, a) ?? reduceOpen(s, a) ?? reduceWork(s, a);
  return Object.keys(change).length === 0 ? s : { ...s, ...change };
}
