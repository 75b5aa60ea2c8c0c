/**
 * Post-training weight quantization of model artifacts, written in the format tfjs already reads (manifest
 * `quantization` field): tfjs can load float16 / uint8 / uint16 weights but cannot write
 * them, so this module writes the bytes and manifest entries itself, exactly as tensorflowjs_converter does.
 *
 * - uint8 / uint16: per-weight affine, value = q · scale + min (tfjs computes this in doubles and stores it in
 *   a Float32Array). min/scale span the weight's [lo, hi]; when lo ≤ 0 ≤ hi the range is nudged (as in
 *   tensorflowjs_converter and TF-Lite) so that 0 sits exactly on the grid: q = zp decodes to
 *   fl(zp·scale) − fl(zp·scale) = 0 exactly, so zero biases, padding rows and pruned entries stay exactly 0.
 *   A constant weight is stored as q = 0 with scale 1, min = the value, which decodes exactly.
 *   Exception: a weight within scale/2 of float32's limit (|v| > 3.4e38·(1 − 1/levels)) keeps the plain
 *   [lo, hi] grid, because a nudged end would decode as ±Infinity; there 0 is within the bound, not exact.
 * - float16: IEEE half of the float32 value, round-to-nearest-even; tfjs decodes halves exactly to float32.
 *   Values beyond ±65504 are refused (INVALID_ARGUMENT): tfjs would load them as ±Infinity.
 *
 * Error bounds (quantizationBound; checked per weight in perWeight), for |original − what tfjs loads|:
 * - affine: scale/2 + 2^-23·M + 2^-149, M = max|v|; 0 for a constant weight. scale/2 is the grid rounding
 *   (the nudge shifts the grid by at most scale/2, so values clipped at the ends are also within scale/2);
 *   2^-23·M covers the decoder's arithmetic: doubles for q·scale + min (≈2^-52·M) and the float32 store
 *   (≤ 2^-24·|result|, |result| ≤ M + scale/2); 2^-149 covers the float32 subnormal range. Each q is chosen as
 *   whichever of the nearest grid index and its neighbours tfjs decodes closest to v, so no rounding in the
 *   encoder can make it worse than the ideal grid point.
 * - float16: per value |v|·2^-11 when |v| ≥ 2^-14 (half an ulp, 10 fraction bits), min(|v|, 2^-25) below
 *   (subnormal spacing 2^-24); the weight's bound is the largest of these.
 * - Infinity (no promise) for NaN/infinite values, which quantizeArtifacts refuses in every mode.
 *
 * Layout: one weight buffer in manifest order, no padding: tfjs (and the project's decodeWeights) copy each
 * weight out into its own buffer, so 1- and 2-byte entries at odd offsets are fine. Only float32 weights are
 * quantized (entries get `quantization: { dtype, scale, min, original_dtype: 'float32' }`, or
 * `{ dtype: 'float16', original_dtype: 'float32' }`); weights already quantized are first dequantized as tfjs
 * would load them; int32 weights are copied byte for byte with their manifest entries (tfjs would accept
 * uint8/uint16 for int32 but round on load; we never touch them). bool/string/complex64 weights never occur in
 * layers models and are refused by the weight reader. Pure: no tfjs, no DOM. Never mutates its input.
 */
import { StudioError } from '../errors';
import { float16BitsToNumber, float32ToFloat16Bits } from './float16';

export { float32ToFloat16Bits };
import { decodeWeights } from './weights';
import { weightBytes, type ModelArtifacts, type WeightSpec } from './artifacts';

/** Storage format of quantized weights. */
export type QuantizeMode = 'float16' | 'uint8' | 'uint16';

/** Quantized artifacts and how much they shrank and moved. */
export interface QuantizedArtifacts {
  artifacts: ModelArtifacts;
  /** weightData byteLength of the quantized artifacts. */
  bytes: number;
  /** What the same weights take as plain float32 / int32 (4 bytes a value). */
  float32Bytes: number;
  /** Largest |original − dequantized| over all quantized weights (dequantized exactly as tfjs does). */
  maxAbsError: number;
  /** Per quantized (float32) weight: its realised largest error and the bound the scheme promises. */
  perWeight: { name: string; maxAbsError: number; bound: number }[];
}

/** Largest finite float16 value; larger magnitudes would decode as ±Infinity. */
const FLOAT16_MAX = 65504;

/** Worst-case float16 rounding error of one value: |v|·2^-11 in the normal range, ≤ 2^-25 below it. */
function float16ValueBound(a: number): number {
  if (a > FLOAT16_MAX || !Number.isFinite(a)) return Infinity;
  return a >= 2 ** -14 ? a * 2 ** -11 : Math.min(a, 2 ** -25);
}

interface Affine {
  scale: number;
  min: number;
  /** max(|lo|, |hi|) of the values. */
  magnitude: number;
  constant: boolean;
}

/** tensorflowjs_converter's affine range, with 0 nudged onto the grid when the range covers it. */
function affineParams(values: Float32Array, levels: number): Affine {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (values.length === 0) return { scale: 1, min: 0, magnitude: 0, constant: true };
  const magnitude = Math.max(Math.abs(lo), Math.abs(hi));
  if (lo === hi) return { scale: 1, min: lo === 0 ? 0 : lo, magnitude, constant: true };
  const scale = (hi - lo) / levels;
  let min = lo;
  if (lo <= 0 && hi >= 0) {
    const zp = Math.min(levels, Math.max(0, Math.round(-lo / scale)));
    const nudged = zp === 0 ? 0 : -(zp * scale);
    // The nudge moves the grid ends by up to scale/2. Keep it unless tfjs would decode an end as ±Infinity,
    // which only happens for weights within scale/2 of float32's limit (|v| > 3.4e38·(1 − 1/levels)); those
    // keep the plain [lo, hi] grid, where 0 is within the bound but not exact.
    if (Number.isFinite(Math.fround(nudged)) && Number.isFinite(Math.fround(nudged + levels * scale))) min = nudged;
  }
  return { scale, min, magnitude, constant: false };
}

/** scale/2 for the grid, 2^-23·M for double arithmetic plus tfjs' float32 store, 2^-149 for float32 subnormals. */
function affineBound(p: Affine): number {
  return p.constant ? 0 : p.scale / 2 + p.magnitude * 2 ** -23 + 2 ** -149;
}

function hasNonFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return true;
  return false;
}

/** Worst-case |original − dequantized| the scheme promises for these values (see the module comment). */
export function quantizationBound(values: Float32Array, mode: QuantizeMode): number {
  if (hasNonFinite(values)) return Infinity;
  if (mode === 'float16') {
    let worst = 0;
    for (let i = 0; i < values.length; i++) worst = Math.max(worst, float16ValueBound(Math.abs(values[i])));
    return worst;
  }
  return affineBound(affineParams(values, mode === 'uint8' ? 255 : 65535));
}

function refuse(name: string, why: string): StudioError {
  return new StudioError('INVALID_ARGUMENT', `The weight ${name} ${why}`);
}

/** Writes one weight's quantized bytes at `at` and returns its manifest quantization and realised error. */
function quantizeOne(
  name: string,
  values: Float32Array,
  mode: QuantizeMode,
  out: DataView,
  at: number,
): { q: NonNullable<WeightSpec['quantization']>; err: number; bound: number } {
  if (hasNonFinite(values))
    throw refuse(
      name,
      'contains NaN or infinite values, which cannot be quantized; repair or retrain the model first.',
    );
  let err = 0;
  if (mode === 'float16') {
    let bound = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Math.abs(v) > FLOAT16_MAX) {
        throw refuse(
          name,
          `holds the value ${v}, beyond float16's largest finite value ±${FLOAT16_MAX}, ` +
            `which tfjs would load as Infinity; quantize with uint8 or uint16 instead.`,
        );
      }
      const h = float32ToFloat16Bits(v);
      out.setUint16(at + 2 * i, h, true);
      err = Math.max(err, Math.abs(float16BitsToNumber(h) - v));
      bound = Math.max(bound, float16ValueBound(Math.abs(v)));
    }
    return { q: { dtype: 'float16', original_dtype: 'float32' }, err, bound };
  }
  const levels = mode === 'uint8' ? 255 : 65535;
  const p = affineParams(values, levels);
  const { scale, min } = p;
  // tfjs' decoder: Float32Array element = q * scale + min, evaluated in doubles.
  const decode = (q: number) => Math.fround(q * scale + min);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let best = 0;
    let bestErr = Infinity;
    if (!p.constant) {
      // The nearest grid point, then its neighbours: pick whichever tfjs will decode closest to v, so the
      // double/float32 roundings of the decoder can never make the stored q the worse choice.
      const q0 = Math.min(levels, Math.max(0, Math.round((v - min) / scale)));
      for (let q = Math.max(0, q0 - 1); q <= Math.min(levels, q0 + 1); q++) {
        const e = Math.abs(decode(q) - v);
        if (e < bestErr) {
          bestErr = e;
          best = q;
        }
      }
    } else {
      bestErr = Math.abs(decode(0) - v);
    }
    if (mode === 'uint8') out.setUint8(at + i, best);
    else out.setUint16(at + 2 * i, best, true);
    err = Math.max(err, bestErr);
  }
  return { q: { dtype: mode, scale, min, original_dtype: 'float32' }, err, bound: affineBound(p) };
}

/** Quantizes every float32 weight to `mode` (new artifacts; the input is untouched), with sizes and errors. */
export function quantizeArtifacts(a: ModelArtifacts, mode: QuantizeMode): QuantizedArtifacts {
  if (mode !== 'float16' && mode !== 'uint8' && mode !== 'uint16') {
    throw new StudioError('INVALID_ARGUMENT', `Unknown quantization ${String(mode)}; use float16, uint8 or uint16.`);
  }
  const decoded = decodeWeights(a); // copies; validates sizes and names
  const src = new Uint8Array(a.weightData);
  const perValue = mode === 'uint8' ? 1 : 2;
  // Layout: source offsets (for copied weights) and destination sizes.
  let srcAt = 0;
  let total = 0;
  let float32Bytes = 0;
  const plan = a.weightSpecs.map((spec) => {
    const count = spec.shape.reduce((x, y) => x * y, 1);
    const srcBytes = weightBytes(spec);
    const quantize = spec.dtype === 'float32';
    const dstBytes = quantize ? count * perValue : srcBytes;
    const entry = { spec, srcAt, srcBytes, dstAt: total, quantize };
    srcAt += srcBytes;
    total += dstBytes;
    float32Bytes += count * 4;
    return entry;
  });
  const data = new ArrayBuffer(total);
  const view = new DataView(data);
  const bytes = new Uint8Array(data);
  const weightSpecs: WeightSpec[] = [];
  const perWeight: QuantizedArtifacts['perWeight'] = [];
  let maxAbsError = 0;
  for (const { spec, srcAt: from, srcBytes, dstAt, quantize } of plan) {
    if (!quantize) {
      bytes.set(src.subarray(from, from + srcBytes), dstAt);
      weightSpecs.push(
        spec.quantization
          ? { ...spec, shape: [...spec.shape], quantization: { ...spec.quantization } }
          : { ...spec, shape: [...spec.shape] },
      );
      continue;
    }
    const values = decoded.get(spec.name)!.values as Float32Array;
    const { q, err, bound } = quantizeOne(spec.name, values, mode, view, dstAt);
    weightSpecs.push({ ...spec, shape: [...spec.shape], dtype: 'float32', quantization: q });
    perWeight.push({ name: spec.name, maxAbsError: err, bound });
    maxAbsError = Math.max(maxAbsError, err);
  }
  const artifacts: ModelArtifacts = {
    ...a,
    modelTopology: structuredClone(a.modelTopology),
    weightSpecs,
    weightData: data,
  };
  if (a.userDefinedMetadata) artifacts.userDefinedMetadata = structuredClone(a.userDefinedMetadata);
  return { artifacts, bytes: data.byteLength, float32Bytes, maxAbsError, perWeight };
}
