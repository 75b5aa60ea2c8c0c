/** `ctr-studio train`: trains a zoo model on a data file and saves it as a tfjs layers-model. */
import { DATA_FORMATS } from '../../core/data';
import { intListArg, numberArg, type CommandDef, type ParsedArgs, type Command } from '../shared/args';
import { StudioError } from '../../core/errors';
import { prepareSplits } from '../../core/pipeline/splits';
import { DEFAULT_SPEC, MODEL_KINDS, TRAIN_DEFAULTS, type ModelKind } from '../../core/model/spec';
import { METADATA_KEY } from '../../core/model/metadata';
import { DEFAULT_TRAIN } from '../../tf/train';
import { trainZooModel } from '../../tf/trainZoo';
import { saveModelToArtifacts } from '../../tf/modelio';
import { useBackend } from '../../tf/backend';
import { writeModelDir } from '../../node/files';
import { loadData, printJson, printWarnings, round } from '../shared/io';
import { printSchema, SCHEMA_OPTIONS, schemaOverridesArg } from '../shared/schemaOptions';
import { overridesForSchema } from '../../core/data';

/** A training default as help says it: the common value, then the kinds that differ ("256; 2048 for lr"). */
function byKind(key: 'batchSize' | 'learningRate'): string {
  const common = TRAIN_DEFAULTS.deepfm[key];
  const others = MODEL_KINDS.filter((k) => TRAIN_DEFAULTS[k][key] !== common);
  return [String(common), ...others.map((k) => `${TRAIN_DEFAULTS[k][key]} for ${k}`)].join('; ');
}

const def: CommandDef = {
  name: 'train',
  summary: 'train a CTR model (DeepFM, DCNv2, Wide&Deep, DNN, LR) and save it as a tfjs layers-model',
  usage:
    'ctr-studio train --model deepfm|dcnv2|widedeep|dnn|lr --train FILE [--test FILE | --test-fraction F] --out DIR',
  options: [
    { name: 'model', value: 'KIND', help: `model architecture: ${MODEL_KINDS.join(', ')}`, required: true },
    { name: 'train', value: 'FILE', help: `training rows: ${DATA_FORMATS}`, required: true },
    { name: 'test', value: 'FILE', help: 'test rows, scored after training' },
    { name: 'test-fraction', value: 'F', help: 'without --test: hold out this last fraction of the training file' },
    {
      name: 'out',
      value: 'DIR',
      help: 'folder for model.json and its weight file (or a .zip to write them into)',
      required: true,
    },
    ...SCHEMA_OPTIONS,
    {
      name: 'embedding-dim',
      value: 'D',
      help: 'embedding dimension per field',
      default: String(DEFAULT_SPEC.embeddingDim),
    },
    { name: 'tower', value: 'W,W,...', help: 'deep tower widths', default: DEFAULT_SPEC.tower.join(',') },
    { name: 'cross-layers', value: 'L', help: 'DCNv2 cross layers', default: String(DEFAULT_SPEC.crossLayers) },
    { name: 'dropout', value: 'P', help: 'dropout after each tower layer', default: String(DEFAULT_SPEC.dropout) },
    {
      name: 'epochs',
      value: 'N',
      help: 'most epochs (early stopping may stop sooner)',
      default: String(DEFAULT_TRAIN.epochs),
    },
    { name: 'batch-size', value: 'B', help: `rows per step (default ${byKind('batchSize')})` },
    { name: 'learning-rate', value: 'LR', help: `Adam learning rate (default ${byKind('learningRate')})` },
    {
      name: 'patience',
      value: 'N',
      help: 'epochs without a gain in validation log loss before stopping',
      default: String(DEFAULT_TRAIN.patience),
    },
    {
      name: 'checks-per-epoch',
      value: 'N',
      help: 'validation checks per epoch (best one kept)',
      default: String(DEFAULT_TRAIN.checksPerEpoch),
    },
    { name: 'l2', value: 'X', help: 'L2 penalty on all weights', default: String(DEFAULT_TRAIN.l2) },
    {
      name: 'valid-fraction',
      value: 'F',
      help: 'last fraction of the training rows used for early stopping',
      default: '0.1',
    },
    {
      name: 'min-count',
      value: 'N',
      help: 'categorical values seen fewer times get the out-of-vocabulary id',
      default: '10',
    },
    { name: 'seed', value: 'S', help: 'seed of initialisation and shuffling', default: '42' },
    { name: 'quiet', help: 'no per-epoch progress on stderr' },
  ],
  notes:
    'Splits are chronological: the validation (and --test-fraction) rows are the tail ' +
    'of the file.\nPrints a JSON summary on stdout.',
};

async function run(args: ParsedArgs): Promise<void> {
  const kind = String(args.model) as ModelKind;
  if (!MODEL_KINDS.includes(kind)) {
    throw new StudioError('USAGE', `--model must be one of ${MODEL_KINDS.join(', ')}, not "${kind}".`);
  }
  if (args.test && args['test-fraction']) {
    throw new StudioError('USAGE', 'Give either --test or --test-fraction, not both.');
  }
  const started = performance.now();
  const seed = numberArg(args, 'seed', { integer: true, min: 0 })!;
  const trainOpts = {
    epochs: numberArg(args, 'epochs', { integer: true, min: 1 })!,
    batchSize: numberArg(args, 'batch-size', { integer: true, min: 1 }) ?? TRAIN_DEFAULTS[kind].batchSize,
    learningRate: numberArg(args, 'learning-rate', { min: 0 }) ?? TRAIN_DEFAULTS[kind].learningRate,
    patience: numberArg(args, 'patience', { integer: true, min: 1 })!,
    checksPerEpoch: numberArg(args, 'checks-per-epoch', { integer: true, min: 1 })!,
    l2: numberArg(args, 'l2', { min: 0 })!,
    seed,
  };
  const overrides = await schemaOverridesArg(args);
  const trainData = await loadData(String(args.train), overrides);
  printSchema(trainData.file, trainData.schema);
  // The test rows are read with the training file's kinds, not with what detection makes of their own rows.
  const testData = args.test ? await loadData(String(args.test), overridesForSchema(trainData.schema)) : null;
  const splits = prepareSplits(
    trainData.raw,
    trainData.schema,
    testData && { raw: testData.raw, schema: testData.schema },
    {
      validFraction: numberArg(args, 'valid-fraction', { min: 0.01, max: 0.5 })!,
      testFraction: numberArg(args, 'test-fraction', { min: 0.01, max: 0.9 }),
      minCount: numberArg(args, 'min-count', { integer: true, min: 1 })!,
    },
  );
  await useBackend('wasm');
  const quiet = Boolean(args.quiet);
  const { model, meta, result, warnings } = await trainZooModel({
    kind,
    splits,
    architecture: {
      embeddingDim: numberArg(args, 'embedding-dim', { integer: true, min: 1 })!,
      tower: intListArg(args, 'tower')!,
      crossLayers: numberArg(args, 'cross-layers', { integer: true, min: 0 })!,
      dropout: numberArg(args, 'dropout', { min: 0, max: 0.95 })!,
    },
    options: {
      ...trainOpts,
      onEpoch: (e) => {
        if (!quiet)
          console.error(
            `epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}, valid AUC ` +
              `${e.validAuc.toFixed(4)}, valid log loss ${e.validLogloss.toFixed(4)} ` +
              `(${(e.ms / 1000).toFixed(1)} s)`,
          );
      },
    },
    trainFile: trainData.file,
    testFile: testData?.file ?? `${trainData.file} (last ${args['test-fraction']})`,
  });
  const evaluation = meta.evaluation;
  const seconds = (performance.now() - started) / 1000;
  const path = await writeModelDir(String(args.out), await saveModelToArtifacts(model, { [METADATA_KEY]: meta }));
  printJson({
    model: path,
    kind,
    params: model.countParams(),
    trainRows: splits.train.rows,
    validRows: splits.valid.rows,
    bestEpoch: result.bestEpoch,
    seconds: round(seconds, 1),
    test: evaluation && { rows: evaluation.rows, auc: round(evaluation.auc), logloss: round(evaluation.logloss) },
    warnings: printWarnings(warnings),
  });
}

export const trainCommand: Command = { def, run };
