/**
 * The studio's flow through the application layer, in Node, as the worker runs it: open files (a model and
 * its rows, or a model alone), score the original, prepare, evaluate a plan, export it (reloaded and checked
 * before it is offered) and open the export again; data-free when no rows fit. Both runtimes: the demo
 * DeepFM on tfjs, and a real DeepCTR-Torch export run as it is in onnxruntime-web.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../../src/app/studio';
import { exportPlan } from '../../../src/app/studioExport';
import { NODE_LOADER } from '../../../src/cli/shared/io';
import { DEFAULT_METHOD } from '../../../src/core/compress/methods';
import { memoryFile, type InputFile } from '../../../src/formats';
import { pathFile } from '../../../src/node/files';
import { tf } from '../../../src/tf/tfjs';

const DEMO = 'public/demo/models/deepfm';
const TORCH = 'tests/fixtures/onnx/torch/deepctr_torch';

const demoFiles = (): InputFile[] => [
  pathFile(`${DEMO}/model.json`),
  pathFile(`${DEMO}/group1-shard1of1.bin`),
  pathFile('public/demo/criteo/train.tsv'),
  pathFile('public/demo/criteo/test.tsv'),
];

/** Opens what an export's files hold, as a drop of those files would. */
const exportedFiles = (files: { name: string; data: ArrayBuffer }[], keep: (name: string) => boolean) =>
  files.filter((f) => keep(f.name)).map((f) => memoryFile(f.name, new Uint8Array(f.data)));

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('the studio flow on tfjs (the demo DeepFM)', () => {
  const studio = new Studio(NODE_LOADER);
  const plan = { method: DEFAULT_METHOD.id, denseRank: 32, embeddingRank: 4 };

  it('opens a model with its train and test files in one drop, scores it, prepares and evaluates a plan', async () => {
    const opened = await studio.openFiles(demoFiles());
    expect(opened.model!.params).toBe(523_809);
    expect(opened.data.map((d) => [d.role, d.rows])).toEqual([
      ['train', 8000],
      ['test', 2000],
    ]);
    expect(studio.scoringStatus().dataAware).toBe(true);
    const base = await studio.baseline();
    expect(base.auc).toBeCloseTo(0.7339, 4);
    const prepared = await studio.prepare();
    expect(prepared.calibrationRows).toBe(8000);
    const result = await studio.evaluate(plan);
    expect(result.params).toBeLessThan(base.params / 4);
    expect(result.delong.low).toBeLessThan(result.delong.high);
  });

  it('refuses a broken drop naming its files, keeps the open model and rows, and scores as before', async () => {
    const before = await studio.evaluate(plan);
    const broken = memoryFile('model.json', new TextEncoder().encode('{"modelTopology": '));
    const e = await studio.openFiles([broken, memoryFile('group1-shard1of1.bin', new Uint8Array(8))]).catch((x) => x);
    expect(e.code).toBe('MODEL_JSON_INVALID');
    expect(e.message).toMatch(/^model\.json is not valid JSON/);
    expect(e.message).toMatch(
      / model\.json and group1-shard1of1\.bin were not opened, and the open model is unchanged\.$/,
    );
    expect(studio.ws.modelName).toBe('model.json');
    expect((await studio.evaluate(plan)).auc).toBe(before.auc);
  });

  it('exports the plan with its typed recipe, checked by reloading; the export reopens with the same AUC', async () => {
    const out = await exportPlan(studio, NODE_LOADER, plan);
    expect(out.recipe).toMatchObject({ format: 1, method: DEFAULT_METHOD.id, dataFree: false, calibrationRows: 8000 });
    expect(out.recipe.seed).toBeNull(); // every training row was used: nothing was sampled
    expect(Math.abs(out.reloadedAuc - out.auc)).toBeLessThan(1e-6);
    expect(out.files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin', 'model.onnx']);
    const again = new Studio(NODE_LOADER);
    const reopened = await again.openFiles([
      ...exportedFiles(out.files, (n) => n !== 'model.onnx'),
      pathFile('public/demo/criteo/train.tsv'),
      pathFile('public/demo/criteo/test.tsv'),
    ]);
    expect(reopened.model!.compression).toMatchObject({ method: DEFAULT_METHOD.id });
    expect(Math.abs((await again.baseline()).auc - out.auc)).toBeLessThan(1e-6);
  });

  it('compresses data-free when the rows cannot feed the model', async () => {
    const free = new Studio(NODE_LOADER);
    const model = readFileSync(`${TORCH}/DeepFM.op17.onnx`);
    const files = [memoryFile('DeepFM.op17.onnx', new Uint8Array(model)), pathFile('public/demo/criteo/train.tsv')];
    await free.openFiles(files);
    const status = free.scoringStatus();
    expect(status.dataAware).toBe(false);
    expect((await free.prepare()).dataFree).toBe(true);
    const result = await free.evaluate({ method: DEFAULT_METHOD.id, denseRank: 4, embeddingRank: 2 });
    expect(Number.isNaN(result.auc)).toBe(true);
    expect(result.reconstruction!.mean).toBeGreaterThan(0);
    const out = await exportPlan(free, NODE_LOADER, { method: DEFAULT_METHOD.id, denseRank: 4, embeddingRank: 2 });
    expect(out.recipe).toMatchObject({ dataFree: true, idFrequencies: 'uniform' });
    expect(out.files[0].name).toBe('model.onnx');
  });
});

describe('the studio flow on an ONNX graph run as it is (DeepCTR-Torch DeepFM)', () => {
  it('binds its rows, evaluates, exports model.onnx with the binding that reopens with the same AUC', async () => {
    const studio = new Studio(NODE_LOADER);
    const opened = await studio.openFiles([pathFile(`${TORCH}/DeepFM.op17.onnx`), pathFile(`${TORCH}/rows.csv`)]);
    expect(opened.model!.format).toBe('onnx');
    expect(studio.scoringStatus().binding).toMatch(/into "X" \(26 of them ids for embedding tables\)/);
    await studio.baseline();
    await studio.prepare();
    const plan = { method: DEFAULT_METHOD.id, denseRank: 4, embeddingRank: 2 };
    const result = await studio.evaluate(plan);
    expect(result.params).toBeLessThan(opened.model!.params);
    const out = await exportPlan(studio, NODE_LOADER, plan);
    expect(out.files.map((f) => f.name)).toContain('model.onnx');
    expect(Math.abs(out.reloadedAuc - result.auc)).toBeLessThan(1e-6);
    const again = new Studio(NODE_LOADER);
    await again.openFiles([...exportedFiles(out.files, (n) => n === 'model.onnx'), pathFile(`${TORCH}/rows.csv`)]);
    expect(again.ws.ownMeta).not.toBeNull(); // the binding travelled in the ONNX metadata
    expect(Math.abs((await again.baseline()).auc - result.auc)).toBeLessThan(1e-6);
  });
});
