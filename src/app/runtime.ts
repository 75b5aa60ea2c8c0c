/**
 * What the application layer needs from a runtime (tfjs in src/tf, onnxruntime-web in src/ort): a model it
 * can run on encoded rows, measure statistics with, rebuild from a rewrite, and hand back as a payload of its
 * own format. The flows in this folder are written against these types only, so every format gets the same
 * studio and command line.
 */
import type { EncodedBatch, FeatureEncoding, ModelInputInfo, RowSource } from '../core/data';
import type { LayerStatistics } from '../core/compress/statistics';
import type { CompressionTarget } from '../core/compress/target';
import type { ModelDescription } from '../core/layers/describe';
import type { ParamAccounting } from '../core/layers/accounting';

/** Model formats a runtime runs natively. */
export type RuntimeFormat = 'tfjs' | 'onnx';

export interface ScoreOptions {
  batchSize?: number;
  /** Called after each batch with the number of rows scored so far. */
  onProgress?: (rowsDone: number) => void;
  signal?: AbortSignal;
}

/**
 * Which layers to measure: inputs of Dense layers and ids of tables (unless `activations` is false), and the
 * loss gradients of their weights when a method needs them (runtimes with `capabilities.gradients`).
 */
export interface StatisticsRequest {
  dense: string[];
  embeddings: string[];
  activations?: boolean;
  gradients?: boolean;
}

export interface StatisticsOptions {
  batchSize?: number;
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
  signal?: AbortSignal;
}

/** Statistics as a runtime collects them, and how long that took. */
export interface CollectedStatistics extends LayerStatistics {
  ms: number;
}

/** Inference throughput at one batch size: medians over timed runs after warm-up. */
export interface Throughput {
  batchSize: number;
  rowsPerSec: number;
  msPerBatch: number;
  runs: number;
  /** Milliseconds per batch in each timed run, in the order run (their median is msPerBatch). */
  msPerBatchRuns: number[];
}

/** One check of fine-tuning on the validation rows. */
export interface EpochLog {
  epoch: number;
  trainLoss: number;
  validAuc: number;
  validLogloss: number;
  ms: number;
}

export interface FineTuneOptions {
  epochs: number;
  learningRate: number;
  batchSize: number;
  patience: number;
  checksPerEpoch: number;
  seed: number;
  monitor: 'auc' | 'logloss';
  signal?: AbortSignal;
  onEpoch?: (log: EpochLog) => void;
  onStep?: (p: { epoch: number; step: number; steps: number; loss: number }) => void;
}

export interface FineTuneResult {
  bestEpoch: number;
  epochs: EpochLog[];
}

/** A model loaded in a runtime. `P` is the payload of its format (tfjs artifacts, ONNX bytes). */
export interface RunnableModel<P = unknown> {
  readonly format: RuntimeFormat;
  readonly name: string;
  /** The pure view the compression engine works on. */
  readonly target: CompressionTarget<P>;
  /** The model's inputs, for binding data columns to a model made elsewhere. */
  readonly inputs: ModelInputInfo[];
  readonly description: ModelDescription;
  /** Metadata the model carries (CTR Studio's under "ctrStudio": encoding, recipe). */
  readonly userDefinedMetadata: Record<string, unknown> | undefined;
  readonly params: number;
  /** Plain data from which the UI counts any plan's parameters. */
  readonly accounting: ParamAccounting;
  /** What this runtime can do beyond scoring. */
  readonly capabilities: { gradients: boolean; fineTune: boolean };
  /** Logits of every row (the input of the final sigmoid). */
  logits(encoding: FeatureEncoding, rows: EncodedBatch, opts?: ScoreOptions): Promise<Float32Array>;
  /** Click probabilities of every row (the model's own output). */
  probabilities(encoding: FeatureEncoding, rows: EncodedBatch, opts?: ScoreOptions): Promise<Float32Array>;
  statistics(
    encoding: FeatureEncoding,
    rows: RowSource,
    request: StatisticsRequest,
    opts?: StatisticsOptions,
  ): Promise<CollectedStatistics>;
  /** A new runnable model from a payload of this format (a rewrite of this one). Caller disposes. */
  load(payload: P, name: string): Promise<RunnableModel<P>>;
  /** The model as a payload of its format, with its current weights (fine-tuned ones included). */
  payload(): Promise<P>;
  /** Trains the model in place from its current weights, the best validation check kept. */
  fineTune?(
    encoding: FeatureEncoding,
    train: EncodedBatch,
    valid: EncodedBatch,
    options: Partial<FineTuneOptions>,
  ): Promise<FineTuneResult>;
  throughput(
    encoding: FeatureEncoding,
    rows: EncodedBatch,
    batchSize: number,
    opts?: { runs?: number; warmup?: number; callsPerRun?: number },
  ): Promise<Throughput>;
  dispose(): void;
}
