/** The inventory: sizes, parameter counts, exact break-even ranks, reasons, and fusion verdicts on the zoo. */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import type { LayersModel, SymbolicTensor } from '../../../src/tf/tfjs';
import { buildModel } from '../../../src/tf/zooModels';
import { loadModelFromArtifacts, saveModelToArtifacts } from '../../../src/tf/modelio';
import { MODEL_KINDS } from '../../../src/core/model/spec';
import {
  buildInventory,
  denseBreakEven,
  embeddingBreakEven,
  factoredDenseParams,
  factoredEmbeddingParams,
  factoredParams,
  rewriteModel,
  totalParams,
  type EmbeddingInfo,
  type LayerInfo,
  type Replacement,
} from '../../../src/core/layers';
import { smallSpec, syntheticEncoding } from '../../helpers/synthetic';
import { layerShapes } from './helpers';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const enc = syntheticEncoding();

async function inventoryOf(model: LayersModel): Promise<LayerInfo[]> {
  return buildInventory(await saveModelToArtifacts(model), layerShapes(model));
}

describe('zoo inventories', () => {
  it.each(MODEL_KINDS)('%s: totals match tfjs, sizes match the layers', async (kind) => {
    const model = buildModel(smallSpec(kind, enc));
    const a = await saveModelToArtifacts(model);
    expect(totalParams(a.weightSpecs)).toBe(model.countParams());
    const inv = buildInventory(a, layerShapes(model));
    for (const l of inv) {
      expect(l.params).toBe(model.getLayer(l.name).countParams());
      if (l.kind === 'dense') expect(l.shape.dIn).toBe(model.getLayer(l.name).getWeights()[0].shape[0]);
    }
    const all = model.layers.filter((l) => ['Dense', 'Embedding'].includes(l.getClassName())).map((l) => l.name);
    expect(inv.map((l) => l.name)).toEqual(all);
  });

  it('DeepFM: reasons, break-even ranks, and the FM branch keeps the up-projection', async () => {
    const inv = await inventoryOf(buildModel(smallSpec('deepfm', enc)));
    const by = new Map(inv.map((l) => [l.name, l]));
    expect(by.get('deep_out')).toMatchObject({
      compressible: false,
      reason: 'output width 1: nothing to factor',
      breakEvenRank: 0,
    });
    expect(by.get('lin_C1')).toMatchObject({ compressible: false, reason: 'embedding dimension 1: nothing to factor' });
    expect(by.get('deep_0')).toMatchObject({
      kind: 'dense',
      shape: { dIn: 22, dOut: 16, useBias: true, activation: 'relu' },
      compressible: true,
    });
    expect(by.get('numeric_field')).toMatchObject({
      shape: { dIn: 6, dOut: 4, useBias: false },
      params: 24,
      breakEvenRank: 1,
    });
    const emb = by.get('emb_C1') as EmbeddingInfo;
    expect(emb).toMatchObject({ shape: { vocab: 21, dim: 4 }, params: 84, breakEvenRank: 3, compressible: true });
    expect(emb.fusion).toEqual([
      { consumer: 'deep_concat', fusable: true, into: ['deep_0'] },
      {
        consumer: 'fm_fields',
        fusable: false,
        into: [],
        blockedBy: expect.objectContaining({ layer: 'fm', className: 'FMInteraction' }),
      },
    ]);
  });

  it('DCNv2: the cross Multiply blocks fusion', async () => {
    const inv = await inventoryOf(buildModel(smallSpec('dcnv2', enc)));
    const emb = inv.find((l) => l.name === 'emb_C2') as EmbeddingInfo;
    expect(emb.fusion).toEqual([
      {
        consumer: 'deep_concat',
        fusable: false,
        into: [],
        blockedBy: expect.objectContaining({ layer: 'cross_0_gate', className: 'Multiply' }),
      },
    ]);
    expect(inv.find((l) => l.name === 'cross_0')).toMatchObject({ compressible: true, shape: { dIn: 22, dOut: 22 } });
  });

  it('Wide&Deep and DNN: every table folds into deep_0', async () => {
    for (const kind of ['widedeep', 'dnn'] as const) {
      const inv = await inventoryOf(buildModel(smallSpec(kind, enc)));
      for (const l of inv.filter((x): x is EmbeddingInfo => x.kind === 'embedding' && x.compressible)) {
        expect(l.fusion).toEqual([{ consumer: 'deep_concat', fusable: true, into: ['deep_0'] }]);
      }
    }
  });
});

describe('break-even rank', () => {
  it('is the exact boundary for Dense layers (k saves, k + 1 does not)', () => {
    for (let dIn = 1; dIn <= 40; dIn++) {
      for (let dOut = 1; dOut <= 40; dOut++) {
        for (const useBias of [true, false]) {
          const original = dIn * dOut + (useBias ? dOut : 0);
          const k = denseBreakEven(dIn, dOut, useBias);
          if (k >= 1) expect(factoredDenseParams(dIn, dOut, k)).toBeLessThan(original);
          expect(factoredDenseParams(dIn, dOut, k + 1)).toBeGreaterThanOrEqual(original);
        }
      }
    }
  });

  it('is the exact boundary for embeddings', () => {
    for (let vocab = 1; vocab <= 60; vocab++) {
      for (let dim = 1; dim <= 40; dim++) {
        const k = embeddingBreakEven(vocab, dim);
        if (k >= 1) expect(factoredEmbeddingParams(vocab, dim, k)).toBeLessThan(vocab * dim);
        expect(factoredEmbeddingParams(vocab, dim, k + 1)).toBeGreaterThanOrEqual(vocab * dim);
      }
    }
  });

  it('holds on real tfjs models: the rewritten model at k has fewer parameters, at k + 1 not', async () => {
    const ids = tf.input({ shape: [1], dtype: 'int32', name: 'ids' });
    const x = tf.input({ shape: [30], name: 'x' });
    const e = tf.layers
      .flatten({ name: 'flat' })
      .apply(tf.layers.embedding({ inputDim: 50, outputDim: 8, name: 'table' }).apply(ids)) as SymbolicTensor;
    const h = tf.layers.dense({ units: 20, name: 'h' }).apply(x) as SymbolicTensor;
    const joined = tf.layers.concatenate({ name: 'join' }).apply([e, h]) as SymbolicTensor;
    const model = tf.model({
      inputs: [ids, x],
      outputs: tf.layers.multiply({ name: 'square' }).apply([joined, joined]) as SymbolicTensor,
    });
    const a = await saveModelToArtifacts(model);
    const shapes = layerShapes(model);
    const inv = buildInventory(a, shapes);
    for (const l of inv) {
      const counts: number[] = [];
      for (const k of [l.breakEvenRank, l.breakEvenRank + 1]) {
        const rep: Replacement =
          l.kind === 'dense'
            ? {
                kind: 'dense',
                layer: l.name,
                rank: k,
                first: { kernel: new Float32Array(30 * k), bias: new Float32Array(k) },
                second: { kernel: new Float32Array(k * 20), bias: new Float32Array(20) },
              }
            : {
                kind: 'embedding',
                layer: l.name,
                rank: k,
                table: new Float32Array(50 * k),
                up: { kernel: new Float32Array(k * 8), bias: new Float32Array(8) },
              };
        const loaded = await loadModelFromArtifacts(rewriteModel(a, shapes, [rep]).artifacts);
        counts.push(loaded.countParams());
        expect(loaded.countParams()).toBe(model.countParams() - l.params + factoredParams(l, k));
      }
      expect(counts[0], l.name).toBeLessThan(model.countParams());
      expect(counts[1], l.name).toBeGreaterThanOrEqual(model.countParams());
    }
  });

  it('reports layers whose break-even rank is below 1', async () => {
    const ids = tf.input({ shape: [1], dtype: 'int32', name: 'ids' });
    const x = tf.input({ shape: [1], name: 'x' });
    const e = tf.layers
      .flatten({ name: 'flat' })
      .apply(tf.layers.embedding({ inputDim: 2, outputDim: 3, name: 'tiny' }).apply(ids)) as SymbolicTensor;
    const h = tf.layers.dense({ units: 5, name: 'narrow_in' }).apply(x) as SymbolicTensor;
    const model = tf.model({
      inputs: [ids, x],
      outputs: tf.layers.concatenate({ name: 'join' }).apply([e, h]) as SymbolicTensor,
    });
    const inv = await inventoryOf(model);
    for (const l of inv)
      expect(l).toMatchObject({ compressible: false, reason: 'break-even rank is below 1', breakEvenRank: 0 });
  });
});

describe('rewriteModel refuses bad replacements', () => {
  it('names the problem', async () => {
    const a = tf.input({ shape: [4], name: 'a' });
    const b = tf.input({ shape: [4], name: 'b' });
    const shared = tf.layers.dense({ units: 4, name: 'shared' });
    const sum = tf.layers
      .add({ name: 'sum' })
      .apply([shared.apply(a) as SymbolicTensor, shared.apply(b) as SymbolicTensor]) as SymbolicTensor;
    const model = tf.model({
      inputs: [a, b],
      outputs: tf.layers.dense({ units: 3, name: 'out' }).apply(sum) as SymbolicTensor,
    });
    const art = await saveModelToArtifacts(model);
    const shapes = layerShapes(model);
    const dense = (layer: string, k: number, dIn: number, dOut: number): Replacement => ({
      kind: 'dense',
      layer,
      rank: k,
      first: { kernel: new Float32Array(dIn * k), bias: new Float32Array(k) },
      second: { kernel: new Float32Array(k * dOut), bias: new Float32Array(dOut) },
    });
    expect(() => rewriteModel(art, shapes, [dense('shared', 2, 4, 4)])).toThrow(/shared by 2 call sites/);
    expect(() => rewriteModel(art, shapes, [dense('nope', 2, 4, 3)])).toThrow(/no Dense layer nope/);
    expect(() => rewriteModel(art, shapes, [dense('out', 2, 4, 4)])).toThrow(
      /second kernel .* has 8 values instead of 6/,
    );
    expect(() => rewriteModel(art, shapes, [dense('out', 2, 4, 3), dense('out', 2, 4, 3)])).toThrow(/twice/);
    expect(() => rewriteModel(art, shapes, [dense('out', 0, 4, 3)])).toThrow(/not a positive integer/);
    // The shared layer passes through untouched while another layer is factored.
    const loaded = await loadModelFromArtifacts(rewriteModel(art, shapes, [dense('out', 2, 4, 3)]).artifacts);
    expect(loaded.getLayer('shared').countParams()).toBe(20);
  });
});
