/**
 * Quantized artifacts through real tfjs: tfjs loads them with plain tf.loadLayersModel(fromMemory), every
 * weight it loads equals the project's decodeWeights value and is within the promised bound, and the logits
 * equal those of a float32 model holding the dequantized weights; their drift from the original model stays
 * within a first-order bound Σ |∂logit/∂w|·bound(w).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import type { LayersModel } from '../../../src/tf/tfjs';
import { buildModel } from '../../../src/tf/zooModels';
import { loadModelFromArtifacts, saveModelToArtifacts } from '../../../src/tf/modelio';
import { logitModel, predictLogits } from '../../../src/tf/predict';
import { makeInputs, planFeed } from '../../../src/tf/feed';
import { MODEL_KINDS } from '../../../src/core/model/spec';
import type { ModelArtifacts } from '../../../src/core/layers/artifacts';
import { quantizeArtifacts, type QuantizeMode } from '../../../src/core/layers/quantize';
import { decodeWeights, encodeWeights } from '../../../src/core/layers/weights';
import { smallSpec, syntheticEncoding, syntheticRows } from '../../helpers/synthetic';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const MODES: QuantizeMode[] = ['float16', 'uint16', 'uint8'];
const enc = syntheticEncoding();
const rows = syntheticRows(enc, 64);
const GRAD_ROWS = 24;
const report: string[] = [];

afterAll(() => {
  console.info(
    `logit drift from the float32 model (max over ${rows.rows} rows; ratio = max ` +
      `drift / first-order bound over ${GRAD_ROWS} rows)\n${report.join('\n')}`,
  );
});

function load(a: ModelArtifacts): Promise<LayersModel> {
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: a.modelTopology,
      weightSpecs: a.weightSpecs,
      weightData: a.weightData,
    } as unknown as tf.io.ModelArtifacts),
  );
}

/** |∂logit_r/∂w| for the first n rows, per weight name (tfjs' saved name, LayersVariable.originalName). */
function gradMagnitudes(model: LayersModel, n: number): Map<string, Float32Array>[] {
  const net = logitModel(model);
  const plan = planFeed(model, enc);
  const weights = model.trainableWeights;
  expect(model.nonTrainableWeights.length).toBe(0);
  const vars = weights.map((w) => w.read() as tf.Variable);
  const out: Map<string, Float32Array>[] = [];
  for (let r = 0; r < n; r++) {
    const inputs = makeInputs(plan, rows, { start: r, end: r + 1 });
    const { value, grads } = tf.variableGrads(() => (net.apply(inputs) as tf.Tensor).sum() as tf.Scalar, vars);
    out.push(
      new Map(weights.map((w, i) => [w.originalName, Float32Array.from(grads[vars[i].name].dataSync(), Math.abs)])),
    );
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
    inputs.forEach((t) => t.dispose());
  }
  return out;
}

describe.each(MODEL_KINDS)('%s', (kind) => {
  let model: LayersModel;
  let artifacts: ModelArtifacts;
  let base: Float32Array;
  let grads: Map<string, Float32Array>[];

  beforeAll(async () => {
    model = buildModel(smallSpec(kind, enc));
    // Move weights off their initial values (biases start at exactly 0) so real values travel.
    model.setWeights(model.getWeights().map((w, i) => tf.add(w, tf.randomNormal(w.shape, 0, 0.1, 'float32', i))));
    artifacts = await saveModelToArtifacts(model);
    base = await predictLogits(model, enc, rows);
    grads = gradMagnitudes(model, GRAD_ROWS);
  });

  it.each(MODES)('%s: tfjs loads exactly the dequantized weights, within the bound', async (mode) => {
    const original = decodeWeights(artifacts);
    const q = quantizeArtifacts(artifacts, mode);
    expect(q.bytes * (mode === 'uint8' ? 4 : 2)).toBe(q.float32Bytes);
    expect(q.float32Bytes).toBe(artifacts.weightData.byteLength);
    const deq = decodeWeights(q.artifacts);
    const bounds = new Map(q.perWeight.map((p) => [p.name, p.bound]));
    const loaded = await load(q.artifacts);
    const seen = new Set<string>();
    for (const w of loaded.weights) {
      const name = w.originalName;
      seen.add(name);
      const got = w.read().dataSync() as Float32Array;
      // bit-for-bit what the project's decoder computes
      expect(Array.from(got), name).toEqual(Array.from(deq.get(name)!.values));
      const orig = original.get(name)!.values;
      let err = 0;
      for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - orig[i]));
      expect(err, name).toBeLessThanOrEqual(bounds.get(name)!);
    }
    expect(seen).toEqual(new Set(original.keys()));
    loaded.dispose();
  });

  it.each(MODES)(
    '%s: logits equal the float model with dequantized weights and move within the first-order bound',
    async (mode) => {
      const q = quantizeArtifacts(artifacts, mode);
      const quantized = await load(q.artifacts);
      const reference = await loadModelFromArtifacts({ ...artifacts, ...encodeWeights(decodeWeights(q.artifacts)) });
      const got = await predictLogits(quantized, enc, rows);
      const ref = await predictLogits(reference, enc, rows);
      let drift = 0;
      for (let r = 0; r < rows.rows; r++) {
        expect(Math.abs(got[r] - ref[r])).toBeLessThanOrEqual(1e-6);
        drift = Math.max(drift, Math.abs(got[r] - base[r]));
      }
      // First order: |Δlogit_r| ≲ Σ_w Σ_i |∂logit_r/∂w_i| · bound(w). Second-order terms and float32 evaluation
      // noise are far smaller at these step sizes; allow a factor 2 and 1e-5 absolute for them.
      const bounds = new Map(q.perWeight.map((p) => [p.name, p.bound]));
      let worstRatio = 0;
      for (let r = 0; r < GRAD_ROWS; r++) {
        let bound = 0;
        for (const [name, g] of grads[r]) {
          const b = bounds.get(name)!;
          for (let i = 0; i < g.length; i++) bound += g[i] * b;
        }
        const d = Math.abs(got[r] - base[r]);
        expect(d, `row ${r}`).toBeLessThanOrEqual(2 * bound + 1e-5);
        worstRatio = Math.max(worstRatio, d / bound);
      }
      report.push(
        `${kind.padEnd(8)} ${mode.padEnd(7)} bytes ${q.bytes}/${q.float32Bytes}  max|Δw| ` +
          `${q.maxAbsError.toExponential(2)}  max|Δlogit| ${drift.toExponential(2)}  ratio ` +
          `${worstRatio.toFixed(3)}`,
      );
      quantized.dispose();
      reference.dispose();
    },
  );
});

describe('tfjs io.decodeWeights on mixed, unaligned entries', () => {
  it('reads an odd-length uint8 entry, then uint16 / float16 at odd offsets, then int32, as the project does', () => {
    const weights = encodeWeights([
      ['a', { shape: [5], dtype: 'float32', values: Float32Array.from([-1, 0, 0.3, 2, 5]) }],
      ['ids', { shape: [3], dtype: 'int32', values: Int32Array.from([3, -4, 1 << 30]) }],
      ['b', { shape: [3], dtype: 'float32', values: Float32Array.from([0.1, -0.2, 0]) }],
    ]);
    const src: ModelArtifacts = { modelTopology: {}, ...weights };
    const u8 = quantizeArtifacts(src, 'uint8').artifacts;
    const f16 = quantizeArtifacts(src, 'float16').artifacts;
    // Splice: a (uint8, 5 bytes) from u8, then ids (int32) and b (float16), which start at odd offsets.
    const aBytes = new Uint8Array(u8.weightData, 0, 5);
    const rest = new Uint8Array(f16.weightData, 10);
    const data = new Uint8Array(aBytes.length + rest.length);
    data.set(aBytes, 0);
    data.set(rest, 5);
    const mixed: ModelArtifacts = {
      modelTopology: {},
      weightSpecs: [u8.weightSpecs[0], f16.weightSpecs[1], f16.weightSpecs[2]],
      weightData: data.buffer,
    };
    const ours = decodeWeights(mixed);
    const theirs = tf.io.decodeWeights(mixed.weightData, mixed.weightSpecs as unknown as tf.io.WeightsManifestEntry[]);
    for (const [name, w] of ours) {
      expect(Array.from(theirs[name].dataSync()), name).toEqual(Array.from(w.values));
      theirs[name].dispose();
    }
    expect(Array.from(ours.get('ids')!.values)).toEqual([3, -4, 1 << 30]);
    expect(ours.get('a')!.values[1]).toBe(0);
    expect(ours.get('b')!.values[2]).toBe(0);
  });
});
