/** Building blocks shared by the zoo models: inputs, per-field embeddings, the deep tower, the logit head. */
import { tf } from './tfjs';
import type { LayersModel, SymbolicTensor } from './tfjs';
import { StudioError } from '../core/errors';
import { inputNameForField, LOGIT_LAYER, NUMERIC_INPUT, OUTPUT_LAYER, type ModelSpec } from '../core/model/spec';

type Sym = SymbolicTensor;

/** Deterministic per-layer seeds derived from the model seed, so a spec always builds the same weights. */
export class SeedSequence {
  private next: number;
  constructor(seed: number) {
    this.next = seed * 1000 + 1;
  }
  take(): number {
    return this.next++;
  }
}

export interface ModelInputs {
  /** One [batch, 1] int32 input per categorical field, in spec.fields order. */
  categorical: Sym[];
  /** [batch, numericWidth] float input, or null when the data has no numeric fields. */
  numeric: Sym | null;
  all: Sym[];
}

export function makeInputs(spec: ModelSpec): ModelInputs {
  if (spec.fields.length === 0 && spec.numericWidth === 0) {
    throw new StudioError(
      'DATA_SCHEMA',
      'The data has no feature columns besides the label; a model needs at least one categorical or numeric column.',
    );
  }
  const categorical = spec.fields.map((f) => tf.input({ shape: [1], dtype: 'int32', name: inputNameForField(f.name) }));
  const numeric = spec.numericWidth > 0 ? tf.input({ shape: [spec.numericWidth], name: NUMERIC_INPUT }) : null;
  return { categorical, numeric, all: numeric ? [...categorical, numeric] : categorical };
}

/** Per-field embedding lookups, each [batch, 1, dim]; layer names emb_<field> (or <prefix>_<field>). */
export function embedFields(
  spec: ModelSpec,
  inputs: ModelInputs,
  dim: number,
  seeds: SeedSequence,
  prefix = 'emb',
): Sym[] {
  return spec.fields.map(
    (f, i) =>
      tf.layers
        .embedding({
          inputDim: f.vocabSize,
          outputDim: dim,
          embeddingsInitializer: tf.initializers.randomNormal({
            mean: 0,
            stddev: dim === 1 ? 0.001 : 0.01,
            seed: seeds.take(),
          }),
          name: `${prefix}_${inputNameForField(f.name)}`,
        })
        .apply(inputs.categorical[i]) as Sym,
  );
}

/** Field vectors stacked into [batch, fields, dim]. */
export function stackFields(vectors: Sym[], name: string): Sym {
  return vectors.length === 1 ? vectors[0] : (tf.layers.concatenate({ axis: 1, name }).apply(vectors) as Sym);
}

/**
 * The flat input of the deep part: the field vectors joined along their last axis ([batch, 1, fields·dim]),
 * flattened, then the numeric features. Joining on the last axis (not the field axis) keeps the graph valid
 * when a compressed table gives one field fewer dimensions than another.
 */
export function flatFeatures(vectors: Sym[], inputs: ModelInputs): Sym {
  if (vectors.length === 0) return inputs.numeric!; // numeric features only
  const joined =
    vectors.length === 1
      ? vectors[0]
      : (tf.layers.concatenate({ axis: -1, name: 'deep_concat' }).apply(vectors) as Sym);
  const flat = tf.layers.flatten({ name: 'flat_embeddings' }).apply(joined) as Sym;
  if (!inputs.numeric) return flat;
  return tf.layers.concatenate({ axis: 1, name: 'deep_input' }).apply([flat, inputs.numeric]) as Sym;
}

/** Dense with seeded Glorot initialization (every Dense in the zoo is a standard tfjs Dense). */
export function dense(
  units: number,
  name: string,
  seeds: SeedSequence,
  activation?: 'relu' | 'linear',
  useBias = true,
) {
  return tf.layers.dense({
    units,
    activation: activation ?? 'linear',
    useBias,
    kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.take() }),
    name,
  });
}

/** The deep tower: Dense+ReLU per width (dropout between), ending in a Dense(1) logit part. */
export function deepTower(spec: ModelSpec, x: Sym, seeds: SeedSequence, prefix = 'deep'): Sym {
  let h = x;
  spec.tower.forEach((units, i) => {
    h = dense(units, `${prefix}_${i}`, seeds, 'relu').apply(h) as Sym;
    if (spec.dropout > 0)
      h = tf.layers.dropout({ rate: spec.dropout, seed: seeds.take(), name: `${prefix}_dropout_${i}` }).apply(h) as Sym;
  });
  return dense(1, `${prefix}_out`, seeds).apply(h) as Sym;
}

/**
 * The first-order (linear) part: a 1-dim embedding per field plus the numeric features, combined by one
 * Dense(1). This is logistic regression on one-hot categoricals and numerics.
 */
export function linearPart(spec: ModelSpec, inputs: ModelInputs, seeds: SeedSequence): Sym {
  const weights = embedFields(spec, inputs, 1, seeds, 'lin');
  const flat =
    weights.length > 0
      ? (tf.layers.flatten({ name: 'lin_flat' }).apply(stackFields(weights, 'lin_stack')) as Sym)
      : null;
  const all =
    flat && inputs.numeric
      ? (tf.layers.concatenate({ axis: 1, name: 'lin_input' }).apply([flat, inputs.numeric]) as Sym)
      : (flat ?? inputs.numeric!);
  return tf.layers
    .dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.take() }), name: 'lin_out' })
    .apply(all) as Sym;
}

/** Sums the logit parts, names the sum 'logit', and ends the model in a sigmoid named 'prediction'. */
export function finishModel(inputs: ModelInputs, parts: Sym[], name: string) {
  const logit =
    parts.length === 1
      ? (tf.layers.activation({ activation: 'linear', name: LOGIT_LAYER }).apply(parts[0]) as Sym)
      : (tf.layers.add({ name: LOGIT_LAYER }).apply(parts) as Sym);
  const prob = tf.layers.activation({ activation: 'sigmoid', name: OUTPUT_LAYER }).apply(logit) as Sym;
  return tf.model({ inputs: inputs.all, outputs: prob, name });
}

/**
 * Starts a model at the training click rate: the bias of its first logit part (the linear part's, else the
 * deep tower's) set to the rate's log-odds, so that the first epochs are not spent moving a logit of 0 (a
 * 50% click rate) down to a rare click rate of 0.1-1%, a few thousandths per Adam step. The rate is smoothed
 * by half a click, so a sample with no clicks still gives a finite start.
 */
export function startAtClickRate(model: LayersModel, labels: ArrayLike<number>): void {
  let clicks = 0;
  for (let i = 0; i < labels.length; i++) clicks += labels[i];
  const rate = (clicks + 0.5) / (labels.length + 1);
  const layer = model.layers.find((l) => l.name === 'lin_out') ?? model.layers.find((l) => l.name === 'deep_out');
  if (!layer) return;
  tf.tidy(() => {
    const [kernel, bias] = layer.getWeights();
    layer.setWeights([kernel, tf.fill(bias.shape, Math.log(rate / (1 - rate)))]);
  });
}
