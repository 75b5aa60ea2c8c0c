/**
 * The plain data the application layer exchanges with its callers (the studio's worker API, the command line):
 * what is open, results, requests. No tfjs, no React: serialisable objects only.
 */
import type { DeLongSummary, SweepMethod, SweepPoint } from '../core/compress/report';
import type { LayerInfo } from '../core/compress/inventory';
import type { UniformPlan } from '../core/compress/plan';
import type { CompressionRecipe } from '../core/compress/recipe';
import type { ModelInputInfo } from '../core/data/binding';
import type { DataSchema } from '../core/data/schema';
import type { ReadMode } from './datasets';
import type { ModelDescription } from '../core/layers/describe';
import type { ParamAccounting } from '../core/layers/accounting';
import type { ModelKind } from '../core/model/spec';

/** A compression method's id (see src/core/compress/methods). */
export type Method = string;
export type { UniformPlan, LayerInfo, ModelKind, SweepMethod, CompressionRecipe };

/** A file handed to the worker: its name and bytes (cloned, never transferred: the UI keeps its copy). */
export interface FilePayload {
  name: string;
  data: ArrayBuffer | Blob;
}

/** How many layers a model's description sends to the studio (a table of 100,000 rows would block the page). */
export const DESCRIBED_LAYERS = 200;

/** The open model, with what the UI needs to count a plan's parameters itself (instantly, in pure code). */
export interface ModelInfo {
  name: string;
  params: number;
  layerCount: number;
  /** Zoo kind when the model was made by CTR Studio. */
  kind?: string;
  /** Test AUC recorded in the model's metadata, if any. */
  recordedAuc?: number;
  /** The model carries a CTR Studio feature encoding (it can score raw rows). */
  hasEncoding: boolean;
  /** The model's inputs: what a data file's columns must be named and hold when it carries no encoding. */
  inputs: ModelInputInfo[];
  /** Every Dense and Embedding layer, compressible or not, with break-even ranks and fusion verdicts. */
  inventory: LayerInfo[];
  /**
   * The model's layers (class, output shape, parameters, inputs, what compression can do): the first
   * `DESCRIBED_LAYERS` of them; `layerCount` counts them all.
   */
  description: ModelDescription;
  /** What the UI needs to count a plan's parameters itself, the moment a slider moves. */
  accounting: ParamAccounting;
  /** The format the model runs in ('tfjs', or 'onnx' for a graph run as it is). */
  format: string;
  /** What the runtime can do beyond scoring (fine-tuning, gradient statistics). */
  capabilities: { fineTune: boolean; gradients: boolean };
  /** The compression recipe, when the model was exported by CTR Studio. */
  compression?: CompressionRecipe;
  /** Something the user should know about how the model runs (e.g. a backend switch for a too-large weight). */
  notice?: string;
  /** The backend now running, when opening the model changed it. */
  backend?: string;
}

export type DataRole = 'train' | 'test';

export interface DataInfo {
  role: DataRole;
  name: string;
  /** Rows in the file (or its split). */
  rows: number;
  /** Rows held in memory for the interactive work: all of them, or a uniform sample of a large file. */
  sampleRows: number;
  positives: number;
  badRows: number;
  /** First bad rows, for the user to look at. */
  badExamples: { line: number; reason: string }[];
  format: DataSchema['format'];
  /** True when these rows are the tail of the training file (no separate test file was given). */
  splitFromTrain?: boolean;
  /** How the rows were read: as the file says, as the open model's encoding needs, or as they are. */
  readAs: ReadMode;
  /**
   * The training file only: its schema as a new model is trained on it (detection with its reasons, plus the
   * user's edits), whatever the open model needs.
   */
  schema?: DataSchema;
}

/** The original model on the test rows (in memory), and on every test row of a large file. */
export interface BaselineInfo {
  rows: number;
  params: number;
  auc: number;
  logloss: number;
  scoreMs: number;
  /** When the test rows in memory are a sample: the same figures over the whole file, streamed once. */
  full?: { rows: number; auc: number; logloss: number };
  /** Sentences about degenerate scores (constant, or saturated at 0 or 1), shown beside the AUC; empty if none. */
  warnings: string[];
}

/** One layer's spectrum under one method: cumulative explained fraction for rank 0..maxRank. */
export interface LayerSpectrum {
  layer: string;
  method: Method;
  /** explained[k] = fraction of the layer's output variance (AFM) or weight energy (SVD) kept at rank k. */
  explained: number[];
}

export interface PreparedInfo {
  /** True without rows the model can score: SVD for Dense layers, AFM with uniform id weights for tables. */
  dataFree: boolean;
  calibrationRows: number;
  statisticsMs: number;
  decompositionMs: number;
  spectra: LayerSpectrum[];
  /** The statistics and spectra were shipped with the model (the demo's); decompositions follow on first use. */
  precomputed?: true;
}

export type DeLongInfo = DeLongSummary;

/** A plan built and scored on the test rows. */
export interface PlanResult {
  plan: UniformPlan;
  params: number;
  auc: number;
  logloss: number;
  delong: DeLongInfo;
  /**
   * Sentences about the compressed model's degenerate scores or a comparison with the original that cannot
   * tell anything, shown beside the AUC; empty if none.
   */
  warnings: string[];
  /** Layers kept although asked to compress (rank above break-even). */
  kept: string[];
  fused: number;
  buildMs: number;
  scoreMs: number;
  /**
   * Data-free only (no AUC then): relative reconstruction error per replaced layer (of its weights for Dense
   * layers, of its uniformly weighted rows for tables), their mean and the worst.
   */
  reconstruction?: { perLayer: Record<string, number>; mean: number; worst: number };
}

export interface SweepRequest {
  methods: SweepMethod[];
  denseRanks: (number | null)[];
  embeddingRanks: (number | null)[];
}

/** One point of a sweep (the same record the CLI's sweep report holds). */
export type SweepPointInfo = SweepPoint;

/** Inference latency at one batch size: medians over timed runs, with every run's time (their spread). */
export interface LatencyInfo {
  batchSize: number;
  originalMsPerBatch: number;
  compressedMsPerBatch: number;
  originalRowsPerSec: number;
  compressedRowsPerSec: number;
  /** Milliseconds per batch in each timed run (original and compressed alternate run by run). */
  originalRuns: number[];
  compressedRuns: number[];
}

export interface TrainRequest {
  kind: ModelKind;
  epochs: number;
  /** Rows per step; absent: the kind's default (TRAIN_DEFAULTS in core/model/spec). */
  batchSize?: number;
  /** Adam's learning rate; absent: the kind's default. */
  learningRate?: number;
  embeddingDim: number;
  tower: number[];
  seed: number;
}

export interface TrainEpochInfo {
  epoch: number;
  trainLoss: number;
  validAuc: number;
  validLogloss: number;
}

/** Files of an exported model (and reports), checked by loading them back before they are offered. */
export interface ExportResult {
  files: { name: string; data: ArrayBuffer; type: string }[];
  params: number;
  /** AUC of the model before export (float32 weights). */
  auc: number;
  /** AUC of the exported files loaded back in a fresh model: equal to `auc` unless quantized. */
  reloadedAuc: number;
  /** Size of the exported weight file, and what it would be in float32. */
  weightBytes: number;
  float32Bytes: number;
  /** Largest |original − stored| weight difference (0 without quantization). */
  maxWeightError: number;
  /**
   * Why the copy in the other format is missing: no model.onnx beside a tfjs model (a layer ONNX export cannot
   * write), or no tfjs files beside an ONNX model (an operator with no tfjs layer).
   */
  otherFormatError?: string;
  recipe: CompressionRecipe;
}

export interface ExportOptions {
  /** Store the weights as float16 or 8-bit affine (tfjs reads both); absent = float32. */
  quantize?: 'float16' | 'uint8';
}

/** Fine-tuning settings (defaults: Adam 1e-3, batch 256, one epoch). */
export interface FineTuneSettings {
  epochs: number;
  learningRate: number;
  batchSize: number;
}

/** Ranks chosen for a parameter budget, with the candidates compared on validation rows. */
export interface AutoRankInfo {
  plan: UniformPlan;
  chosen: string;
  budget: number;
  candidates: { label: string; params: number; validAuc: number }[];
}

/** A stable key for a plan (to recognise the plan a fine-tuned model belongs to). */
export function planKey(plan: UniformPlan): string {
  const overrides = Object.entries(plan.overrides ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([
    plan.method,
    plan.denseRank,
    plan.embeddingRank,
    plan.statistics ?? 'one-pass',
    Boolean(plan.activation),
    overrides,
  ]);
}

/** Progress of a long job. */
export interface Progress {
  stage: string;
  done: number;
  total: number;
  unit: 'rows' | 'points' | 'steps' | 'epochs';
}

/** What a drop of files opened: the model (if one was among them) and the rows now open. */
export interface OpenedFiles {
  model: ModelInfo | null;
  data: DataInfo[];
}
