/**
 * Weight values of a model's artifacts by name, and back. Reads float32 and int32 weights, including ones
 * exported quantized (uint8 / uint16 affine, float16) by the same rules tfjs applies when it loads them;
 * writes plain float32 / int32 (tfjs cannot write quantized weights either).
 */
import { StudioError } from '../errors';
import type { ModelArtifacts, WeightSpec } from './artifacts';
import { float16BitsToNumber as halfToFloat } from './float16';

/** One decoded weight: shape, dtype and row-major values (a Dense kernel is [d_in, d_out]). */
export interface Weight {
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

const STORED_BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function unsupported(spec: WeightSpec, what: string): StudioError {
  return new StudioError(
    'INVALID_ARGUMENT',
    `The weight ${spec.name} is stored as ${what}, which the compressor cannot read; ` +
      `export the model with float32 weights.`,
  );
}

function decodeOne(spec: WeightSpec, bytes: Uint8Array): Weight {
  const n = sizeOf(spec.shape);
  const q = spec.quantization;
  // Copy into a fresh, aligned buffer: the shard offset need not be a multiple of 4, and the caller's buffer
  // must never be aliased (results are edited in place by the rewriter).
  const own = bytes.slice().buffer;
  if (!q) {
    if (spec.dtype === 'float32')
      return { shape: [...spec.shape], dtype: 'float32', values: new Float32Array(own, 0, n) };
    if (spec.dtype === 'int32') return { shape: [...spec.shape], dtype: 'int32', values: new Int32Array(own, 0, n) };
    throw unsupported(spec, spec.dtype);
  }
  if (spec.dtype !== 'float32' && spec.dtype !== 'int32') throw unsupported(spec, `quantized ${spec.dtype}`);
  if (q.dtype === 'float16') {
    if (spec.dtype !== 'float32') throw unsupported(spec, 'float16-quantized int32');
    const half = new Uint16Array(own, 0, n);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = halfToFloat(half[i]);
    return { shape: [...spec.shape], dtype: 'float32', values };
  }
  if (q.dtype !== 'uint8' && q.dtype !== 'uint16') throw unsupported(spec, `quantization ${String(q.dtype)}`);
  if (typeof q.scale !== 'number' || typeof q.min !== 'number')
    throw unsupported(spec, `${q.dtype} without scale and min`);
  const raw = q.dtype === 'uint8' ? new Uint8Array(own, 0, n) : new Uint16Array(own, 0, n);
  const values = spec.dtype === 'float32' ? new Float32Array(n) : new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = raw[i] * q.scale + q.min;
    values[i] = spec.dtype === 'int32' ? Math.round(v) : v;
  }
  return { shape: [...spec.shape], dtype: spec.dtype, values };
}

/** Decodes every weight of the artifacts, in manifest order (a Map keeps that order). Copies; never aliases. */
export function decodeWeights(artifacts: Pick<ModelArtifacts, 'weightSpecs' | 'weightData'>): Map<string, Weight> {
  const out = new Map<string, Weight>();
  const all = new Uint8Array(artifacts.weightData);
  let offset = 0;
  for (const spec of artifacts.weightSpecs) {
    const stored = spec.quantization?.dtype ?? spec.dtype;
    const per = STORED_BYTES[stored];
    if (per === undefined) throw unsupported(spec, stored);
    const length = sizeOf(spec.shape) * per;
    if (offset + length > all.byteLength) {
      throw new StudioError(
        'MODEL_WEIGHTS_SIZE',
        `The weight data ends before the weight ${spec.name}; the weight file is ` +
          `truncated or belongs to another model.`,
      );
    }
    if (out.has(spec.name))
      throw new StudioError(
        'INVALID_ARGUMENT',
        `The weight manifest names ${spec.name} twice; export the model again.`,
      );
    out.set(spec.name, decodeOne(spec, all.subarray(offset, offset + length)));
    offset += length;
  }
  return out;
}

/** Encodes named weights, in the given order, as one float32 / int32 buffer and its manifest entries. */
export function encodeWeights(weights: Iterable<[string, Weight]>): Pick<ModelArtifacts, 'weightSpecs' | 'weightData'> {
  const list = [...weights];
  const weightSpecs: WeightSpec[] = [];
  let total = 0;
  for (const [name, w] of list) {
    if (w.values.length !== sizeOf(w.shape))
      throw new Error(`weight ${name}: ${w.values.length} values for shape [${w.shape.join(', ')}]`);
    weightSpecs.push({ name, shape: [...w.shape], dtype: w.dtype });
    total += w.values.length * 4;
  }
  const data = new ArrayBuffer(total);
  let offset = 0;
  for (const [, w] of list) {
    const view =
      w.dtype === 'int32'
        ? new Int32Array(data, offset, w.values.length)
        : new Float32Array(data, offset, w.values.length);
    view.set(w.values);
    offset += w.values.length * 4;
  }
  return { weightSpecs, weightData: data };
}
