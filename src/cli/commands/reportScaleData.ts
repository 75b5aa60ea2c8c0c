/**
 * The rows of the scale report: synthetic training and test files written by `synth`'s own writer, read back the
 * way `train` reads them (schema detection, the CLI's reader) with every categorical cell interned (one string
 * per distinct value, a reference per cell), split and encoded by the CLI's own `prepareSplits`, after which the
 * raw rows are dropped and only typed arrays stay. The models are trained by `train`'s code and saved as tfjs
 * layers-models, then loaded back as every command loads a model.
 */
import { concatRaw, openDataset, overridesForSchema, type RawBatch, type SchemaOverrides } from '../../core/data';
import { StudioError } from '../../core/errors';
import { prepareSplits, type PreparedSplits } from '../../core/pipeline/splits';
import { DEFAULT_SPEC, type ModelKind } from '../../core/model/spec';
import { METADATA_KEY } from '../../core/model/metadata';
import { internCategorical } from '../../core/report/intern';
import type { TrainedSummary } from '../../core/report/scale';
import { openDataFile, writeModelDir } from '../../node/files';
import { trainZooModel } from '../../tf/trainZoo';
import { saveModelToArtifacts } from '../../tf/modelio';
import { useBackend } from '../../tf/backend';
import { warnBadRows, type LoadedData } from '../shared/io';

/** A whole data file in one batch, read batch by batch with its categorical cells interned. */
export async function readInterned(file: string, overrides?: SchemaOverrides): Promise<LoadedData> {
  const { schema, batches } = await openDataset(await openDataFile(file), { overrides });
  const pools: Map<string, string>[] = [];
  const parts: RawBatch[] = [];
  for (;;) {
    const step = await batches.next();
    if (step.done) {
      warnBadRows(file, step.value);
      return { file, schema, raw: concatRaw(parts, schema), report: step.value };
    }
    parts.push(internCategorical(step.value, pools));
  }
}

/**
 * The training file's rows split chronologically (the last `validFraction` for early stopping) and the test
 * file's rows, encoded with the encoding fitted on the training slice, exactly as `train --test` does.
 */
export async function readSplits(
  trainFile: string,
  testFile: string,
  opts: { validFraction: number; minCount: number },
): Promise<PreparedSplits & { test: NonNullable<PreparedSplits['test']> }> {
  let train: LoadedData | null = await readInterned(trainFile);
  let test: LoadedData | null = await readInterned(testFile, overridesForSchema(train.schema));
  const splits = prepareSplits(train.raw, train.schema, { raw: test.raw, schema: test.schema }, opts);
  train = null; // the raw rows go; only the encoded ones stay
  test = null;
  if (!splits.test) throw new StudioError('DATA_EMPTY', `${testFile} has no test rows.`);
  return { ...splits, test: splits.test };
}

export interface TrainSettings {
  epochs: number;
  patience: number;
  seed: number;
}

/** Trains a zoo model of this kind on the splits with `train`'s defaults, saves it into `dir`; its summary. */
export async function trainAndSave(
  kind: ModelKind,
  splits: PreparedSplits,
  settings: TrainSettings,
  dir: string,
  files: { train: string; test: string },
): Promise<{ path: string; summary: Omit<TrainedSummary, 'teacherGap'> }> {
  await useBackend('wasm');
  const t0 = performance.now();
  const { model, meta, result, warnings } = await trainZooModel({
    kind,
    splits,
    architecture: {
      embeddingDim: DEFAULT_SPEC.embeddingDim,
      tower: DEFAULT_SPEC.tower,
      crossLayers: DEFAULT_SPEC.crossLayers,
      dropout: DEFAULT_SPEC.dropout,
    },
    options: {
      ...settings,
      onEpoch: (e) =>
        console.error(
          `report: ${kind}: epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}, valid AUC ` +
            `${e.validAuc.toFixed(4)} (${(e.ms / 1000).toFixed(0)} s)`,
        ),
    },
    trainFile: files.train,
    testFile: files.test,
  });
  for (const w of warnings) console.error(`warning: ${kind}: ${w}`);
  const seconds = (performance.now() - t0) / 1000;
  const path = await writeModelDir(dir, await saveModelToArtifacts(model, { [METADATA_KEY]: meta }));
  const params = model.countParams();
  model.dispose();
  return {
    path,
    summary: {
      kind,
      params,
      auc: meta.evaluation?.auc ?? Number.NaN,
      logloss: meta.evaluation?.logloss ?? Number.NaN,
      bestEpoch: result.bestEpoch,
      epochsRun: result.epochs.length,
      seconds,
    },
  };
}
