/** The shipped demo (real Criteo rows, models trained on them) opened for engine tests. */
import { encodeBatch, numericWidth, vocabSize, type EncodedBatch, type FeatureEncoding } from '../../src/core/data';
import { prepareSplits } from '../../src/core/pipeline/splits';
import { loadData, loadStudioModel, type LoadedModel } from '../../src/cli/shared/io';
import { buildModel } from '../../src/tf/zooModels';
import { trainModel } from '../../src/tf/train';
import type { ModelKind } from '../../src/core/model/spec';
import { tf, type LayersModel } from '../../src/tf/tfjs';
import { compressorOf, type TfCompressor } from './compressor';
import type { TfjsModel } from '../../src/tf/runnable';

export const DEMO = {
  train: 'public/demo/criteo/train.tsv',
  test: 'public/demo/criteo/test.tsv',
  model: (kind: 'deepfm' | 'dcnv2') => `public/demo/models/${kind}`,
};

export interface DemoModel {
  model: LayersModel;
  encoding: FeatureEncoding;
  train: EncodedBatch;
  test: EncodedBatch;
  loaded?: LoadedModel;
}

/** A shipped demo model with the demo train and test rows encoded by its own encoding. */
export async function openDemoModel(kind: 'deepfm' | 'dcnv2'): Promise<DemoModel> {
  const loaded = await loadStudioModel(DEMO.model(kind));
  const enc = loaded.meta.encoding;
  const [train, test] = await Promise.all([loadData(DEMO.train), loadData(DEMO.test)]);
  return {
    model: (loaded.model as TfjsModel).net,
    encoding: enc,
    train: encodeBatch(enc, train.raw, train.schema),
    test: encodeBatch(enc, test.raw, test.schema),
    loaded,
  };
}

/** A shipped demo model on the wasm backend with its statistics collected on the demo training rows. */
export async function calibratedDemo(kind: 'deepfm' | 'dcnv2'): Promise<{ demo: DemoModel; c: TfCompressor }> {
  await tf.setBackend('wasm');
  const demo = await openDemoModel(kind);
  const c = await compressorOf(demo.model);
  await c.collect(demo.encoding, demo.train);
  return { demo, c };
}

/** A zoo model of any kind trained briefly on the demo rows (real weights, not a random start). */
export async function trainDemoModel(kind: ModelKind, tower = [64, 32], epochs = 1): Promise<DemoModel> {
  const train = await loadData(DEMO.train);
  const test = await loadData(DEMO.test);
  const splits = prepareSplits(
    train.raw,
    train.schema,
    { raw: test.raw, schema: test.schema },
    { validFraction: 0.1, minCount: 10 },
  );
  const model = buildModel({
    kind,
    fields: splits.encoding.categorical.map((f) => ({ name: f.name, vocabSize: vocabSize(f) })),
    numericWidth: numericWidth(splits.encoding),
    embeddingDim: 16,
    tower,
    crossLayers: 2,
    dropout: 0,
    seed: 5,
  });
  await trainModel(model, splits.encoding, splits.train, splits.valid, { epochs, patience: 1 });
  return { model, encoding: splits.encoding, train: splits.train, test: splits.test! };
}
