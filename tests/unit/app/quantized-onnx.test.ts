/**
 * A quantized export's model.onnx holds the quantized weights (decoded to float32 as tfjs decodes them), not the
 * float32 ones: run in onnxruntime, it scores the test rows as the 8-bit tfjs files do, and unlike the float32
 * model. Float16 likewise.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../../src/app/studio';
import { exportPlan } from '../../../src/app/studioExport';
import { NODE_LOADER } from '../../../src/cli/shared/io';
import { memoryFile } from '../../../src/formats';
import { pathFile } from '../../../src/node/files';
import { tf } from '../../../src/tf/tfjs';

const rows = () => [pathFile('public/demo/criteo/train.tsv'), pathFile('public/demo/criteo/test.tsv')];

/** The test rows' click probabilities from some of an export's files, opened as a drop would open them. */
async function scores(files: { name: string; data: ArrayBuffer }[], keep: (name: string) => boolean) {
  const studio = new Studio(NODE_LOADER);
  const opened = await studio.openFiles([
    ...rows(),
    ...files.filter((f) => keep(f.name)).map((f) => memoryFile(f.name, new Uint8Array(f.data))),
  ]);
  const probs = await studio.predict();
  const auc = (await studio.baseline()).auc;
  studio.ws.model?.dispose();
  return { probs, auc, format: opened.model!.format };
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('the ONNX copy of a quantized export', () => {
  const plan = { method: 'afm', denseRank: 32, embeddingRank: 4 };
  const studio = new Studio(NODE_LOADER);

  beforeAll(async () => {
    const dir = 'public/demo/models/deepfm';
    await studio.openFiles([...rows(), pathFile(`${dir}/model.json`), pathFile(`${dir}/group1-shard1of1.bin`)]);
    await studio.prepare();
  });

  it.each(['uint8', 'float16'] as const)(
    'holds the %s weights: it scores as the quantized tfjs files do',
    async (q) => {
      const float32 = await exportPlan(studio, NODE_LOADER, plan);
      const quantized = await exportPlan(studio, NODE_LOADER, plan, { quantize: q });
      expect(quantized.files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin', 'model.onnx']);
      const tfjs = await scores(quantized.files, (n) => n !== 'model.onnx');
      const onnx = await scores(quantized.files, (n) => n === 'model.onnx');
      const plain = await scores(float32.files, (n) => n === 'model.onnx');
      expect([tfjs.format, onnx.format]).toEqual(['tfjs', 'onnx']);
      expect(Math.abs(onnx.auc - quantized.reloadedAuc)).toBeLessThan(1e-6);
      const apart = maxDiff(tfjs.probs, plain.probs); // what quantizing moved
      expect(apart).toBeGreaterThan(1e-5);
      expect(maxDiff(onnx.probs, tfjs.probs)).toBeLessThan(apart / 20);
    },
  );
});
