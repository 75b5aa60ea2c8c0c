/**
 * Real torch.onnx.export files of every DeepCTR-Torch and pytorch-fm model that exports (opsets 13 and 17;
 * tests/fixtures/onnx/torch, written by its export_models.py), run as they are in onnxruntime-web. For each:
 * inspect lists compressible layers; the engine scores the rows like PyTorch did (1e-5); full-rank AFM, every
 * compressible layer really factored, reproduces the outputs (1e-4); AFM at a middle rank has fewer
 * parameters and a DeLong interval; data-free compression runs; the compressed ONNX keeps the inputs' and
 * outputs' names and shapes and, read back from its bytes, scores like the engine's model (1e-5).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelCompressor } from '../../../src/app/modelCompressor';
import { loadData } from '../../../src/cli/shared/io';
import { DEFAULT_METHOD } from '../../../src/core/compress/methods';
import type { LayerChoice } from '../../../src/core/compress/plan';
import { bindEncoding, encodeBatch, type EncodedBatch, type FeatureEncoding } from '../../../src/core/data';
import { delong } from '../../../src/core/metrics';
import { writeOnnxModel } from '../../../src/formats/onnx/write';
import { loadOnnxNode } from '../../../src/ort/node';
import type { OnnxModel } from '../../../src/ort/runnable';

const ROOT = 'tests/fixtures/onnx/torch';
const FOLDER: Record<string, string> = { 'deepctr-torch': 'deepctr_torch', 'pytorch-fm': 'pytorch_fm' };

interface Entry {
  library: string;
  model: string;
  pred_file: string;
  exports: Record<string, { file: string }>;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as { models: Entry[] };
const cases = manifest.models.flatMap((m) =>
  Object.entries(m.exports ?? {})
    .filter(([, e]) => e?.file)
    .map(([opset, e]) => ({ name: `${m.library} ${m.model} opset ${opset}`, entry: m, file: e.file })),
);

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

const rowsCache = new Map<string, Promise<Awaited<ReturnType<typeof loadData>>>>();

describe.each(cases)('$name', ({ entry, file }) => {
  const dir = join(ROOT, FOLDER[entry.library]);
  let model: OnnxModel;
  let encoding: FeatureEncoding;
  let rows: EncodedBatch;
  let base: Float32Array;

  beforeAll(async () => {
    model = await loadOnnxNode(new Uint8Array(readFileSync(join(dir, file))), file);
    const key = join(dir, 'rows.csv');
    if (!rowsCache.has(key)) rowsCache.set(key, loadData(key));
    const data = await rowsCache.get(key)!;
    encoding = bindEncoding(model.inputs, data.schema);
    rows = encodeBatch(encoding, data.raw, data.schema);
    base = await model.probabilities(encoding, rows);
  });

  it('inspect lists its compressible layers with break-even ranks', () => {
    const compressible = model.target.inventory.filter((l) => l.compressible);
    expect(compressible.length).toBeGreaterThan(0);
    for (const l of compressible) expect(l.breakEvenRank).toBeGreaterThanOrEqual(1);
    expect(model.description.layers.length).toBeGreaterThan(0);
  });

  it("scores the rows like PyTorch's own predictions (1e-5)", () => {
    const buf = readFileSync(join(dir, entry.pred_file));
    const pred = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    expect(maxDiff(base, pred)).toBeLessThan(1e-5);
  });

  it('full-rank AFM, every compressible layer factored, reproduces the outputs (1e-4)', async () => {
    const c = new ModelCompressor(model);
    await c.collect(encoding, rows);
    const choices: Record<string, LayerChoice> = {};
    for (const l of c.compressible) {
      choices[l.name] = { method: DEFAULT_METHOD.id, rank: l.kind === 'dense' ? l.shape.dOut : l.shape.dim };
    }
    const full = await c.load(c.build(c.explicitPlan(choices, { allowAboveBreakEven: true })));
    try {
      expect(maxDiff(await full.probabilities(encoding, rows), base)).toBeLessThan(1e-4);
    } finally {
      full.dispose();
    }
  });

  it('AFM at a middle rank: fewer parameters, a DeLong interval; the export keeps names, shapes, scores', async () => {
    const c = new ModelCompressor(model);
    await c.collect(encoding, rows);
    const top = (kind: 'dense' | 'embedding') =>
      c.compressible.filter((l) => l.kind === kind).reduce((m, l) => Math.max(m, l.breakEvenRank), 0);
    const mid = (kind: 'dense' | 'embedding') => (top(kind) > 0 ? Math.max(1, Math.floor(top(kind) / 2)) : null);
    const built = c.build(
      c.uniformPlan({ method: DEFAULT_METHOD.id, denseRank: mid('dense'), embeddingRank: mid('embedding') }),
    );
    expect(built.params).toBeLessThan(c.originalParams);
    const small = await c.load(built);
    const probs = await small.probabilities(encoding, rows);
    const d = delong(rows.labels, base, probs);
    expect(Number.isFinite(d.low) && Number.isFinite(d.high)).toBe(true);
    const bytes = writeOnnxModel(built.payload as Uint8Array, { note: 'exported' }).files[0].data;
    const back = await loadOnnxNode(bytes, 'model.onnx');
    try {
      const io = (m: OnnxModel) => [...m.g.runtimeInputs, ...m.g.graph.output].map((v) => [v.name, v.type]);
      expect(io(back)).toEqual(io(model));
      expect(maxDiff(await back.probabilities(encoding, rows), probs)).toBeLessThan(1e-5);
    } finally {
      back.dispose();
      small.dispose();
    }
  });

  it('compresses data-free', async () => {
    const c = new ModelCompressor(model);
    c.setDataFree();
    const plan = c.uniformPlan({ method: DEFAULT_METHOD.id, denseRank: 2, embeddingRank: 2 });
    const small = await c.load(c.build(plan));
    try {
      expect((await small.probabilities(encoding, rows)).every(Number.isFinite)).toBe(true);
    } finally {
      small.dispose();
    }
  });
});
