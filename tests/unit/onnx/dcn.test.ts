/**
 * DeepCTR-Torch's DCN with the matrix CrossNet (DCN-M, the paper's DCNv2): `torch.matmul(kernel, x_l)` on
 * [batch, d, 1] columns imports as a Dense per cross matrix, so the model scores like onnxruntime-web, its
 * cross matrices are compressible, full-rank AFM on bound rows reproduces it, and the compressed model goes back
 * to ONNX. A weight on the left of any other shape is named in the one-sentence refusal.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { bindEncoding, encodeBatch, readDataset } from '../../../src/core/data';
import { aInt } from '../../../src/core/onnx/builder';
import { exportOnnx } from '../../../src/core/onnx/export';
import { importOnnx } from '../../../src/core/onnx/import';
import { DT, encodeModel } from '../../../src/core/onnx/onnx';
import { compressorOf } from '../../helpers/compressor';
import { describeInputs } from '../../../src/tf/feed';
import { loadModelFromArtifacts } from '../../../src/tf/modelio';
import { tf, type LayersModel } from '../../../src/tf/tfjs';
import { errorOf } from '../../helpers/errors';
import { foreignRows } from '../../helpers/foreignRows';
import { fullRankAfmDiff } from '../../helpers/fullRank';
import { maxAbsDiff, runOrt, runTfjs } from './reference';
import { TorchGraph, torchDcnMatrix } from './torch-graphs';

const bytes = torchDcnMatrix({ seed: 4 });
let model: LayersModel;

beforeAll(async () => {
  await tf.setBackend('wasm');
  model = await loadModelFromArtifacts(importOnnx(bytes, 'dcn.onnx'), 'dcn.onnx');
});

describe('importOnnx: DeepCTR-Torch DCN-M (matrix CrossNet)', () => {
  it('scores like onnxruntime-web to 1e-5', async () => {
    const { feeds } = foreignRows(300, 8);
    expect(maxAbsDiff(await runTfjs(model, feeds), await runOrt(bytes, feeds))).toBeLessThan(1e-5);
  });

  it('turns each cross matrix into a Dense layer the compressor can factor', async () => {
    const c = await compressorOf(model);
    const cross = c.compressible.filter((l) => l.name.startsWith('crossnet'));
    expect(cross.map((l) => [l.kind, l.kind === 'dense' ? [l.shape.dIn, l.shape.dOut] : null])).toEqual([
      ['dense', [22, 22]],
      ['dense', [22, 22]],
    ]);
  });

  it('full-rank AFM on bound rows reproduces the logits to 1e-4', async () => {
    const rows = foreignRows(600, 12);
    const { schema, batch: raw } = await readDataset(rows.csv);
    const encoding = bindEncoding(describeInputs(model), schema);
    const { diff, layers } = await fullRankAfmDiff(model, encoding, encodeBatch(encoding, raw, schema));
    expect(layers).toBeGreaterThanOrEqual(8); // 4 tables, 2 cross matrices, 2 tower layers
    expect(diff).toBeLessThanOrEqual(1e-4);
  });

  it('compressed (cross matrices at rank 8), exports to ONNX that scores like the compressed tfjs model', async () => {
    const c = await compressorOf(model);
    const built = c.build(c.uniformPlan({ method: 'svd', denseRank: 8, embeddingRank: 2 }));
    expect(built.params).toBeLessThan(c.originalParams);
    const compressed = await c.loadNet(built);
    const { feeds } = foreignRows(200, 3);
    const onnx = exportOnnx(built.payload);
    expect(maxAbsDiff(await runOrt(onnx, feeds), await runTfjs(compressed, feeds))).toBeLessThan(1e-4);
    compressed.dispose();
  });

  it('refuses a weight on the left of a tensor that is not a column per row, naming the node', () => {
    const g = new TorchGraph(17, 1);
    const x = g.input('x', DT.FLOAT, ['batch', 4, 2]);
    const y = g.one('MatMul', [g.weight('w', [3, 4]), x], '/proj/MatMul');
    g.node('Flatten', [y], [aInt('axis', 1)], { outputs: ['y'] });
    g.output('y');
    const e = errorOf(() =>
      importOnnx(
        encodeModel(g.model({ opset: 17, irVersion: 8, producerName: 'p', producerVersion: '1' })),
        'left.onnx',
      ),
    );
    expect(e.code).toBe('MODEL_UNKNOWN_LAYER');
    expect(e.message).toContain(
      'MatMul with a [3, 4] weight on the left of an input of shape [?, 4, 2] (only ' +
        '[batch, 4, 1] columns convert) (node /proj/MatMul)',
    );
  });
});
