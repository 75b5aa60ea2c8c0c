/** Decoding and encoding weights: exact round trip, and quantized manifests read exactly as tfjs reads them. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { buildModel } from '../../../src/tf/zooModels';
import { loadModelFromArtifacts, saveModelToArtifacts } from '../../../src/tf/modelio';
import type { ModelArtifacts, WeightSpec } from '../../../src/core/layers/artifacts';
import { decodeWeights, encodeWeights, rewriteModel } from '../../../src/core/layers';
import { smallSpec, syntheticEncoding } from '../../helpers/synthetic';
import { layerShapes, perturb, plantDense } from './helpers';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const enc = syntheticEncoding();

/** float → IEEE half bits, round to nearest even (normal and subnormal range). */
function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (exp <= 0) {
    if (exp < -10) return sign;
    const m = (mant | 0x800000) >>> (1 - exp);
    return sign | ((m + 0x1000 + ((m >>> 13) & 1) - 1) >>> 13);
  }
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | ((mant + 0x1000 + ((mant >>> 13) & 1) - 1) >>> 13);
}

/** Re-encodes artifacts with each weight quantized in turn as uint8, uint16, float16 or left float32. */
function quantize(a: ModelArtifacts): ModelArtifacts {
  const weights = decodeWeights(a);
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  let i = 0;
  for (const [name, w] of weights) {
    const v = w.values as Float32Array;
    const kind = (['uint8', 'float32', 'uint16', 'float16'] as const)[i++ % 4];
    if (kind === 'float32') {
      specs.push({ name, shape: w.shape, dtype: 'float32' });
      parts.push(new Uint8Array(Float32Array.from(v).buffer));
    } else if (kind === 'float16') {
      specs.push({ name, shape: w.shape, dtype: 'float32', quantization: { dtype: 'float16' } });
      parts.push(new Uint8Array(Uint16Array.from(v, toHalf).buffer));
    } else {
      const levels = kind === 'uint8' ? 255 : 65535;
      const min = Math.min(...v);
      const scale = (Math.max(...v) - min) / levels || 1;
      const q = Array.from(v, (x) => Math.round((x - min) / scale));
      specs.push({ name, shape: w.shape, dtype: 'float32', quantization: { dtype: kind, min, scale } });
      parts.push(kind === 'uint8' ? Uint8Array.from(q) : new Uint8Array(Uint16Array.from(q).buffer));
    }
  }
  const data = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.byteLength;
  }
  return { ...a, weightSpecs: specs, weightData: data.buffer };
}

describe('weights', () => {
  it('decodes what tfjs saved and encodes it back byte for byte', async () => {
    const model = buildModel(smallSpec('deepfm', enc));
    perturb(model, 1);
    const a = await saveModelToArtifacts(model);
    const w = decodeWeights(a);
    expect([...w.keys()]).toEqual(a.weightSpecs.map((s) => s.name));
    const kernel = w.get('deep_0/kernel')!;
    expect(kernel.shape).toEqual(model.getLayer('deep_0').getWeights()[0].shape);
    expect(kernel.values).toEqual(model.getLayer('deep_0').getWeights()[0].dataSync());
    const back = encodeWeights(w);
    expect(back.weightSpecs).toEqual(a.weightSpecs);
    expect(new Uint8Array(back.weightData)).toEqual(new Uint8Array(a.weightData));
  });

  it.each([
    ['the DNN', () => buildModel(smallSpec('dnn', enc))],
    [
      'a model with odd-sized weights',
      () =>
        tf.sequential({
          layers: [tf.layers.dense({ units: 3, inputShape: [5], name: 'a' }), tf.layers.dense({ units: 1, name: 'b' })],
        }),
    ],
  ])('reads uint8, uint16 and float16 quantized weights exactly as tfjs does (%s)', async (_, make) => {
    const model = make();
    perturb(model, 2);
    const q = quantize(await saveModelToArtifacts(model));
    expect(q.weightSpecs.map((s) => s.quantization?.dtype ?? 'float32')).toContain('float16');
    const loaded = await loadModelFromArtifacts(q);
    const byName = new Map(loaded.weights.map((v) => [v.originalName, v.read().dataSync()]));
    const decoded = decodeWeights(q);
    for (const [name, w] of decoded) {
      expect(w.dtype).toBe('float32');
      expect(w.values, name).toEqual(byName.get(name));
    }
  });

  it('handles weights that start at offsets not divisible by 4', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [5], name: 'a' })] });
    const q = quantize(await saveModelToArtifacts(model));
    // a/kernel: 15 uint8 bytes, so the float32 a/bias starts at byte 15.
    expect(q.weightSpecs.map((s) => s.quantization?.dtype ?? s.dtype)).toEqual(['uint8', 'float32']);
    expect(decodeWeights(q).get('a/bias')!.values).toEqual(model.getLayer('a').getWeights()[1].dataSync());
  });

  it('rewrites a quantized model into a plain float32 one, the other weights dequantized unchanged', async () => {
    const model = buildModel(smallSpec('dnn', enc));
    perturb(model, 3);
    const rep = plantDense(model, 'deep_1', 2, 1);
    const q = quantize(await saveModelToArtifacts(model));
    const original = await loadModelFromArtifacts(q);
    const plain = decodeWeights(q);
    const out = rewriteModel(q, layerShapes(model), [rep], { fuse: false });
    expect(out.artifacts.weightSpecs.every((s) => s.dtype === 'float32' && !s.quantization)).toBe(true);
    const loaded = await loadModelFromArtifacts(out.artifacts);
    for (const v of loaded.weights) {
      if (v.originalName.startsWith('deep_1')) continue;
      expect(v.read().dataSync(), v.originalName).toEqual(plain.get(v.originalName)!.values);
    }
    expect(loaded.countParams()).toBe(original.countParams() - 16 * 8 - 8 + (2 * 17 + 8 * 3));
  });

  it('refuses weights it cannot read, with a clear message', () => {
    const a = { weightSpecs: [{ name: 'x', shape: [2], dtype: 'string' as const }], weightData: new ArrayBuffer(8) };
    expect(() => decodeWeights(a)).toThrow(/cannot read/);
    const short = {
      weightSpecs: [{ name: 'x', shape: [4], dtype: 'float32' as const }],
      weightData: new ArrayBuffer(8),
    };
    expect(() => decodeWeights(short)).toThrow(/truncated/);
  });
});
