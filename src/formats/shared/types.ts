/** The types every model format shares: files as the user gives them, and a model once opened. */
import type { ByteSource, RandomAccessFile } from '../../core/data';
import type { ModelArtifacts } from '../../core/layers/artifacts';

/** A file the user gave: dropped in the studio, named on the command line, or found in a zip. */
export interface InputFile {
  /** Base name (folders inside a zip are dropped). */
  name: string;
  /** Size in bytes, when known before reading. */
  size?: number;
  bytes(): Promise<Uint8Array>;
  /** A fresh stream of the bytes (data files of any size are read this way, chunk by chunk). */
  stream(): Promise<ByteSource>;
  /** Random access to the bytes, when the file allows it (a browser File: Parquet is read this way). */
  random?(): Promise<RandomAccessFile>;
}

/** A model read from its files, ready for a runtime: tfjs artifacts, or an ONNX graph run as it is. */
export type OpenedModel =
  | { kind: 'layers'; format: string; name: string; artifacts: ModelArtifacts }
  | { kind: 'onnx'; format: string; name: string; bytes: Uint8Array };

/** One model format: which files are its own, and how to open them. */
export interface ModelFormat {
  /** Stable id. */
  readonly id: string;
  /** How help and error sentences name it, e.g. "an ONNX .onnx file". */
  readonly describe: string;
  /**
   * The files of this format among the given ones, or null when there are none. `texts` holds the text of
   * every .json file (model files are told apart by content where they can be).
   */
  claim(files: InputFile[], texts: Map<InputFile, string>): InputFile[] | null;
  open(files: InputFile[], texts: Map<InputFile, string>): Promise<OpenedModel>;
}

/** An InputFile over bytes already in memory. */
export function memoryFile(name: string, data: Uint8Array): InputFile {
  return {
    name,
    size: data.byteLength,
    bytes: async () => data,
    stream: async () => data,
  };
}

/** A file to hand back to the user (a download, or a file written under --out). */
export interface OutputFile {
  name: string;
  data: Uint8Array;
  type: string;
}

/** A model written in its format: its files, the weights' size, and the largest rounding error stored. */
export interface WrittenModel {
  files: OutputFile[];
  weightBytes: number;
  /** What the weights would take as float32. */
  float32Bytes: number;
  /** Largest |original − stored| weight difference (0 unless quantized). */
  maxWeightError: number;
  /** Why a second format that was asked for (ONNX beside tfjs) could not be written. */
  alsoError?: string;
}
