/**
 * Training a zoo model from prepared splits, end to end: build it from a spec sized by the encoding, train
 * with early stopping, score the test split, and write the metadata a saved model carries (encoding, spec,
 * training log, test quality). Shared by `ctr-studio train` and the studio's worker.
 */
import { numericWidth, vocabSize } from '../core/data';
import { auc, evaluationWarnings, logLoss } from '../core/metrics';
import type { StudioMetadata } from '../core/model/metadata';
import { TRAIN_DEFAULTS, type ModelKind, type ModelSpec } from '../core/model/spec';
import type { PreparedSplits } from '../core/pipeline/splits';
import { STUDIO_VERSION } from '../core/version';
import type { LayersModel } from './tfjs';
import { predictProbs } from './predict';
import { trainModel, type TrainOptions, type TrainResult } from './train';
import { startAtClickRate } from './zooBlocks';
import { buildModel } from './zooModels';

export interface ZooTraining {
  kind: ModelKind;
  splits: PreparedSplits;
  architecture: Pick<ModelSpec, 'embeddingDim' | 'tower' | 'crossLayers' | 'dropout'>;
  /** Training settings (learning rate and batch size default by kind); `seed` also seeds the initialisation. */
  options: Partial<TrainOptions> & { seed: number };
  /** Where the rows came from, for the metadata. */
  trainFile: string;
  testFile?: string;
}

export async function trainZooModel(
  t: ZooTraining,
): Promise<{ model: LayersModel; meta: StudioMetadata; result: TrainResult; warnings: string[] }> {
  const started = performance.now();
  const { splits } = t;
  const spec: ModelSpec = {
    kind: t.kind,
    fields: splits.encoding.categorical.map((f) => ({ name: f.name, vocabSize: vocabSize(f) })),
    numericWidth: numericWidth(splits.encoding),
    ...t.architecture,
    seed: t.options.seed,
  };
  const model = buildModel(spec);
  // Logistic regression starts at the click rate (see TRAIN_DEFAULTS); the deep models from a logit of about 0.
  if (t.kind === 'lr') startAtClickRate(model, splits.train.labels);
  const options = { ...TRAIN_DEFAULTS[t.kind], ...t.options };
  const result = await trainModel(model, splits.encoding, splits.train, splits.valid, options);
  let evaluation: StudioMetadata['evaluation'];
  // Sentences about degenerate test scores (constant, saturated), said beside the test AUC.
  let warnings: string[] = [];
  if (splits.test) {
    const probs = await predictProbs(model, splits.encoding, splits.test);
    warnings = evaluationWarnings(splits.test.labels, { name: 'the trained model', probabilities: probs });
    evaluation = {
      file: t.testFile ?? '(test split)',
      rows: splits.test.rows,
      auc: auc(splits.test.labels, probs),
      logloss: logLoss(splits.test.labels, probs),
    };
  }
  const { signal: _signal, onEpoch: _onEpoch, onStep: _onStep, ...recorded } = options;
  const meta: StudioMetadata = {
    format: 1,
    studioVersion: STUDIO_VERSION,
    encoding: splits.encoding,
    spec,
    training: {
      trainFile: t.trainFile,
      trainRows: splits.train.rows,
      validRows: splits.valid.rows,
      options: recorded,
      bestEpoch: result.bestEpoch,
      epochs: result.epochs.map(({ epoch, trainLoss, validAuc, validLogloss }) => ({
        epoch,
        trainLoss,
        validAuc,
        validLogloss,
      })),
      seconds: (performance.now() - started) / 1000,
    },
    evaluation,
  };
  return { model, meta, result, warnings };
}
