/**
 * The batched inference layers of compressed models: FieldProjection equals a Dense per field and a
 * Concatenate (every path: one product, one per run of fields at large batches, ranks padded, both join axes),
 * FieldEmbedding equals one lookup per table, and a compressed DeepFM / DCNv2 that uses both reproduces the
 * original exactly at batch 1 and at a large batch, after a save → load round trip, and in ONNX Runtime.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { customLayers, tf } from '../../../src/tf/tfjs';
import type { Tensor } from '../../../src/tf/tfjs';
import { buildModel } from '../../../src/tf/zooModels';
import { predictProbs } from '../../../src/tf/predict';
import { loadModelFromArtifacts, saveModelToArtifacts } from '../../../src/tf/modelio';
import { rewriteModel, type Replacement } from '../../../src/core/layers';
import { exportOnnx } from '../../../src/core/onnx/export';
import { importOnnx } from '../../../src/core/onnx/import';
import { smallSpec, syntheticEncoding, syntheticRows } from '../../helpers/synthetic';
import { layerShapes, maxDiff, perturb, plantEmbedding } from '../compress-graph/helpers';
import { feedsFromBatch, runOrt } from '../onnx/reference';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** An input of the projection test: its tensor, and its code width (0: passed through) and stacked fields. */
type In = { x: Tensor; rank: number; fields: number };

/** x·U_f + c_f per field (each field of a stacked input on its own), joined on `axis`: the unbatched form. */
function reference(ins: In[], kernel: Tensor, bias: Tensor, axis: 1 | 2): Tensor {
  const units = bias.shape[1]!;
  let row = 0;
  let field = 0;
  const parts = ins.flatMap(({ x, rank, fields }) => {
    if (rank === 0) return [x];
    return Array.from({ length: fields }, (_, j) => {
      const one = tf.slice(x, [0, j, 0], [-1, 1, -1]);
      const u = tf.slice(kernel, [row, 0], [rank, -1]);
      const y = tf.add(
        tf.reshape(tf.matMul(tf.reshape(one, [-1, rank]), u), [-1, 1, units]),
        tf.slice(bias, [field, 0], [1, -1]),
      );
      row += rank;
      field += 1;
      return y;
    });
  });
  return tf.concat(parts, axis);
}

/** A FieldProjection over `ins` with random weights, applied; and the reference output. */
async function project(ins: In[], units: number, axis: 1 | 2) {
  const rows = ins.reduce((a, i) => a + i.rank * i.fields, 0);
  const fields = ins.reduce((a, i) => a + (i.rank > 0 ? i.fields : 0), 0);
  const layer = new customLayers.FieldProjection({
    ranks: ins.map((i) => i.rank),
    fields: ins.map((i) => i.fields),
    units,
    axis,
  });
  const xs = ins.map((i) => i.x);
  layer.apply(xs.map((x) => tf.zerosLike(x)));
  const kernel = tf.randomNormal([rows, units], 0, 1, 'float32', 5);
  const bias = tf.randomNormal([fields, units], 0, 1, 'float32', 6);
  layer.setWeights([kernel, bias]);
  const got = layer.apply(xs) as Tensor;
  return { got: await got.data(), want: await reference(ins, kernel, bias, axis).data(), shape: got.shape, layer };
}

const inputs = (batch: number, shapes: [number, number, number][]) =>
  shapes.map(([n, w], s) => tf.randomNormal([batch, n, w], 0, 1, 'float32', 10 + s));

describe('FieldProjection', () => {
  for (const batch of [1, 7, 200]) {
    it(`equals a Dense per field and a Concatenate on the field axis (batch ${batch}, runs of fields)`, async () => {
      // A code, a pass-through block, three stacked codes, one more code: two runs of projected inputs.
      const [a, p, s, c] = inputs(batch, [
        [1, 2, 0],
        [2, 3, 0],
        [3, 2, 0],
        [1, 2, 0],
      ]);
      const ins: In[] = [
        { x: a, rank: 2, fields: 1 },
        { x: p, rank: 0, fields: 2 },
        { x: s, rank: 2, fields: 3 },
        { x: c, rank: 2, fields: 1 },
      ];
      const { got, want, shape } = await project(ins, 3, 1);
      expect(shape).toEqual([batch, 7, 3]);
      expect(maxDiff(got, want)).toBeLessThan(1e-5);
    });
  }

  it.each([1, 200])('pads codes of different ranks, joining on the last axis (batch %i)', async (batch) => {
    const [a, p, b] = inputs(batch, [
      [1, 2, 0],
      [1, 5, 0],
      [1, 3, 0],
    ]);
    const ins: In[] = [
      { x: a, rank: 2, fields: 1 },
      { x: p, rank: 0, fields: 1 },
      { x: b, rank: 3, fields: 1 },
    ];
    const { got, want, shape } = await project(ins, 4, 2);
    expect(shape).toEqual([batch, 1, 4 + 5 + 4]);
    expect(maxDiff(got, want)).toBeLessThan(1e-5);
  });

  it('projects a run of more than twelve fields in blocks (batch 200)', async () => {
    const [s, c] = inputs(200, [
      [14, 3, 0],
      [1, 2, 0],
    ]);
    const ins: In[] = [
      { x: s, rank: 3, fields: 14 },
      { x: c, rank: 2, fields: 1 },
    ];
    const { got, want, shape } = await project(ins, 4, 1);
    expect(shape).toEqual([200, 15, 4]);
    expect(maxDiff(got, want)).toBeLessThan(1e-5);
  });

  it.each([1, 200])('trains as a Dense per field does: the same gradients (batch %i)', async (batch) => {
    const [a, p, s] = inputs(batch, [
      [1, 2, 0],
      [1, 3, 0],
      [3, 2, 0],
    ]);
    const ins: In[] = [
      { x: a, rank: 2, fields: 1 },
      { x: p, rank: 0, fields: 1 },
      { x: s, rank: 2, fields: 3 },
    ];
    const { layer } = await project(ins, 3, 1);
    const w = tf.randomNormal([batch, 5, 3], 0, 1, 'float32', 9);
    const loss = (out: Tensor) => tf.sum(tf.mul(out, w)) as tf.Scalar;
    const vars = layer.trainableWeights.map((v) => v.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => loss(layer.apply(ins.map((i) => i.x)) as Tensor), vars);
    const [dk, db] = tf.grads((k: Tensor, b: Tensor) => loss(reference(ins, k, b, 1)))(vars);
    expect(maxDiff(await grads[vars[0].name].data(), await dk.data())).toBeLessThan(1e-4);
    expect(maxDiff(await grads[vars[1].name].data(), await db.data())).toBeLessThan(1e-4);
  });

  it('refuses inputs that do not match its ranks (the weights are sized from the inputs)', () => {
    const layer = new customLayers.FieldProjection({ ranks: [2, 2], units: 3, axis: 1 });
    expect(() => layer.apply([tf.zeros([1, 1, 2]), tf.zeros([1, 1, 4])])).toThrow(/not \[batch, 1, 2\]/);
  });
});

describe('FieldEmbedding', () => {
  it('equals one lookup per table, for int and float ids', async () => {
    const dims = [3, 5, 2];
    const layer = new customLayers.FieldEmbedding({ inputDims: dims, outputDim: 4 });
    const ids = dims.map((d, i) => tf.tensor2d([0, d - 1, i % d, 1 % d], [4, 1], 'int32'));
    layer.apply(ids);
    const table = tf.randomNormal([10, 4], 0, 1, 'float32', 3);
    layer.setWeights([table]);
    const starts = [0, 3, 8];
    const want = tf.concat(
      ids.map((x, i) =>
        tf.reshape(tf.gather(tf.slice(table, [starts[i], 0], [dims[i], -1]), tf.reshape(x, [-1])), [4, 1, 4]),
      ),
      1,
    );
    const got = layer.apply(ids) as Tensor;
    expect(got.shape).toEqual([4, 3, 4]);
    expect(Array.from(await got.data())).toEqual(Array.from(await want.data()));
    const asFloat = layer.apply(ids.map((x) => tf.cast(x, 'float32'))) as Tensor;
    expect(Array.from(await asFloat.data())).toEqual(Array.from(await want.data()));
  });
});

describe('FieldEmbedding lookups', () => {
  const dims = [3, 5, 2];
  const setUp = () => {
    const layer = new customLayers.FieldEmbedding({ inputDims: dims, outputDim: 2 });
    const ids = dims.map((d, i) => tf.tensor2d([0, d - 1, i % d, 1 % d, 0, d - 1], [6, 1], 'int32'));
    layer.apply(ids);
    layer.setWeights([tf.randomNormal([10, 2], 0, 1, 'float32', 4)]);
    return { layer, ids };
  };

  it('give the stacked table the gradients of one lookup per table (it trains)', async () => {
    const { layer, ids } = setUp();
    const w = tf.randomNormal([6, 3, 2], 0, 1, 'float32', 8);
    const table = layer.trainableWeights[0].read() as tf.Variable;
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(ids) as Tensor, w)) as tf.Scalar, [table]);
    const starts = [0, 3, 8];
    const rows = tf.concat(ids.map((x, i) => tf.add(tf.reshape(x, [-1]), tf.scalar(starts[i], 'int32'))));
    const byField = tf.reshape(tf.transpose(w, [1, 0, 2]), [-1, 2]);
    const want = tf.unsortedSegmentSum(byField, rows as tf.Tensor1D, 10);
    expect(maxDiff(await grads[table.name].data(), await want.data())).toBeLessThan(1e-6);
  });

  it('never read past the stacked table, whatever the ids', async () => {
    const { layer } = setUp();
    const table = await layer.getWeights()[0].data();
    const ids = [tf.tensor2d([-7], [1, 1]), tf.tensor2d([1], [1, 1]), tf.tensor2d([99], [1, 1])];
    const got = await (layer.apply(ids) as Tensor).data();
    // The first table's row 0, the second's row 1, the stacked table's last row.
    expect(Array.from(got)).toEqual([...table.slice(0, 2), ...table.slice(8, 10), ...table.slice(18, 20)]);
  });
});

const enc = syntheticEncoding(6, 20, 3);
const rows = syntheticRows(enc, 300);

/**
 * A zoo model whose tables but `whole` are exactly rank 2, compressed by rewriteModel with the matching factors.
 * Whole tables between factored ones must be passed through in place (a run of them is looked up together too).
 */
async function compressed(kind: 'deepfm' | 'dcnv2', whole: number[]) {
  const model = buildModel(smallSpec(kind, enc));
  perturb(model, 21);
  const tables = model.layers.filter((l) => l.name.startsWith('emb_')).map((l) => l.name);
  const reps: Replacement[] = tables
    .filter((_, i) => !whole.includes(i))
    .map((t, i) => plantEmbedding(model, t, 2, 40 + i));
  const before = await predictProbs(model, enc, rows, { batchSize: 300 });
  const out = rewriteModel(await saveModelToArtifacts(model), layerShapes(model), reps);
  return { out, before, tables };
}

const CASES = [
  { kind: 'deepfm' as const, whole: [2], groups: [[0, 2], [3]] },
  // Two whole tables side by side stay as they are (only factored tables are looked up together); their rows
  // pass through the FieldProjection unchanged.
  { kind: 'dcnv2' as const, whole: [2, 3], groups: [[0, 2], [4]] },
];

describe.each(CASES)('compressed $kind with batched tables and up-projections', ({ kind, whole, groups: want }) => {
  it('reproduces the original at batch 1 and 300, after a save → load round trip, and in ONNX Runtime', async () => {
    const { out, before, tables } = await compressed(kind, whole);
    // FieldEmbeddings for the runs of factored tables of one rank, one FieldProjection; tables left whole (the
    // kept ones, a DeepFM's linear weights) stay as they are.
    const groups = out.fieldEmbeddings.map((g) => g.tables);
    expect(groups.filter((g) => g[0].startsWith('emb_'))).toEqual(want.map(([a, b]) => tables.slice(a, b)));
    expect(groups.filter((g) => g[0].startsWith('lin_'))).toEqual([]);
    expect(out.fieldProjections).toHaveLength(1);
    expect(out.upProjections).toEqual([]);
    const loaded = await loadModelFromArtifacts(out.artifacts);
    expect(maxDiff(await predictProbs(loaded, enc, rows, { batchSize: 300 }), before)).toBeLessThan(1e-5);
    expect(maxDiff(await predictProbs(loaded, enc, rows, { batchSize: 1 }), before)).toBeLessThan(1e-5);
    const again = await loadModelFromArtifacts(await saveModelToArtifacts(loaded));
    expect(maxDiff(await predictProbs(again, enc, rows, { batchSize: 300 }), before)).toBeLessThan(1e-5);
    const bytes = exportOnnx(out.artifacts);
    expect(maxDiff(await runOrt(bytes, feedsFromBatch(enc, rows)), before)).toBeLessThan(1e-4);
    const back = await loadModelFromArtifacts(importOnnx(bytes, 'compressed.onnx'));
    expect(maxDiff(await predictProbs(back, enc, rows), before)).toBeLessThan(1e-4);
  });
});

describe('a model.json that declares a huge FieldEmbedding', () => {
  it('is refused from its declared sizes before tfjs allocates the stacked table', async () => {
    const { out } = await compressed('deepfm', [2]);
    const topology = structuredClone(out.artifacts.modelTopology) as {
      config: { layers: { class_name: string; config: Record<string, unknown> }[] };
    };
    const layer = topology.config.layers.find((l) => l.class_name === 'FieldEmbedding')!;
    layer.config.input_dims = (layer.config.input_dims as number[]).map(() => 2 ** 30);
    await expect(loadModelFromArtifacts({ ...out.artifacts, modelTopology: topology })).rejects.toMatchObject({
      code: 'MODEL_TOO_LARGE',
    });
  });
});
