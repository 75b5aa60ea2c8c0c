/**
 * rewriteModel on the project's zoo: exact factors keep the predictions (with and without fusion), fusion
 * happens in the deep tower and never across FM or the DCNv2 cross Multiply, and the parameter count of the
 * loaded model is the predicted one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import type { LayersModel } from '../../../src/tf/tfjs';
import { buildModel } from '../../../src/tf/zooModels';
import { predictLogits } from '../../../src/tf/predict';
import { loadModelFromArtifacts, saveModelToArtifacts } from '../../../src/tf/modelio';
import type { ModelKind } from '../../../src/core/model/spec';
import { buildInventory, plannedParams, rewriteModel, totalParams, type Replacement } from '../../../src/core/layers';
import { smallSpec, syntheticEncoding, syntheticRows } from '../../helpers/synthetic';
import {
  cloneArtifacts,
  layerShapes,
  maxDiff,
  perturb,
  plantDense,
  plantEmbedding,
  readsFrom,
  topologyLayers,
} from './helpers';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const enc = syntheticEncoding();
const rows = syntheticRows(enc, 64);
const KINDS: ModelKind[] = ['deepfm', 'dcnv2', 'widedeep', 'dnn'];
type Which = 'all' | 'embeddings' | 'dense';

/** A zoo model with every compressible layer planted exactly low-rank, and the factors that reproduce it. */
async function planted(kind: ModelKind, which: Which) {
  const model = buildModel(smallSpec(kind, enc));
  perturb(model, 11);
  const shapes = layerShapes(model);
  const inventory = buildInventory(await saveModelToArtifacts(model), shapes);
  const reps: Replacement[] = [];
  inventory.forEach((l, i) => {
    if (
      !l.compressible ||
      (which === 'dense' && l.kind !== 'dense') ||
      (which === 'embeddings' && l.kind !== 'embedding')
    )
      return;
    const k = Math.min(2, l.breakEvenRank);
    reps.push(l.kind === 'dense' ? plantDense(model, l.name, k, 100 + i) : plantEmbedding(model, l.name, k, 100 + i));
  });
  const artifacts = await saveModelToArtifacts(model, { ctrStudio: { note: 'kept' } });
  return { model, shapes, reps, artifacts, before: await predictLogits(model, enc, rows) };
}

async function check(kind: ModelKind, which: Which, fuse: boolean) {
  const p = await planted(kind, which);
  const copy = cloneArtifacts(p.artifacts);
  const out = rewriteModel(p.artifacts, p.shapes, p.reps, { fuse });
  // The input is never mutated: topology, manifest and bytes.
  expect(p.artifacts.modelTopology).toEqual(copy.modelTopology);
  expect(p.artifacts.weightSpecs).toEqual(copy.weightSpecs);
  expect(new Uint8Array(p.artifacts.weightData)).toEqual(new Uint8Array(copy.weightData));
  const loaded = await loadModelFromArtifacts(out.artifacts);
  const after = await predictLogits(loaded, enc, rows);
  expect(maxDiff(after, p.before)).toBeLessThan(1e-5);
  // Parameter accounting: what tfjs counts is what the plan predicts, and what the manifest holds.
  const planned = plannedParams(
    p.artifacts,
    p.shapes,
    p.reps.map((r) => ({ layer: r.layer, rank: r.rank })),
    { fuse },
  );
  expect(loaded.countParams()).toBe(planned);
  expect(totalParams(out.artifacts.weightSpecs)).toBe(planned);
  expect(out.artifacts.userDefinedMetadata).toEqual({ ctrStudio: { note: 'kept' } });
  return { ...p, out, loaded };
}

describe.each(KINDS)('%s', (kind) => {
  for (const which of ['all', 'embeddings', 'dense'] as Which[]) {
    for (const fuse of [true, false]) {
      it(`keeps the predictions with exact factors (${which}, fuse ${fuse})`, async () => {
        const { reps, out } = await check(kind, which, fuse);
        expect(reps.length).toBeGreaterThan(0);
        if (!fuse) expect(out.fused).toEqual([]);
      });
    }
  }
});

const embNames = enc.categorical.map((f) => `emb_${f.name}`);

describe('fusion in the zoo', () => {
  it.each(['dnn', 'widedeep', 'deepfm'] as ModelKind[])('%s: every emb_* folds into deep_0', async (kind) => {
    const { out } = await check(kind, 'embeddings', true);
    expect(
      out.fused
        .filter((f) => f.dense === 'deep_0')
        .map((f) => f.embedding)
        .sort(),
    ).toEqual([...embNames].sort());
    const layers = topologyLayers(out.artifacts.modelTopology);
    // The factored tables are looked up together by one FieldEmbedding ([batch, fields, k]); deep_concat, which
    // joined only their codes, is now a Reshape of its output to the row the fold expects.
    // (The linear part's 1-wide tables are not factored, so they stay as they are.)
    expect(out.fieldEmbeddings).toEqual([{ layer: 'field_embeddings_k2', tables: embNames }]);
    for (const n of embNames) expect(layers.has(n)).toBe(false);
    expect(layers.get('deep_concat')!.class_name).toBe('Reshape');
    expect(layers.get('deep_concat')!.config.target_shape).toEqual([1, embNames.length * 2]);
    expect(readsFrom(layers.get('deep_concat')!)).toEqual(['field_embeddings_k2']);
    if (kind === 'deepfm') {
      // The FM still needs full-width field vectors: fm_fields becomes one FieldProjection that up-projects
      // every table's codes in one batched product (no Dense up-projection per field).
      expect(out.upProjections).toEqual([]);
      expect(out.fieldProjections).toEqual([{ layer: 'fm_fields', embeddings: embNames }]);
      expect(layers.get('fm_fields')!.class_name).toBe('FieldProjection');
      expect(readsFrom(layers.get('fm_fields')!)).toEqual(['field_embeddings_k2', 'numeric_field_vec']);
      expect(layers.get('fm_fields')!.config.fields).toEqual([embNames.length, 1]);
    } else {
      expect(out.upProjections).toEqual([]);
      for (const n of embNames) expect(layers.has(`${n}_up`)).toBe(false);
    }
  });

  it('folds into deep_0_proj when deep_0 is factored too', async () => {
    const { out } = await check('dnn', 'all', true);
    const layers = topologyLayers(out.artifacts.modelTopology);
    expect(readsFrom(layers.get('deep_0_proj')!)).toEqual(['deep_input']);
    expect(readsFrom(layers.get('deep_0')!)).toEqual(['deep_0_proj']);
    const kernel = out.artifacts.weightSpecs.find((w) => w.name === 'deep_0_proj/kernel')!;
    // 4 fields at k = 2 plus 6 numeric inputs, instead of 4 × 4 + 6.
    expect(kernel.shape).toEqual([4 * 2 + 6, 2]);
  });

  it('never folds across the DCNv2 cross Multiply', async () => {
    const { out } = await check('dcnv2', 'all', true);
    expect(out.fused).toEqual([]);
    // The cross input's up-projections are batched in deep_concat, now a FieldProjection joining on the last axis.
    expect(out.upProjections).toEqual([]);
    expect(out.fieldProjections).toEqual([{ layer: 'deep_concat', embeddings: embNames }]);
  });

  it('DNN parameter count matches a hand count of what folding removes', async () => {
    const spec = smallSpec('dnn', enc);
    const model: LayersModel = buildModel(spec);
    const k = 2;
    const reps = embNames.map((n, i) => plantEmbedding(model, n, k, i + 1));
    const artifacts = await saveModelToArtifacts(model);
    const out = rewriteModel(artifacts, layerShapes(model), reps);
    const loaded = await loadModelFromArtifacts(out.artifacts);
    const dim = spec.embeddingDim;
    const tables = spec.fields.reduce((s, f) => s + f.vocabSize * (dim - k), 0);
    const deep0Rows = spec.fields.length * (dim - k) * spec.tower[0];
    expect(loaded.countParams()).toBe(model.countParams() - tables - deep0Rows);
  });
});

describe('the harness is sensitive', () => {
  it.each([true, false])('a slightly wrong factor changes the predictions (fuse %s)', async (fuse) => {
    const p = await planted('deepfm', 'all');
    const reps = p.reps.map((r) =>
      r.kind === 'embedding' ? { ...r, up: { ...r.up, bias: r.up.bias.map((v) => v + 0.05) } } : r,
    );
    const loaded = await loadModelFromArtifacts(rewriteModel(p.artifacts, p.shapes, reps, { fuse }).artifacts);
    expect(maxDiff(await predictLogits(loaded, enc, rows), p.before)).toBeGreaterThan(1e-3);
    const spread = Math.max(...p.before) - Math.min(...p.before);
    expect(spread).toBeGreaterThan(0.1);
  });
});
