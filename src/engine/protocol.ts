/**
 * The typed API between the studio UI and its worker. No tfjs, no React: both sides import these types; only
 * the worker implements StudioApi (src/engine/session.ts), on the application layer (src/app).
 */
import type { BackendName } from '../tf/backend';
import type {
  AutoRankInfo,
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
  OpenedFiles,
} from '../app/types';
import type { SchemaOverrides } from '../core/data/schema';

export * from '../app/types';
export type { ColumnKind, DataSchema, SchemaOverrides } from '../core/data/schema';

export type BackendChoice = BackendName | 'auto';

export interface BackendInfo {
  /** 'gpu' = a real WebGPU adapter, 'fallback' = software (SwiftShader), 'none' = no WebGPU. */
  webgpu: 'gpu' | 'fallback' | 'none';
  backend: BackendName;
  adapterName?: string;
}

/**
 * Long calls take an optional progress callback (a comlink proxy). A new call of the same kind supersedes a
 * running one (which then fails with CANCELLED); cancel() stops whatever runs.
 */
export interface StudioApi {
  /** Starts or switches the tfjs backend ('auto' = best real one). */
  init(choice: BackendChoice): Promise<BackendInfo>;
  /** Answers at once: the UI's heartbeat. */
  ping(): Promise<'pong'>;
  /**
   * Opens dropped files (unzipped and sorted here): data files first (a name with "test" is test rows), then
   * the model among them, if any.
   */
  openFiles(files: FilePayload[], onProgress?: (p: Progress) => void): Promise<OpenedFiles>;
  /** Loads a model from dropped files (model.json + weight shards, any order), validated first. */
  loadModel(files: FilePayload[]): Promise<ModelInfo>;
  /**
   * Loads a model from a URL (the demo), same validation; with the URL of its precomputed work
   * (precomputed.json, see src/app/precomputed.ts), used when it matches the model and rows.
   */
  loadModelUrl(modelJsonUrl: string, precomputedUrl?: string): Promise<ModelInfo>;
  /**
   * Reads training or test rows (a test file replaces the split-off tail). A training file whose feature
   * columns differ from the open test file's closes it, so that the new file's tail is the test split.
   */
  loadData(
    role: DataRole,
    file: FilePayload | { url: string; name: string },
    onProgress?: (p: Progress) => void,
  ): Promise<DataInfo[]>;
  /**
   * The user's schema edits (label and kinds by column name) for training a new model on the open rows; the
   * training file's schema in the returned infos shows them. A kind a column cannot take is DATA_SCHEMA.
   */
  setSchema(overrides: SchemaOverrides): Promise<DataInfo[]>;
  /** Whether the open model can score the open rows (data-aware work) and if not, why (data-free then); for a
   * model made elsewhere, which columns feed which inputs. */
  scoringStatus(): Promise<{ dataAware: boolean; reason?: string; mismatch?: boolean; binding?: string }>;
  /** Scores the original model on the test rows (and streams every row of a large test file). */
  baseline(onProgress?: (p: Progress) => void): Promise<BaselineInfo>;
  /** Statistics (AFM) and decompositions (AFM and SVD) of every compressible layer. */
  prepare(onProgress?: (p: Progress) => void): Promise<PreparedInfo>;
  /** Builds the plan's model and scores it; superseded by a newer evaluate. */
  evaluate(plan: UniformPlan): Promise<PlanResult>;
  /** Rank sweep; each finished point is reported through onPoint. */
  sweep(
    request: SweepRequest,
    onPoint?: (p: SweepPointInfo) => void,
    onProgress?: (p: Progress) => void,
  ): Promise<SweepPointInfo[]>;
  /** Inference latency of original and compressed models at batch 1 and 2048 (medians after warm-up). */
  latency(plan: UniformPlan): Promise<LatencyInfo[]>;
  /** Compresses by the plan and fine-tunes on the training rows (best validation checkpoint kept). */
  fineTune(
    plan: UniformPlan,
    settings: FineTuneSettings,
    onEpoch?: (e: TrainEpochInfo) => void,
    onProgress?: (p: Progress) => void,
  ): Promise<PlanResult & { bestEpoch: number }>;
  /** Per-layer AFM ranks for a parameter budget, checked on validation rows. */
  autoRanks(budget: number, method: string): Promise<AutoRankInfo>;
  /** Trains a zoo model on the training rows; it becomes the open model. */
  train(
    request: TrainRequest,
    onEpoch?: (e: TrainEpochInfo) => void,
    onProgress?: (p: Progress) => void,
  ): Promise<ModelInfo>;
  /** The compressed model's files with its recipe, reloaded and rescored before they are returned. */
  exportModel(plan: UniformPlan, options?: ExportOptions): Promise<ExportResult>;
  /** Click probabilities of the test rows from the original model (checks and parity tests). */
  predict(): Promise<Float32Array>;
  /** Stops the running long job, if any. */
  cancel(): Promise<void>;
}
