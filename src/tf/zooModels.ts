/**
 * The CTR model zoo: DeepFM, DCNv2, Wide&Deep, a plain deep tower (DNN) and logistic regression, each a
 * standard tfjs LayersModel with one Embedding per categorical field. Only FMInteraction is a custom layer;
 * the DCNv2 cross layer is built from standard Dense, Multiply and Add so that its full matrix is a plain
 * Dense the compressor can factor.
 */
import { customLayers, tf } from './tfjs';
import type { LayersModel, SymbolicTensor } from './tfjs';
import type { ModelSpec } from '../core/model/spec';
import {
  deepTower,
  dense,
  embedFields,
  finishModel,
  flatFeatures,
  linearPart,
  makeInputs,
  SeedSequence,
  stackFields,
} from './zooBlocks';

type Sym = SymbolicTensor;

function fmLayer(name: string) {
  return new customLayers.FMInteraction({ name });
}

/** DeepFM (Guo et al. 2017): linear + FM over field vectors + deep tower over the same embeddings. */
function deepfm(spec: ModelSpec): LayersModel {
  const seeds = new SeedSequence(spec.seed);
  const inputs = makeInputs(spec);
  const vectors = embedFields(spec, inputs, spec.embeddingDim, seeds);
  // Numeric features join the FM as one more field vector.
  const fmFields = [...vectors];
  if (inputs.numeric) {
    // Small initial scale, like the embedding tables it sits beside (a Glorot start dominates the FM).
    const numVec = tf.layers
      .dense({
        units: spec.embeddingDim,
        useBias: false,
        kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.01, seed: seeds.take() }),
        name: 'numeric_field',
      })
      .apply(inputs.numeric) as Sym;
    fmFields.push(
      tf.layers.reshape({ targetShape: [1, spec.embeddingDim], name: 'numeric_field_vec' }).apply(numVec) as Sym,
    );
  }
  const fmInput = stackFields(fmFields, 'fm_fields');
  const fm = fmLayer('fm').apply(fmInput) as Sym;
  const deep = deepTower(spec, flatFeatures(vectors, inputs), seeds);
  return finishModel(inputs, [linearPart(spec, inputs, seeds), fm, deep], 'deepfm');
}

/**
 * DCNv2 (Wang et al. 2021), stacked: x_{l+1} = x0 ⊙ (W_l x_l + b_l) + x_l with full matrices W_l, then the
 * deep tower on the cross output.
 */
function dcnv2(spec: ModelSpec): LayersModel {
  const seeds = new SeedSequence(spec.seed);
  const inputs = makeInputs(spec);
  const x0 = flatFeatures(embedFields(spec, inputs, spec.embeddingDim, seeds), inputs);
  const width = x0.shape[1] as number;
  let x = x0;
  for (let l = 0; l < spec.crossLayers; l++) {
    const wx = dense(width, `cross_${l}`, seeds).apply(x) as Sym;
    const gated = tf.layers.multiply({ name: `cross_${l}_gate` }).apply([x0, wx]) as Sym;
    x = tf.layers.add({ name: `cross_${l}_residual` }).apply([gated, x]) as Sym;
  }
  return finishModel(inputs, [deepTower(spec, x, seeds)], 'dcnv2');
}

/** Wide & Deep (Cheng et al. 2016): the linear (wide) part plus the deep tower. */
function widedeep(spec: ModelSpec): LayersModel {
  const seeds = new SeedSequence(spec.seed);
  const inputs = makeInputs(spec);
  const deep = deepTower(spec, flatFeatures(embedFields(spec, inputs, spec.embeddingDim, seeds), inputs), seeds);
  return finishModel(inputs, [linearPart(spec, inputs, seeds), deep], 'widedeep');
}

/** A plain deep tower over the concatenated embeddings and numeric features. */
function dnn(spec: ModelSpec): LayersModel {
  const seeds = new SeedSequence(spec.seed);
  const inputs = makeInputs(spec);
  return finishModel(
    inputs,
    [deepTower(spec, flatFeatures(embedFields(spec, inputs, spec.embeddingDim, seeds), inputs), seeds)],
    'dnn',
  );
}

/** Logistic regression on one-hot categoricals and numerics: the baseline every CTR model must beat. */
function lr(spec: ModelSpec): LayersModel {
  const seeds = new SeedSequence(spec.seed);
  const inputs = makeInputs(spec);
  return finishModel(inputs, [linearPart(spec, inputs, seeds)], 'lr');
}

const BUILDERS: Record<ModelSpec['kind'], (spec: ModelSpec) => LayersModel> = { deepfm, dcnv2, widedeep, dnn, lr };

/** Builds a freshly initialised model from its spec (deterministic for a given spec.seed). */
export function buildModel(spec: ModelSpec): LayersModel {
  return BUILDERS[spec.kind](spec);
}
