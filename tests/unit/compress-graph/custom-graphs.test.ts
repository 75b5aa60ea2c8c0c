/**
 * Fusion on hand-built graphs: through Reshape → Concatenate → Flatten (with interleaved fields), per-position
 * Dense layers, field-axis concatenation, and the cases where it must not happen (a Multiply reading the
 * concatenation, an unrecomputable Reshape, mismatched ranks, a shared Dense, a model output).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import type { LayersModel, SymbolicTensor } from '../../../src/tf/tfjs';
import { loadModelFromArtifacts, saveModelToArtifacts } from '../../../src/tf/modelio';
import {
  buildInventory,
  plannedParams,
  rewriteModel,
  type EmbeddingInfo,
  type Replacement,
} from '../../../src/core/layers';
import {
  cloneArtifacts,
  layerShapes,
  maxDiff,
  outputs,
  perturb,
  plantDense,
  plantEmbedding,
  randomFloats,
  randomIds,
  readsFrom,
  topologyLayers,
} from './helpers';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

type Sym = SymbolicTensor;
const ROWS = 16;
const ids = (name: string, width: number) => tf.input({ shape: [width], dtype: 'int32', name });
const emb = (name: string, x: Sym, dim = 4) =>
  tf.layers.embedding({ inputDim: 10, outputDim: dim, name }).apply(x) as Sym;
const reshape = (name: string, x: Sym, targetShape: number[]) =>
  tf.layers.reshape({ targetShape, name }).apply(x) as Sym;
const dense = (name: string, x: Sym, units: number, activation: 'relu' | 'linear' = 'linear') =>
  tf.layers.dense({ units, activation, name }).apply(x) as Sym;

/** Feeds: int ids for int inputs, floats otherwise. */
function feeds(model: LayersModel): tf.Tensor[] {
  return model.inputs.map((input, i) =>
    input.dtype === 'int32'
      ? randomIds(ROWS, input.shape[1] as number, 10, 50 + i)
      : randomFloats(ROWS, input.shape[1] as number, 50 + i),
  );
}

/** Plants factors, rewrites (fused and not), and checks predictions and parameter counts. */
async function roundTrip(model: LayersModel, plan: { layer: string; rank: number }[], fuse = true) {
  perturb(model, 3);
  const reps: Replacement[] = plan.map((p, i) =>
    model.getLayer(p.layer).getClassName() === 'Dense'
      ? plantDense(model, p.layer, p.rank, 10 + i)
      : plantEmbedding(model, p.layer, p.rank, 10 + i),
  );
  const x = feeds(model);
  const before = await outputs(model, x);
  const artifacts = await saveModelToArtifacts(model);
  const copy = cloneArtifacts(artifacts);
  const shapes = layerShapes(model);
  const out = rewriteModel(artifacts, shapes, reps, { fuse });
  expect(artifacts).toEqual(copy);
  const loaded = await loadModelFromArtifacts(out.artifacts);
  expect(maxDiff(await outputs(loaded, x), before)).toBeLessThan(1e-5);
  expect(loaded.countParams()).toBe(plannedParams(artifacts, shapes, plan, { fuse }));
  return {
    out,
    loaded,
    layers: topologyLayers(out.artifacts.modelTopology),
    inventory: buildInventory(artifacts, shapes),
  };
}

/**
 * ids1, ids2 → Reshape [1,3,4] and numerics → Reshape [1,3,1], joined on the last axis, flattened; plus e3 via
 * Reshape [8] and e4 via an unrecomputable Reshape [4,2].
 */
function reshapeConcatFlatten(): LayersModel {
  const [i1, i2, i3, i4] = [ids('ids1', 3), ids('ids2', 3), ids('ids3', 2), ids('ids4', 2)];
  const num = tf.input({ shape: [3], name: 'num' });
  const r1 = reshape('r1', emb('e1', i1), [1, 3, 4]);
  const r2 = reshape('r2', emb('e2', i2), [1, 3, 4]);
  const rn = reshape('rn', num, [1, 3, 1]);
  const cat = tf.layers.concatenate({ axis: -1, name: 'cat' }).apply([r1, rn, r2]) as Sym;
  const flat = tf.layers.flatten({ name: 'flat' }).apply(cat) as Sym;
  const r3 = reshape('r3', emb('e3', i3), [8]);
  const f4 = tf.layers.flatten({ name: 'f4' }).apply(reshape('r4', emb('e4', i4), [4, 2])) as Sym;
  const all = tf.layers.concatenate({ axis: 1, name: 'cat2' }).apply([flat, r3, f4]) as Sym;
  const out = dense('out', dense('d', all, 5, 'relu'), 1);
  return tf.model({ inputs: [i1, i2, i3, i4, num], outputs: out });
}

describe('Reshape → Concatenate → Flatten → Dense', () => {
  const plan = ['e1', 'e2', 'e3', 'e4'].map((layer) => ({ layer, rank: 2 }));

  it('folds every embedding it can, recomputes the reshapes, and keeps e4 up-projected', async () => {
    const { out, layers, inventory } = await roundTrip(reshapeConcatFlatten(), plan);
    expect(out.fused.map((f) => `${f.embedding}>${f.dense}`).sort()).toEqual(['e1>d', 'e2>d', 'e3>d']);
    expect(out.upProjections).toEqual(['e4_up']);
    expect(layers.get('r1')!.config.target_shape).toEqual([1, 3, 2]);
    expect(layers.get('r3')!.config.target_shape).toEqual([4]);
    expect(layers.get('r4')!.config.target_shape).toEqual([4, 2]);
    expect(readsFrom(layers.get('r4')!)).toEqual(['e4_up']);
    const e4 = inventory.find((l) => l.name === 'e4') as EmbeddingInfo;
    expect(e4.fusion).toEqual([
      {
        consumer: 'r4',
        fusable: false,
        into: [],
        blockedBy: expect.objectContaining({ layer: 'r4', className: 'Reshape' }),
      },
    ]);
    const e1 = inventory.find((l) => l.name === 'e1') as EmbeddingInfo;
    expect(e1.fusion).toEqual([{ consumer: 'r1', fusable: true, into: ['d'] }]);
  });

  it('folds into the first factor of a factored Dense', async () => {
    const { out, layers } = await roundTrip(reshapeConcatFlatten(), [...plan, { layer: 'd', rank: 3 }]);
    expect(out.fused.filter((f) => f.dense === 'd')).toHaveLength(3);
    expect(readsFrom(layers.get('d_proj')!)).toEqual(['cat2']);
  });

  it('is exact without fusion too', async () => {
    const { out } = await roundTrip(reshapeConcatFlatten(), plan, false);
    expect(out.upProjections.sort()).toEqual(['e1_up', 'e2_up', 'e3_up', 'e4_up']);
  });
});

describe('where fusion must not happen', () => {
  it('keeps the up-projections when the concatenation also feeds a Multiply', async () => {
    const [a, b] = [ids('a', 2), ids('b', 2)];
    const cat = tf.layers.concatenate({ axis: -1, name: 'cat' }).apply([emb('e1', a), emb('e2', b)]) as Sym;
    const flat = tf.layers.flatten({ name: 'flat' }).apply(cat) as Sym;
    const gate = tf.layers.multiply({ name: 'gate' }).apply([flat, dense('d1', flat, 16)]) as Sym;
    const model = tf.model({ inputs: [a, b], outputs: dense('out', gate, 1) });
    const { out, inventory } = await roundTrip(model, [
      { layer: 'e1', rank: 2 },
      { layer: 'e2', rank: 3 },
      { layer: 'd1', rank: 4 },
    ]);
    expect(out.fused).toEqual([]);
    expect(out.upProjections.sort()).toEqual(['e1_up', 'e2_up']);
    const e1 = inventory.find((l) => l.name === 'e1') as EmbeddingInfo;
    expect(e1.fusion[0]).toMatchObject({
      consumer: 'cat',
      fusable: false,
      blockedBy: { layer: 'gate', className: 'Multiply' },
    });
  });

  it('field-axis concatenation folds with equal ranks and not with different ones', async () => {
    const build = () => {
      const [a, b] = [ids('a', 1), ids('b', 1)];
      const cat = tf.layers.concatenate({ axis: 1, name: 'fields' }).apply([emb('e1', a), emb('e2', b)]) as Sym;
      const flat = tf.layers.flatten({ name: 'flat' }).apply(cat) as Sym;
      return tf.model({ inputs: [a, b], outputs: dense('out', dense('d', flat, 6, 'relu'), 1) });
    };
    const same = await roundTrip(build(), [
      { layer: 'e1', rank: 2 },
      { layer: 'e2', rank: 2 },
    ]);
    expect(same.out.fused).toHaveLength(2);
    expect(same.out.upProjections).toEqual([]);
    const mixed = await roundTrip(build(), [
      { layer: 'e1', rank: 2 },
      { layer: 'e2', rank: 3 },
    ]);
    expect(mixed.out.fused).toEqual([]);
    // Not folded: the two up-projections are batched in one FieldProjection (ranks padded inside), exactly.
    expect(mixed.out.upProjections).toEqual([]);
    expect(mixed.out.fieldProjections).toEqual([{ layer: 'fields', embeddings: ['e1', 'e2'] }]);
  });

  it('does not fold when one Dense kernel row would serve different fields at different positions', async () => {
    const [a, b] = [ids('a', 1), ids('b', 1)];
    const cat = tf.layers.concatenate({ axis: 1, name: 'fields' }).apply([emb('e1', a), emb('e2', b)]) as Sym;
    const perField = dense('per_field', cat, 3, 'relu');
    const model = tf.model({
      inputs: [a, b],
      outputs: dense('out', tf.layers.flatten({ name: 'flat' }).apply(perField) as Sym, 1),
    });
    const { out, inventory } = await roundTrip(model, [
      { layer: 'e1', rank: 2 },
      { layer: 'e2', rank: 2 },
    ]);
    expect(out.fused).toEqual([]);
    expect((inventory.find((l) => l.name === 'e1') as EmbeddingInfo).fusion[0]).toMatchObject({
      fusable: false,
      blockedBy: { layer: 'per_field', className: 'Dense' },
    });
  });

  it('does not fold into a shared Dense, and passes the shared layer through', async () => {
    const a = ids('a', 2);
    const x = tf.input({ shape: [8], name: 'x' });
    const shared = tf.layers.dense({ units: 3, name: 'shared' });
    const flat = tf.layers.flatten({ name: 'flat' }).apply(emb('e1', a)) as Sym;
    const sum = tf.layers.add({ name: 'sum' }).apply([shared.apply(flat) as Sym, shared.apply(x) as Sym]) as Sym;
    const model = tf.model({ inputs: [a, x], outputs: dense('out', sum, 1) });
    const { out, inventory } = await roundTrip(model, [{ layer: 'e1', rank: 2 }]);
    expect(out.fused).toEqual([]);
    expect(inventory.find((l) => l.name === 'shared')).toMatchObject({
      compressible: false,
      reason: 'shared by 2 call sites',
    });
  });

  it('does not fold across a channels_first Flatten (it transposes before flattening)', async () => {
    const a = ids('a', 3);
    const flat = tf.layers.flatten({ name: 'flat', dataFormat: 'channelsFirst' }).apply(emb('e1', a)) as Sym;
    const model = tf.model({ inputs: [a], outputs: dense('out', dense('d', flat, 4, 'relu'), 1) });
    const { out, inventory } = await roundTrip(model, [{ layer: 'e1', rank: 2 }]);
    expect(out.fused).toEqual([]);
    expect((inventory.find((l) => l.name === 'e1') as EmbeddingInfo).fusion[0]).toMatchObject({
      fusable: false,
      blockedBy: { layer: 'flat', className: 'Flatten' },
    });
  });

  it('keeps the up-projection when the embedding is itself a model output', async () => {
    const a = ids('a', 2);
    const e = emb('e1', a);
    const out1 = dense('out', tf.layers.flatten({ name: 'flat' }).apply(e) as Sym, 1);
    const model = tf.model({ inputs: [a], outputs: [out1, e] });
    perturb(model, 1);
    const rep = plantEmbedding(model, 'e1', 2, 4);
    const x = feeds(model);
    const before = (model.predict(x) as tf.Tensor[]).map((t) => t.dataSync());
    const artifacts = await saveModelToArtifacts(model);
    const res = rewriteModel(artifacts, layerShapes(model), [rep]);
    expect(res.upProjections).toEqual(['e1_up']);
    expect(res.fused).toEqual([{ embedding: 'e1', dense: 'out' }]);
    const loaded = await loadModelFromArtifacts(res.artifacts);
    const after = (loaded.predict(x) as tf.Tensor[]).map((t) => t.dataSync());
    expect(maxDiff(after[0], before[0])).toBeLessThan(1e-5);
    expect(maxDiff(after[1], before[1])).toBeLessThan(1e-5);
  });
});

describe('Dense applied per position (rank-3 input)', () => {
  it('folds the up-projection into a Dense applied to every position, and factors that Dense', async () => {
    const build = () => {
      const a = ids('a', 3);
      const pos = dense('pos', emb('e1', a, 6), 5, 'relu');
      return tf.model({ inputs: [a], outputs: dense('out', tf.layers.flatten({ name: 'flat' }).apply(pos) as Sym, 1) });
    };
    const one = await roundTrip(build(), [{ layer: 'e1', rank: 2 }]);
    expect(one.out.fused).toEqual([{ embedding: 'e1', dense: 'pos' }]);
    const both = await roundTrip(build(), [
      { layer: 'e1', rank: 2 },
      { layer: 'pos', rank: 2 },
    ]);
    expect(both.out.fused).toEqual([{ embedding: 'e1', dense: 'pos' }]);
  });
});
