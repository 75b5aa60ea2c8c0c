/**
 * What the NumPy reference of the compression pipeline (scripts/reference/afm_numpy.py) reads: the model's
 * topology and float32 weights as the compressor sees them, and the model's inputs for the calibration rows
 * exactly as they are fed (so both sides run the same forward pass on the same values). Plain bytes and JSON;
 * the caller writes them to disk.
 */
import type { EncodedBatch, FeatureEncoding } from '../core/data';
import type { ModelArtifacts } from '../core/layers/artifacts';
import { makeInputs, planFeed } from './feed';
import type { LayersModel } from './tfjs';

/** One file of the dump and its place in the index. */
export interface DumpFile {
  file: string;
  bytes: Uint8Array;
}

/** The index (index.json) and files of a reference dump; `extra` is merged into the index. */
export interface ReferenceDump {
  index: Record<string, unknown>;
  files: DumpFile[];
}

/**
 * The dump of a tfjs model and its calibration rows. Non-float32 weights are listed with their dtype (the
 * reference then declines the model); weights are laid out in weightSpecs order in one blob.
 */
export function referenceDump(
  net: LayersModel,
  artifacts: ModelArtifacts,
  encoding: FeatureEncoding,
  rows: EncodedBatch,
  extra: Record<string, unknown>,
): ReferenceDump {
  const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };
  let offset = 0;
  const weights = artifacts.weightSpecs.map((w) => {
    const size = w.shape.reduce((a, b) => a * b, 1) * (w.quantization ? 0 : (BYTES[w.dtype] ?? 0));
    const spec = { name: w.name, shape: w.shape, dtype: w.quantization ? w.quantization.dtype : w.dtype, offset };
    offset += size;
    return spec;
  });
  const files: DumpFile[] = [{ file: 'weights.bin', bytes: new Uint8Array(artifacts.weightData) }];
  const tensors = makeInputs(planFeed(net, encoding), rows, { start: 0, end: rows.rows });
  const inputs = tensors.map((t, k) => {
    const file = `input${k}.bin`;
    const values = t.dataSync() as Float32Array | Int32Array;
    files.push({ file, bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
    return { name: net.inputNames[k], dtype: t.dtype, shape: t.shape, file };
  });
  tensors.forEach((t) => t.dispose());
  return { index: { topology: artifacts.modelTopology, weights, inputs, ...extra }, files };
}
