/** quantizeArtifacts on hand-built artifacts: sizes, manifest entries, error bounds, zero, constants, errors. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantizeArtifacts, quantizationBound, type QuantizeMode } from '../../../src/core/layers/quantize';
import {
  artifactsToFiles,
  assembleArtifacts,
  parseModelJson,
  type ModelArtifacts,
} from '../../../src/core/layers/artifacts';
import { decodeWeights, encodeWeights, type Weight } from '../../../src/core/layers/weights';
import { isStudioError } from '../../../src/core/errors';

const MODES: QuantizeMode[] = ['uint8', 'uint16', 'float16'];
const topology = { class_name: 'Functional', config: { name: 'm', layers: [] } };

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
function normal(r: () => number, n: number, std = 1): Float32Array {
  return Float32Array.from({ length: n }, () => std * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
}
function f32(shape: number[], values: ArrayLike<number>): Weight {
  return { shape, dtype: 'float32', values: Float32Array.from(values) };
}
function artifactsOf(weights: [string, Weight][]): ModelArtifacts {
  return {
    modelTopology: structuredClone(topology),
    format: 'layers-model',
    ...encodeWeights(weights),
    userDefinedMetadata: { note: 'x' },
  };
}

const r = rng(1);
const kernel = normal(r, 7 * 5, 0.3); // odd sizes: 35 one-byte entries put the next uint16 entry at an odd offset
const bias = Float32Array.from([0, -0.25, 0.5, 0, 1.75]); // contains exact zeros, negatives and positives
const WEIGHTS: [string, Weight][] = [
  ['dense/kernel', f32([7, 5], kernel)],
  ['dense/bias', f32([5], bias)],
  ['const', f32([3], [0.37, 0.37, 0.37])],
  ['zeros', f32([4], [0, 0, 0, 0])],
  ['positive', f32([6], [0.5, 1, 1.5, 2, 3.25, 7])], // 0 outside the range: no nudge
  ['nonpositive', f32([4], [-3, -1.1, -0.2, 0])], // hi = 0 exactly
  ['nonnegative', f32([4], [0, 0.2, 1.1, 3])], // lo = 0 exactly
  ['emb/embeddings', f32([11, 3], normal(r, 33, 0.05))],
];

describe.each(MODES)('%s', (mode) => {
  const input = artifactsOf(WEIGHTS);
  const result = quantizeArtifacts(input, mode);
  const original = decodeWeights(input);
  const deq = decodeWeights(result.artifacts);

  it('shrinks float32 weights exactly to 1/4 (uint8) or 1/2 (uint16, float16)', () => {
    const count = WEIGHTS.reduce((s, [, w]) => s + w.values.length, 0);
    expect(result.float32Bytes).toBe(count * 4);
    expect(result.bytes).toBe(result.artifacts.weightData.byteLength);
    expect(result.bytes * (mode === 'uint8' ? 4 : 2)).toBe(result.float32Bytes);
  });

  it('writes the manifest entries tfjs reads', () => {
    for (const spec of result.artifacts.weightSpecs) {
      expect(spec.dtype).toBe('float32');
      if (mode === 'float16') expect(spec.quantization).toEqual({ dtype: 'float16', original_dtype: 'float32' });
      else {
        expect(Object.keys(spec.quantization!).sort()).toEqual(['dtype', 'min', 'original_dtype', 'scale']);
        expect(spec.quantization).toMatchObject({ dtype: mode, original_dtype: 'float32' });
        expect(Number.isFinite(spec.quantization!.scale) && spec.quantization!.scale! > 0).toBe(true);
      }
    }
    expect(result.artifacts.weightSpecs.map((s) => s.name)).toEqual(WEIGHTS.map(([n]) => n));
  });

  it('dequantizes within the promised bound, and reports the realised errors', () => {
    let worst = 0;
    for (const [name, w] of WEIGHTS) {
      const got = deq.get(name)!.values;
      const bound = quantizationBound(w.values as Float32Array, mode);
      const entry = result.perWeight.find((p) => p.name === name)!;
      expect(entry.bound).toBe(bound);
      let err = 0;
      for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - w.values[i]));
      expect(entry.maxAbsError).toBe(err);
      expect(err).toBeLessThanOrEqual(bound);
      worst = Math.max(worst, err);
    }
    expect(result.maxAbsError).toBe(worst);
    expect(worst).toBeGreaterThan(0);
  });

  it('keeps 0 exactly 0 (zero-point nudging for uint8/uint16)', () => {
    for (const [name, w] of WEIGHTS) {
      const got = deq.get(name)!.values;
      for (let i = 0; i < got.length; i++) if (w.values[i] === 0) expect(got[i], `${name}[${i}]`).toBe(0);
    }
  });

  it('round-trips a constant weight exactly', () => {
    if (mode === 'float16') {
      // float16 has no constant special case: 0.37 is not a half, so it moves by at most |v|·2^-11
      const entry = result.perWeight.find((p) => p.name === 'const')!;
      expect(entry.bound).toBe(Math.fround(0.37) * 2 ** -11);
      expect(entry.maxAbsError).toBeLessThanOrEqual(entry.bound);
      return;
    }
    expect(Array.from(deq.get('const')!.values)).toEqual(Array.from(original.get('const')!.values));
    expect(result.perWeight.find((p) => p.name === 'const')).toEqual({ name: 'const', maxAbsError: 0, bound: 0 });
    expect(result.artifacts.weightSpecs[2].quantization).toMatchObject({ scale: 1, min: Math.fround(0.37) });
  });

  it('survives model.json + weight file (scale and min are exact through JSON)', () => {
    const files = artifactsToFiles(result.artifacts);
    const back = assembleArtifacts(parseModelJson(files.modelJson), new Map([[files.weightsName, files.weights]]));
    const again = decodeWeights(back);
    for (const [name, w] of deq) expect(Array.from(again.get(name)!.values)).toEqual(Array.from(w.values));
  });

  it('never mutates its input', () => {
    const before = artifactsOf(WEIGHTS);
    const bytes = new Uint8Array(before.weightData).slice();
    const specs = JSON.stringify(before.weightSpecs);
    const out = quantizeArtifacts(before, mode);
    expect(new Uint8Array(before.weightData)).toEqual(bytes);
    expect(JSON.stringify(before.weightSpecs)).toBe(specs);
    expect(before.modelTopology).toEqual(topology);
    expect(out.artifacts.modelTopology).not.toBe(before.modelTopology);
    expect(out.artifacts.userDefinedMetadata).toEqual({ note: 'x' });
    expect(out.artifacts.weightData).not.toBe(before.weightData);
  });

  it('copies int32 weights byte for byte and keeps their manifest entry', () => {
    const ids: Weight = { shape: [3], dtype: 'int32', values: Int32Array.from([7, -2_000_000_000, 42]) };
    const a = artifactsOf([
      ['k', f32([3], [1, -2, 0.5])],
      ['ids', ids],
      ['b', f32([1], [0.25])],
    ]);
    const out = quantizeArtifacts(a, mode);
    expect(out.artifacts.weightSpecs[1]).toEqual({ name: 'ids', shape: [3], dtype: 'int32' });
    expect('quantization' in out.artifacts.weightSpecs[1]).toBe(false); // tfjs tests `'quantization' in spec`
    expect(Array.from(decodeWeights(out.artifacts).get('ids')!.values)).toEqual([7, -2_000_000_000, 42]);
    expect(out.bytes).toBe(4 * (mode === 'uint8' ? 1 : 2) + 12);
    expect(out.float32Bytes).toBe(28);
    expect(out.perWeight.map((p) => p.name)).toEqual(['k', 'b']);
  });

  it('refuses NaN and infinite weights with a clear error', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      try {
        quantizeArtifacts(artifactsOf([['w', f32([2], [1, bad])]]), mode);
        expect.unreachable();
      } catch (e) {
        expect(isStudioError(e) && e.code).toBe('INVALID_ARGUMENT');
        expect((e as Error).message).toMatch(/weight w contains NaN or infinite/);
      }
    }
  });

  it('stays within the bound for arbitrary finite float32 weights (property)', () => {
    const limit = mode === 'float16' ? 65504 : 3.4028234663852886e38;
    fc.assert(
      fc.property(
        fc.float32Array({ minLength: 1, maxLength: 40, noNaN: true, noDefaultInfinity: true, min: -limit, max: limit }),
        (values) => {
          const out = quantizeArtifacts(artifactsOf([['w', f32([values.length], values)]]), mode);
          const got = decodeWeights(out.artifacts).get('w')!.values;
          const bound = quantizationBound(values, mode);
          for (let i = 0; i < values.length; i++) {
            const err = Math.abs(got[i] - values[i]);
            if (!(err <= bound)) return false;
            // 0 is exact unless the weight comes within scale/2 of float32's limit (documented fallback).
            if (values[i] === 0 && got[i] !== 0 && Math.max(...Array.from(values, Math.abs)) < 3.3e38) return false;
          }
          return out.perWeight[0].bound === bound && out.maxAbsError <= bound;
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('error bounds', () => {
  it('affine: bound = scale/2 + 2^-23·max|v| + 2^-149, and the realised error comes close to scale/2', () => {
    const values = normal(rng(5), 20000, 0.2);
    for (const mode of ['uint8', 'uint16'] as const) {
      const out = quantizeArtifacts(artifactsOf([['w', f32([values.length], values)]]), mode);
      const { scale } = out.artifacts.weightSpecs[0].quantization as { scale: number };
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of values) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      expect(scale).toBe((hi - lo) / (mode === 'uint8' ? 255 : 65535));
      expect(quantizationBound(values, mode)).toBe(scale / 2 + Math.max(-lo, hi) * 2 ** -23 + 2 ** -149);
      expect(out.maxAbsError).toBeGreaterThan(0.45 * scale); // the bound is not vacuous
      expect(out.maxAbsError).toBeLessThanOrEqual(out.perWeight[0].bound);
    }
  });

  it('float16: each value within |v|·2^-11 (normal range) or 2^-25 (subnormal range)', () => {
    const values = Float32Array.from([
      ...normal(rng(9), 5000, 3),
      ...normal(rng(10), 2000, 1e-5),
      ...normal(rng(11), 500, 1e-7),
    ]);
    const out = quantizeArtifacts(artifactsOf([['w', f32([values.length], values)]]), 'float16');
    const got = decodeWeights(out.artifacts).get('w')!.values;
    let worstRel = 0;
    for (let i = 0; i < values.length; i++) {
      const a = Math.abs(values[i]);
      const err = Math.abs(got[i] - values[i]);
      expect(err).toBeLessThanOrEqual(a >= 2 ** -14 ? a * 2 ** -11 : Math.min(a, 2 ** -25));
      if (a >= 2 ** -14) worstRel = Math.max(worstRel, err / a);
    }
    expect(worstRel).toBeGreaterThan(0.9 * 2 ** -11); // tight: some value loses nearly half an ulp
  });

  it('float16 refuses values beyond ±65504 (tfjs would load Infinity) but takes 65504 itself', () => {
    expect(quantizeArtifacts(artifactsOf([['w', f32([2], [65504, -65504])]]), 'float16').maxAbsError).toBe(0);
    try {
      quantizeArtifacts(
        artifactsOf([
          ['ok', f32([1], [1])],
          ['big/kernel', f32([3], [1, -70000, 2])],
        ]),
        'float16',
      );
      expect.unreachable();
    } catch (e) {
      expect(isStudioError(e) && e.code).toBe('INVALID_ARGUMENT');
      expect((e as Error).message).toMatch(/big\/kernel.*-70000.*65504.*uint8 or uint16/);
    }
    // the affine modes handle large values
    expect(quantizeArtifacts(artifactsOf([['w', f32([2], [70000, -3])]]), 'uint16').maxAbsError).toBeLessThan(1);
  });

  it('re-quantizes already-quantized artifacts from the values tfjs would load', () => {
    const once = quantizeArtifacts(artifactsOf(WEIGHTS), 'uint8').artifacts;
    const loaded = decodeWeights(once);
    const twice = quantizeArtifacts(once, 'float16');
    const got = decodeWeights(twice.artifacts);
    for (const [name, w] of loaded) {
      const bound = quantizationBound(w.values as Float32Array, 'float16');
      for (let i = 0; i < w.values.length; i++)
        expect(Math.abs(got.get(name)!.values[i] - w.values[i])).toBeLessThanOrEqual(bound);
    }
    expect(twice.bytes * 2).toBe(twice.float32Bytes);
  });

  it('rejects an unknown mode', () => {
    expect(() => quantizeArtifacts(artifactsOf(WEIGHTS), 'int4' as QuantizeMode)).toThrow(/Unknown quantization int4/);
  });
});
