/** Small synthetic encodings and encoded rows for model tests (no files needed). */
import type { EncodedBatch, FeatureEncoding } from '../../src/core/data';
import { createRng } from '../../src/core/random';
import type { ModelKind, ModelSpec } from '../../src/core/model/spec';

/** An encoding with `fields` categorical fields (vocab of `vocab` tokens each) and `numeric` numeric fields. */
export function syntheticEncoding(fields = 4, vocab = 20, numeric = 3): FeatureEncoding {
  return {
    version: 1,
    label: 'label',
    categorical: Array.from({ length: fields }, (_, f) => ({
      name: `C${f + 1}`,
      kind: 'vocab' as const,
      minCount: 1,
      vocab: Array.from({ length: vocab }, (_, i) => `v${f}_${i}`),
    })),
    numeric: Array.from({ length: numeric }, (_, j) => ({
      name: `I${j + 1}`,
      transform: 'none' as const,
      mean: 0,
      std: 1,
    })),
    fitRows: 0,
  } as FeatureEncoding;
}

/**
 * Encoded rows whose label follows a planted rule (a field-id interaction plus a numeric term), so that
 * training has something to learn.
 */
export function syntheticRows(enc: FeatureEncoding, rows: number, seed = 1): EncodedBatch {
  const rng = createRng(seed);
  const fields = enc.categorical.length;
  const width = enc.numeric.length * 2;
  const vocab = (enc.categorical[0] as { vocab: string[] }).vocab.length + 1;
  const categorical = Array.from({ length: fields }, () => new Int32Array(rows));
  const numeric = new Float32Array(rows * width);
  const labels = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < fields; f++) categorical[f][r] = Math.floor(rng() * vocab);
    for (let j = 0; j < enc.numeric.length; j++) numeric[r * width + 2 * j] = rng() * 2 - 1;
    const score = (categorical[0][r] % 3 === categorical[1 % fields][r] % 3 ? 1.5 : -1) + 2 * numeric[r * width];
    labels[r] = rng() < 1 / (1 + Math.exp(-score)) ? 1 : 0;
  }
  return { rows, labels, categorical, numeric };
}

/** A small spec of the given kind for the synthetic encoding. */
export function smallSpec(kind: ModelKind, enc: FeatureEncoding, seed = 7): ModelSpec {
  return {
    kind,
    fields: enc.categorical.map((f) => ({ name: f.name, vocabSize: (f as { vocab: string[] }).vocab.length + 1 })),
    numericWidth: enc.numeric.length * 2,
    embeddingDim: 4,
    tower: [16, 8],
    crossLayers: 2,
    dropout: 0,
    seed,
  };
}
