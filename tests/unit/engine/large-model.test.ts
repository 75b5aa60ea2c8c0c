/**
 * A large model compresses, with progress: an embedding table of 1,000,000 ids and a 1024-wide tower.
 * (The figures of how long it takes belong to the benchmark, not here.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { buildModel } from '../../../src/tf/zooModels';
import { compressorOf } from '../../helpers/compressor';
import { predictLogits } from '../../../src/tf/predict';
import { syntheticEncoding, syntheticRows } from '../../helpers/synthetic';
import type { FeatureEncoding } from '../../../src/core/data';
import { createRng } from '../../../src/core/random';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('a model with a million-id table and a 1024-wide tower', () => {
  it('compresses with AFM, reporting progress, and the result loads and scores', async () => {
    const enc = syntheticEncoding(4, 20, 3);
    const rows = syntheticRows(enc, 3000, 4);
    const big = 1_000_000;
    // The first field's vocabulary is a million ids (hashed ids, as huge real vocabularies are).
    (enc as FeatureEncoding).categorical[0] = {
      name: 'C1',
      kind: 'hash',
      buckets: big - 1,
    } as FeatureEncoding['categorical'][number];
    const model = buildModel({
      kind: 'dnn',
      fields: enc.categorical.map((f, i) => ({ name: f.name, vocabSize: i === 0 ? big : 21 })),
      numericWidth: 6,
      embeddingDim: 16,
      tower: [1024, 1024],
      crossLayers: 0,
      dropout: 0,
      seed: 1,
    });
    expect(model.countParams()).toBeGreaterThan(17_000_000);
    const rng = createRng(9);
    for (let r = 0; r < rows.rows; r++) rows.categorical[0][r] = Math.floor(rng() * big);
    const c = await compressorOf(model);
    const table = c.inventory.find((l) => l.name === 'emb_C1')!;
    expect(table.kind === 'embedding' && table.shape.vocab).toBe(big);
    const progress: number[] = [];
    await c.collect(enc, rows, { batchSize: 512, onProgress: (done) => progress.push(done) });
    expect(progress.length).toBeGreaterThan(3);
    expect(progress[progress.length - 1]).toBe(3000);
    const built = c.build(c.uniformPlan({ method: 'afm', denseRank: 64, embeddingRank: 4 }));
    expect(built.params).toBeLessThan(model.countParams() / 3);
    const small = await c.loadNet(built);
    const logits = await predictLogits(small, enc, rows);
    expect(logits.every((x) => Number.isFinite(x))).toBe(true);
    small.dispose();
    model.dispose();
  }, 240_000);
});
