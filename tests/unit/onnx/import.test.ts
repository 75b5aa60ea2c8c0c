/**
 * The ONNX importer: a PyTorch-style DeepFM, single operators checked against onnxruntime, rank-1 ids and
 * outputs, and the error sentences for operators and files it cannot convert.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import type { LayersModel } from '../../../src/tf/tfjs';
import { importOnnx } from '../../../src/core/onnx/import';
import { aFloat, aInt, aInts } from '../../../src/core/onnx/builder';
import { DT, encodeModel } from '../../../src/core/onnx/onnx';
import { loadModelFromArtifacts, saveModelToArtifacts } from '../../../src/tf/modelio';
import { predictLogits, predictProbs } from '../../../src/tf/predict';
import { errorOf } from '../../helpers/errors';
import { syntheticEncoding, syntheticRows } from '../../helpers/synthetic';
import { feedsFromBatch, maxAbsDiff, randomFeeds, runOrt, runTfjs, type Feed } from './reference';
import { TorchGraph, torchDeepFm, type TorchCtrOptions } from './torch-graphs';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const classes = (m: LayersModel) => m.layers.map((l) => l.getClassName());
const count = (m: LayersModel, cls: string) => classes(m).filter((c) => c === cls).length;

async function importAndCompare(
  bytes: Uint8Array,
  feeds: Record<string, Feed>,
): Promise<{ model: LayersModel; diff: number }> {
  const model = await loadModelFromArtifacts(importOnnx(bytes, 'test.onnx'), 'test.onnx');
  const want = await runOrt(bytes, feeds);
  const got = await runTfjs(model, feeds);
  return { model, diff: maxAbsDiff(got, want) };
}

describe('importOnnx: PyTorch-style DeepFM', () => {
  const variants: [string, TorchCtrOptions][] = [
    ['DeepCTR-Torch FM, Gemm, x.view(b, -1), opset 17', { fm: 'deepctr', linear: 'gemm', flatten: 'view', opset: 17 }],
    [
      'FuxiCTR FM, MatMul + Add, Flatten, opset 13',
      { fm: 'fuxictr', linear: 'matmul', flatten: 'flatten', opset: 13, seed: 2 },
    ],
    [
      'DeepCTR-Torch FM, Gemm, x.view(b, -1), opset 11 (axes as attributes)',
      { fm: 'deepctr', linear: 'gemm', flatten: 'view', opset: 11, seed: 3 },
    ],
    ['FuxiCTR FM, MatMul + Add, opset 11', { fm: 'fuxictr', linear: 'matmul', flatten: 'view', opset: 11, seed: 4 }],
    ['Wide & Deep (no FM)', { fm: 'none', seed: 5 }],
  ];
  it.each(variants)('%s: scores like onnxruntime-web to 1e-4', async (_, opts) => {
    const bytes = torchDeepFm(opts);
    const { model, diff } = await importAndCompare(bytes, randomFeeds(97, 4, 21, 6));
    expect(diff).toBeLessThan(1e-4);
    // The CTR building blocks become the project's layers: one Embedding per table, FMInteraction, Dense.
    expect(count(model, 'Embedding')).toBe(8);
    expect(count(model, 'FMInteraction')).toBe(opts.fm === 'none' ? 0 : 1);
    expect(count(model, 'Dense')).toBe(4); // linear part's numeric weights + the tower's three
    expect(classes(model)).not.toContain('OnnxBinary');
    const tower = model.layers.filter(
      (l) => l.getClassName() === 'Dense' && (l.getConfig() as { activation: string }).activation === 'relu',
    );
    expect(tower.length).toBe(2); // Relu folded into the Dense before it
    expect(model.layers[model.layers.length - 1].getClassName()).toBe('Activation'); // the final sigmoid stays
    expect(model.inputNames).toEqual(['C1', 'C2', 'C3', 'C4', 'numeric']);
    expect(model.layers.map((l) => l.name)).toEqual(
      expect.arrayContaining(['embedding_dict.C1', 'dnn.linears.0', 'dnn.linears.1', 'C1']),
    );
  });

  it("scores the studio's encoded rows (inputs fed by name) and finds the logit", async () => {
    const enc = syntheticEncoding(4, 20, 3); // C1..C4 with 21 ids, numeric width 6: the graph's inputs
    const rows = syntheticRows(enc, 80);
    const bytes = torchDeepFm();
    const model = await loadModelFromArtifacts(importOnnx(bytes, 'deepfm.onnx'));
    const probs = await predictProbs(model, enc, rows);
    expect(maxAbsDiff(probs, await runOrt(bytes, feedsFromBatch(enc, rows)))).toBeLessThan(1e-4);
    const logits = await predictLogits(model, enc, rows);
    logits.forEach((z, i) => expect(1 / (1 + Math.exp(-z))).toBeCloseTo(probs[i], 5));
  });

  it('saves and reloads as a standard layers-model with the same scores', async () => {
    const bytes = torchDeepFm({ fm: 'fuxictr', linear: 'matmul' });
    const feeds = randomFeeds(33, 4, 21, 6, 9);
    const model = await loadModelFromArtifacts(importOnnx(bytes, 'x.onnx'));
    const reloaded = await loadModelFromArtifacts(await saveModelToArtifacts(model));
    expect(maxAbsDiff(await runTfjs(reloaded, feeds), await runTfjs(model, feeds))).toBe(0);
  });
});

describe('importOnnx: single operators', () => {
  /** A graph with one float input x of the given shape; `body` returns the output tensor. */
  function oneInput(shape: (number | string)[], body: (g: TorchGraph, x: string) => string, opset = 17): Uint8Array {
    const g = new TorchGraph(opset, 11);
    const x = g.input('x', DT.FLOAT, shape);
    g.node('Identity', [body(g, x)], [], { name: 'out', outputs: ['y'] });
    g.output('y', DT.FLOAT);
    return encodeModel(g.model({ opset, irVersion: 8, producerName: 'pytorch', producerVersion: '2.5.0' }));
  }
  const floats = (rows: number, width: number[], seed = 3): Record<string, Feed> => {
    const n = rows * width.reduce((a, b) => a * b, 1);
    let s = seed;
    return {
      x: {
        ids: false,
        dims: [rows, ...width],
        data: Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1),
      },
    };
  };

  it('Gemm with transB=0, alpha and beta, and MatMul + Add give the same Dense as onnxruntime', async () => {
    const gemm = oneInput(['batch', 5], (g, x) =>
      g.one('Gemm', [x, g.weight('w', [5, 3]), g.weight('b', [1, 3])], '/fc/Gemm', [
        aFloat('alpha', 0.5),
        aFloat('beta', 2),
        aInt('transB', 0),
      ]),
    );
    const r1 = await importAndCompare(gemm, floats(17, [5]));
    expect(r1.diff).toBeLessThan(1e-5);
    expect(classes(r1.model)).toEqual(['InputLayer', 'Dense']);
    const matmul = oneInput(['batch', 2, 5], (g, x) =>
      g.one('Tanh', [g.linear(x, 5, 3, 'proj', 'matmul')], '/act/Tanh'),
    );
    const r2 = await importAndCompare(matmul, floats(9, [2, 5]));
    expect(r2.diff).toBeLessThan(1e-5);
    expect(classes(r2.model)).toEqual(['InputLayer', 'Dense']); // bias and tanh folded, rank-3 input kept
  });

  it('Reshape (0 and -1), Unsqueeze, Squeeze and Flatten map to Reshape/Flatten', async () => {
    const bytes = oneInput(['batch', 6], (g, x) => {
      const u = g.unsqueeze(x, [1], '/Unsqueeze'); // [b, 1, 6]
      const r = g.one('Reshape', [u, g.constant('/', [0, 3, -1], true)], '/Reshape'); // [b, 3, 2]
      const t = g.one('Tanh', [r], '/Tanh');
      const u2 = g.unsqueeze(t, [-1], '/Unsqueeze_1'); // [b, 3, 2, 1]
      const s = g.squeeze(u2, [3], '/Squeeze'); // [b, 3, 2]
      return g.one('Flatten', [s], '/Flatten', [aInt('axis', 2)]); // [b, 3, 2]
    });
    const { model, diff } = await importAndCompare(bytes, floats(11, [6]));
    expect(diff).toBeLessThan(1e-6);
    expect(model.outputs[0].shape).toEqual([null, 3, 2]);
    expect(new Set(classes(model))).toEqual(new Set(['InputLayer', 'Reshape', 'Activation']));
  });

  it("falls back to generic layers for an FM-like subgraph whose shapes are not FMInteraction's", async () => {
    // Sum over the last axis instead of the field axis: the same structure, another meaning.
    const bytes = oneInput(['batch', 3, 4], (g, x) => {
      const squareOfSum = g.one('Pow', [g.reduceSum(x, [2], true, '/fm/ReduceSum'), g.constant('/fm', 2)], '/fm/Pow');
      const sumOfSquare = g.reduceSum(g.one('Mul', [x, x], '/fm/Mul'), [2], true, '/fm/ReduceSum_1');
      const cross = g.one('Sub', [squareOfSum, sumOfSquare], '/fm/Sub');
      return g.one('Mul', [g.reduceSum(cross, [1], false, '/fm/ReduceSum_2'), g.constant('/fm', 0.5)], '/fm/Mul_1');
    });
    const { model, diff } = await importAndCompare(bytes, floats(13, [3, 4]));
    expect(diff).toBeLessThan(1e-5);
    expect(classes(model)).not.toContain('FMInteraction');
    expect(classes(model)).toEqual(expect.arrayContaining(['OnnxReduce', 'OnnxConstantOp', 'OnnxBinary', 'Multiply']));
  });

  it('reads a DeepCTR-Torch single-tensor input: Slice + Cast ids, a shared table, Div and ReduceMean', async () => {
    const g = new TorchGraph(17, 21);
    const x = g.input('X', DT.FLOAT, ['batch', 4]);
    const table = g.weight('embedding_dict.shared.weight', [10, 3]);
    const slice = (a: number, b: number, name: string) =>
      g.one('Slice', [x, g.constant(name, [a], true), g.constant(name, [b], true), g.constant(name, [1], true)], name);
    const ids = [0, 1].map((f) =>
      g.one('Cast', [slice(f, f + 1, `/Slice_${f}`)], `/Cast_${f}`, [aInt('to', DT.INT64)]),
    );
    const vecs = ids.map((id, f) => g.one('Gather', [table, id], `/embedding_dict.shared/Gather_${f}`));
    const dense = g.one('Div', [slice(2, 4, '/Slice_2'), g.constant('/', [2, 4])], '/Div');
    const mean = g.one('ReduceMean', [g.one('Concat', vecs, '/Concat', [aInt('axis', 1)])], '/ReduceMean', [
      aInts('axes', [1]),
      aInt('keepdims', 0),
    ]);
    g.node('Concat', [mean, dense], [aInt('axis', 1)], { name: '/Concat_1', outputs: ['y'] });
    g.output('y');
    const bytes = encodeModel(g.model({ opset: 17, irVersion: 8, producerName: 'pytorch', producerVersion: '2.5.0' }));
    const feeds: Record<string, Feed> = {
      X: {
        ids: false,
        dims: [5, 4],
        data: Float32Array.from([1, 2, 0.5, 1, 3, 9, -1, 2, 0, 0, 4, 4, 7, 5, 1, 1, 9, 8, 2, 3]),
      },
    };
    const { model, diff } = await importAndCompare(bytes, feeds);
    expect(diff).toBeLessThan(1e-5);
    expect(count(model, 'Embedding')).toBe(1); // one table, called twice
  });
});

describe('importOnnx: rank-1 ids and outputs', () => {
  it('takes ids of shape [batch] (declared [batch, 1] for tfjs) and a squeezed [batch] output', async () => {
    const g = new TorchGraph(17, 3);
    const ids = g.input('item_id', DT.INT64, ['batch']);
    const e = g.one('Gather', [g.weight('item_emb.weight', [10, 3]), ids], '/item_emb/Gather'); // [b, 3]
    const s = g.one('Gemm', [e, g.weight('fc.weight', [1, 3]), g.weight('fc.bias', [1])], '/fc/Gemm', [
      aInt('transB', 1),
    ]);
    g.node('Squeeze', [g.one('Sigmoid', [s], '/Sigmoid'), g.constant('/', [1], true)], [], {
      name: '/Squeeze',
      outputs: ['y'],
    });
    g.output('y', DT.FLOAT, ['batch']);
    // keep_initializers_as_inputs=True lists weights among the graph inputs: they are not model inputs.
    g.inputs.push({ name: 'item_emb.weight', type: { elemType: DT.FLOAT, shape: [{ value: 10 }, { value: 3 }] } });
    g.weight('unused.weight', [2]);
    const bytes = encodeModel(g.model({ opset: 17, irVersion: 8, producerName: 'pytorch', producerVersion: '2.5.0' }));
    expect(
      (importOnnx(bytes).userDefinedMetadata!.onnxImport as { unusedInitializers: string[] }).unusedInitializers,
    ).toEqual(['unused.weight']);
    const feeds: Record<string, Feed> = { item_id: { ids: true, dims: [6], data: Int32Array.of(1, 2, 9, 0, 3, 3) } };
    const { model, diff } = await importAndCompare(bytes, feeds);
    expect(diff).toBeLessThan(1e-6);
    expect(model.inputs[0].shape).toEqual([null, 1]);
    expect(model.outputs[0].shape).toEqual([null]);
  });
});

describe('importOnnx: errors', () => {
  it('names every unsupported operator with its node in one sentence', () => {
    const g = new TorchGraph(17, 1);
    const x = g.input('x', DT.FLOAT, ['batch', 4, 8]);
    const [, h] = g.node('LSTM', [x, g.weight('W', [1, 32, 8]), g.weight('R', [1, 32, 8])], [aInt('hidden_size', 8)], {
      name: '/rnn/LSTM',
      outputs: 2,
    });
    const s = g.one('ScatterND', [h, g.constant('/', [0], true), h], '/ScatterND');
    g.node('Identity', [s], [], { outputs: ['y'] });
    g.output('y');
    const e = errorOf(() =>
      importOnnx(
        encodeModel(g.model({ opset: 17, irVersion: 8, producerName: 'pytorch', producerVersion: '2.5.0' })),
        'rnn.onnx',
      ),
    );
    expect(e.code).toBe('MODEL_UNKNOWN_LAYER');
    expect(e.message).toMatch(
      new RegExp(
        /^The ONNX graph in rnn\.onnx uses LSTM \(node \/rnn\/LSTM\) and ScatterND \(node \/ScatterND\), /.source +
          /which CTR Studio cannot convert; /.source,
      ),
    );
    expect(e.message.split('. ').length).toBe(1);
  });

  it('names supported operators used in forms it cannot convert', () => {
    const g = new TorchGraph(17, 1);
    const x = g.input('x', DT.FLOAT, ['batch', 4]);
    const c = g.one('Concat', [x, x], '/Concat', [aInt('axis', 0)]);
    const m = g.one('MatMul', [c, x], '/MatMul');
    const t = g.one('Gemm', [x, g.weight('w', [3, 4])], '/fc/Gemm', [aInt('transA', 1)]);
    g.node('Add', [m, t], [], { outputs: ['y'] });
    g.output('y');
    const e = errorOf(() =>
      importOnnx(
        encodeModel(g.model({ opset: 17, irVersion: 8, producerName: 'p', producerVersion: '1' })),
        'bad.onnx',
      ),
    );
    expect(e.code).toBe('MODEL_UNKNOWN_LAYER');
    expect(e.message).toContain('Concat along the batch axis (node /Concat)');
    expect(e.message).toContain('Gemm with transA=1 (node /fc/Gemm)');
  });

  it('refuses bytes that are not ONNX', () => {
    expect(errorOf(() => importOnnx(new TextEncoder().encode('{"modelTopology": {}}'), 'model.json')).code).toBe(
      'MODEL_NOT_LAYERS',
    );
    expect(errorOf(() => importOnnx(new Uint8Array([8, 7]), 'empty.onnx')).code).toBe('MODEL_NOT_LAYERS');
  });
});
