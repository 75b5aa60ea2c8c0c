/**
 * DeepCTR (TensorFlow) DeepFM and DCN saved with model.save('m.h5'), in DeepCTR's layout: they open with their
 * custom layers mapped (FM, Linear, DNN, PredictionLayer, NoMask, Concat, _Add, CrossNet), score like a plain
 * forward pass of the file's weights written from DeepCTR's formulas, and compress data-free.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { tfjsLoader } from '../../../src/tf/runtime';
import { loadModelFromArtifacts } from '../../../src/tf/modelio';
import { ModelCompressor } from '../../../src/app/modelCompressor';
import { memoryFile, openModelFiles } from '../../../src/formats';
import { isStudioError } from '../../../src/core/errors';
import { createRng } from '../../../src/core/random';
import {
  DENSE,
  EMBEDDING_DIM,
  SPARSE,
  deepCtrH5,
  deepCtrLayers,
  type DeepCtrLayer,
} from '../../fixtures/keras/deepctr';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

type Row = { ids: number[]; dense: number[] };
type Kind = 'DeepFM' | 'DCN' | 'DCN-matrix';

/** DeepCTR's DeepFM / DCN on one row, from the raw weight arrays (float64). */
function reference(kind: Kind, layers: DeepCtrLayer[], row: Row): number {
  const w = (layer: string, name: string) =>
    layers.find((l) => l.name === layer)!.weights.find(([n]) => n === name)![1];
  const matVec = (x: number[], m: { shape: number[]; data: Float32Array }) =>
    Array.from({ length: m.shape[1] }, (_, j) => x.reduce((s, xi, i) => s + xi * m.data[i * m.shape[1] + j], 0));
  const kernel = w('linear', 'linear_kernel');
  let linear = row.dense.reduce((s, x, i) => s + x * kernel.data[i], 0);
  SPARSE.forEach((f, i) => {
    linear += w(`linear0sparse_emb_${f.name}`, 'embeddings').data[row.ids[i]];
  });
  const v = SPARSE.map((f, i) => {
    const t = w(`sparse_emb_${f.name}`, 'embeddings').data;
    return Array.from(t.subarray(row.ids[i] * EMBEDDING_DIM, (row.ids[i] + 1) * EMBEDDING_DIM));
  });
  const x0 = [...v.flat(), ...row.dense];
  let h = x0;
  for (let i = 0; i < 2; i++) {
    const b = w('dnn', `bias${i}`).data;
    h = matVec(h, w('dnn', `kernel${i}`)).map((s, j) => Math.max(0, s + b[j]));
  }
  let logit = linear + w('prediction_layer', 'global_bias').data[0];
  if (kind === 'DeepFM') {
    for (let k = 0; k < EMBEDDING_DIM; k++) {
      const sum = v.reduce((s, e) => s + e[k], 0);
      logit += 0.5 * (sum * sum - v.reduce((s, e) => s + e[k] * e[k], 0));
    }
    logit += matVec(h, w('dense', 'kernel'))[0];
  } else {
    let x = x0;
    for (let i = 0; i < 2; i++) {
      const k = w('cross_net', `kernel${i}`);
      const b = w('cross_net', `bias${i}`).data;
      if (kind === 'DCN') {
        const s = matVec(x, k)[0];
        x = x.map((xl, j) => x0[j] * s + b[j] + xl);
      } else {
        // W x_l with W[i][j] at i·d + j: DeepCTR's einsum('ij,bjk->bik').
        const d = x.length;
        const wx = x.map((_, r) => x.reduce((s, xj, c) => s + k.data[r * d + c] * xj, 0));
        x = x.map((xl, j) => x0[j] * (wx[j] + b[j]) + xl);
      }
    }
    logit += matVec([...x, ...h], w('dense', 'kernel'))[0];
  }
  return 1 / (1 + Math.exp(-logit));
}

function rows(n: number): Row[] {
  const rng = createRng(4);
  return Array.from({ length: n }, () => ({
    ids: SPARSE.map((f) => Math.floor(rng() * f.vocab)),
    dense: DENSE.map(() => rng() * 2 - 1),
  }));
}

describe.each(['DeepFM', 'DCN', 'DCN-matrix'] as const)('DeepCTR %s saved with model.save', (kind: Kind) => {
  it('opens, predicts like DeepCTR’s formulas on the raw weights (1e-5), and compresses data-free', async () => {
    const layers = deepCtrLayers(kind === 'DeepFM' ? 'DeepFM' : 'DCN', 21, kind === 'DCN-matrix' ? 'matrix' : 'vector');
    const opened = await openModelFiles([memoryFile(`${kind}.h5`, await deepCtrH5(layers))]);
    if (opened.kind !== 'layers') throw new Error('expected a layers model');
    const model = await loadModelFromArtifacts(opened.artifacts, opened.name);
    const data = rows(24);
    const inputs = [
      ...SPARSE.map((_, f) =>
        tf.tensor2d(
          data.map((r) => [r.ids[f]]),
          [data.length, 1],
          'int32',
        ),
      ),
      ...DENSE.map((_, d) =>
        tf.tensor2d(
          data.map((r) => [r.dense[d]]),
          [data.length, 1],
        ),
      ),
    ];
    const y = model.predict(inputs) as tf.Tensor;
    const got = (await y.data()) as Float32Array;
    expect(y.shape).toEqual([data.length, 1]);
    let max = 0;
    data.forEach((r, i) => {
      max = Math.max(max, Math.abs(got[i] - reference(kind, layers, r)));
    });
    expect(max).toBeLessThan(1e-5);
    tf.dispose([y, ...inputs]);
    model.dispose();

    const { model: runnable } = await tfjsLoader()(opened);
    const c = new ModelCompressor(runnable);
    c.setDataFree();
    const resolved = c.uniformPlan({ method: 'afm', denseRank: 2, embeddingRank: 2 });
    const factored = resolved.filter((l) => l.rank !== null).map((l) => l.layer);
    expect(factored).toEqual(expect.arrayContaining(['dnn_dense_0', 'sparse_emb_C3']));
    // Fused (the default: batched lookups and up-projections) and unfused, each loads and is smaller.
    for (const fuse of [true, false]) {
      const built = c.build(resolved, { fuse });
      expect(built.params).toBeLessThan(runnable.params);
      const compressed = await c.load(built);
      compressed.dispose();
    }
    runnable.dispose();
  });
});

describe('DeepCTR layers that are not mapped', () => {
  it('name themselves in one sentence (a DNN with batch normalization)', async () => {
    const layers = deepCtrLayers('DeepFM', 3).map((l) =>
      l.name === 'dnn' ? { ...l, config: { ...l.config, use_bn: true } } : l,
    );
    const e = await openModelFiles([memoryFile('bn.h5', await deepCtrH5(layers))]).catch((x: unknown) => x);
    expect(isStudioError(e), String(e)).toBe(true);
    expect((e as Error).message).toMatch(/^bn\.h5 uses layers tfjs cannot run: DNN with use_bn \(dnn\)/);
  });
});
