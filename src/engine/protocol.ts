/**
 * The typed API between the studio UI and its worker, and the plain data it exchanges. No tfjs, no React:
 * both sides import these types; only the worker implements them.
 */
import type { ErrorCode } from '../core/errors';
import type { BackendName } from '../tf/backend';

export type BackendChoice = BackendName | 'auto';

export interface BackendInfo {
  backend: BackendName;
  /** 'gpu' = a real WebGPU adapter, 'fallback' = software (SwiftShader), 'none' = no WebGPU. */
  webgpu: 'gpu' | 'fallback' | 'none';
  adapterName?: string;
}

/** A file handed to the worker: its name and bytes (ArrayBuffers are transferred, Blobs are cloned). */
export interface FilePayload {
  name: string;
  data: ArrayBuffer | Blob;
}

export interface ModelSummary {
  name: string;
  params: number;
  layers: number;
  /** Zoo kind when the model was made by CTR Studio. */
  kind?: string;
  /** Test AUC recorded in the model's metadata, if any. */
  recordedAuc?: number;
}

export interface DataSummary {
  name: string;
  rows: number;
  positives: number;
  badRows: number;
  format: 'criteo' | 'delimited';
}

export interface Evaluation {
  rows: number;
  auc: number;
  logloss: number;
  /** Milliseconds spent scoring. */
  ms: number;
}

/** A StudioError crossing the worker boundary. */
export interface WorkerError {
  code: ErrorCode;
  message: string;
}

export interface StudioApi {
  /** Starts a tfjs backend ('auto' = best real one). */
  init(choice: BackendChoice): Promise<BackendInfo>;
  /** Loads a model from dropped files (model.json + weight shards, any order) or from URLs. */
  loadModel(files: FilePayload[]): Promise<ModelSummary>;
  loadModelUrl(modelJsonUrl: string): Promise<ModelSummary>;
  /** Reads the rows to score (raw rows, encoded with the model's own encoding). */
  loadTestData(file: FilePayload): Promise<DataSummary>;
  loadTestDataUrl(url: string): Promise<DataSummary>;
  /** AUC and log loss of the model on the test rows. */
  evaluate(): Promise<Evaluation>;
  /** Click probabilities of the test rows (for checks and exports). */
  predict(): Promise<Float32Array>;
}
