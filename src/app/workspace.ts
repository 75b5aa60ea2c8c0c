/**
 * What the studio has open: one model (in whatever runtime runs its format) and its rows (a training file,
 * a test file or the tail of the training file), with the encoding that turns rows into the model's inputs
 * (its own, or the columns bound to the inputs of a model made elsewhere). The user's files are only read:
 * every compressed model is built from new artifacts. Runtime-free: the runtimes are handed in.
 */
import {
  bindEncoding,
  encodeBatch,
  overridesForEncoding,
  overridesForSchema,
  sameFeatureColumns,
  type DataInput,
  type DataSchema,
  type EncodedBatch,
  type SchemaOverrides,
} from '../core/data';
import { StudioError } from '../core/errors';
import { METADATA_KEY, readMetadata, recipeOf, requireMetadata, type StudioMetadata } from '../core/model/metadata';
import { STUDIO_VERSION } from '../core/version';
import type { InputFile, OpenedModel } from '../formats';
import { openData, type OpenedData, type ReadMode } from './datasets';
import { splitsOf, type Part, type Splits } from './dataSplits';

export { SPLIT_TEST_FRACTION, splitsOf, type Part, type Splits } from './dataSplits';
import { JobControl, throwIfCancelled } from './jobs';
import { ModelCompressor } from './modelCompressor';
import type { RunnableModel } from './runtime';
import { DESCRIBED_LAYERS, type DataInfo, type DataRole, type ModelInfo, type Progress } from './types';
import { originalNames, withFileNames } from '../formats/keras';

/** Loads an opened model in the runtime of its format. */
export type ModelLoader = (opened: OpenedModel) => Promise<{ model: RunnableModel; notice?: string; backend?: string }>;

/** A data file the workspace can read again (full passes stream it anew). */
export interface DataSource {
  name: string;
  open: () => Promise<DataInput>;
}

/** True when two schemas read a file the same way (columns, kinds, time layouts and parts, libFM layout). */
function sameReading(a: DataSchema, b: DataSchema): boolean {
  const key = (s: DataSchema) => JSON.stringify([s.format, s.delimiter, s.hasHeader, s.columns, s.sparse ?? null]);
  return key(a) === key(b);
}

export const dataSourceOf = (f: InputFile): DataSource => ({
  name: f.name,
  open: () => (f.random ? f.random() : f.stream()),
});

/** The roles of dropped data files: a name with "test" is test rows (once training rows are open). */
export function dataRoles<F extends { name: string }>(
  files: F[],
  hasTrainData: boolean,
): { role: DataRole; file: F }[] {
  if (files.length === 0) return [];
  if (files.length > 2) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `Drop at most two data files (training rows and test rows), not ${files.length}.`,
    );
  }
  if (files.length === 1)
    return [{ role: /test/i.test(files[0].name) && hasTrainData ? 'test' : 'train', file: files[0] }];
  const test = files.find((d) => /test/i.test(d.name)) ?? files[1];
  return [
    { role: 'train', file: files.find((d) => d !== test)! },
    { role: 'test', file: test },
  ];
}

export class Workspace {
  model: RunnableModel | null = null;
  compressor: ModelCompressor | null = null;
  /** The metadata the model came with (its fitted encoding), or null for a model made elsewhere. */
  ownMeta: StudioMetadata | null = null;
  /** What scores rows: ownMeta, or for a model made elsewhere, the open columns bound to its inputs by name. */
  meta: StudioMetadata | null = null;
  modelName = '';
  trainData: OpenedData | null = null;
  testData: OpenedData | null = null;
  encoded: { train: EncodedBatch; test: EncodedBatch } | null = null;
  /** Why the open rows cannot feed the open model (said when scoring is asked for), or null. */
  encodeError: unknown = null;
  /** The open rows' columns fit the model, but a value did not (an id past its table, a missing value). */
  valueRefused = false;
  /** The open rows came after the open model (given for it), rather than being open already (the demo's). */
  rowsForModel = false;
  /** The user's schema edits (kinds, label) for reading files to train a new model on. */
  userSchema: SchemaOverrides = {};
  readonly jobs = new JobControl();
  /** Bumped whenever the model or the rows change: results computed before are stale. */
  generation = 0;

  constructor(private readonly loader: ModelLoader) {}

  // ---- models ------------------------------------------------------------------------------------------

  /** Opens a model read by the format registry; it replaces the open one only once it has loaded. */
  async openModel(opened: OpenedModel): Promise<ModelInfo> {
    const { model, notice, backend } = await this.loader(opened);
    return { ...this.adopt(model, opened.name, notice), ...(notice && backend ? { backend } : {}) };
  }

  /** Makes a loaded model the open one (a model trained in the studio comes this way too). */
  adopt(model: RunnableModel, name: string, notice?: string): ModelInfo {
    let ownMeta: StudioMetadata | null;
    try {
      ownMeta = readMetadata(model.userDefinedMetadata);
      recipeOf(model.userDefinedMetadata, name);
    } catch (e) {
      model.dispose();
      throw e;
    }
    this.model?.dispose();
    this.model = model;
    this.ownMeta = ownMeta;
    this.modelName = name;
    this.rowsForModel = false;
    this.compressor = new ModelCompressor(model);
    this.changed();
    return { ...this.modelInfo(), ...(notice ? { notice } : {}) };
  }

  modelInfo(): ModelInfo {
    const m = this.requireModel();
    const recipe = recipeOf(m.userDefinedMetadata, this.modelName);
    const names = originalNames(m.userDefinedMetadata);
    return {
      name: this.modelName,
      params: m.params,
      layerCount: m.description.layers.length,
      kind: this.ownMeta?.spec?.kind,
      // A compression carries its original's evaluation too; its own AUC is the recipe's.
      recordedAuc: recipe ? (recipe.aucAfter ?? undefined) : this.ownMeta?.evaluation?.auc,
      hasEncoding: this.ownMeta !== null,
      inputs: m.inputs,
      // Layers a Keras file named otherwise carry that name too (the studio shows it beside theirs).
      inventory: withFileNames(m.target.inventory, names),
      // The studio shows the first layers only; sending a 100,000-layer description would block the page.
      description: { ...m.description, layers: withFileNames(m.description.layers.slice(0, DESCRIBED_LAYERS), names) },
      accounting: m.accounting,
      format: m.format,
      capabilities: m.capabilities,
      ...(recipe ? { compression: recipe } : {}),
    };
  }

  requireModel(): RunnableModel {
    if (!this.model) throw new StudioError('INVALID_ARGUMENT', 'No model is open yet; open a model or the demo first.');
    return this.model;
  }

  // ---- data --------------------------------------------------------------------------------------------

  /**
   * Reads training or test rows (a test file replaces the split-off tail). A training file whose feature
   * columns differ from the open test file's closes it, so that the new file's tail is the test split.
   */
  async openData(role: DataRole, source: DataSource, onProgress?: (p: Progress) => void): Promise<DataInfo[]> {
    const data = await this.read(source, this.wantedRead(role), onProgress);
    this.rowsForModel = this.model !== null;
    this.install(role, data);
    this.changed();
    return this.dataInfos();
  }

  /**
   * How files are read for what is open: as the open model's encoding needs, as a model made elsewhere takes
   * its columns, or (no model) as the file itself says, with the user's schema edits.
   */
  private wantedRead(role: DataRole = 'train', train = this.trainData): { mode: ReadMode; overrides: SchemaOverrides } {
    if (this.ownMeta) return { mode: 'model', overrides: overridesForEncoding(this.ownMeta.encoding) };
    if (this.model) return { mode: 'asIs', overrides: { asIs: true } };
    return this.ownRead(role, train);
  }

  /** The file as it says itself with the user's edits; test rows with the training file's kinds. */
  ownRead(role: DataRole = 'train', train = this.trainData): { mode: ReadMode; overrides: SchemaOverrides } {
    if (role === 'test' && train?.mode === 'own') return { mode: 'own', overrides: overridesForSchema(train.schema) };
    return { mode: 'own', overrides: this.userSchema };
  }

  private async read(
    source: DataSource,
    how: { mode: ReadMode; overrides: SchemaOverrides },
    onProgress?: (p: Progress) => void,
  ): Promise<OpenedData> {
    const signal = this.jobs.startLong();
    let data: OpenedData;
    try {
      data = await openData(source.name, source.open, {
        ...how,
        signal,
        onProgress: (rows) => onProgress?.({ stage: `reading ${source.name}`, done: rows, total: rows, unit: 'rows' }),
      });
    } finally {
      this.jobs.endLong(signal);
    }
    // A newer open started while this file was read: the newer one decides what is open.
    throwIfCancelled(signal);
    return data;
  }

  /**
   * Reads the open files again when the open model needs them read another way: a model made elsewhere takes
   * them as they are; a model's own encoding, only when it cannot take them as they were read.
   */
  async rereadOpenData(onProgress?: (p: Progress) => void): Promise<void> {
    if (this.ownMeta && this.encodeError === null) return;
    const again = await this.readAgain((role, t) => this.wantedRead(role, t), onProgress);
    if (!again) return;
    this.trainData = again.train;
    this.testData = again.test;
    this.changed();
  }

  /**
   * The open files as a new model is trained on them (as each file says, with the user's schema edits); the
   * open ones when they already read that way. Nothing open changes: a cancelled training leaves all as it was.
   */
  async readForTraining(onProgress?: (p: Progress) => void): Promise<Splits> {
    const train = this.trainData;
    if (!train) throw new StudioError('INVALID_ARGUMENT', 'Drop a data file first: a model is trained on its rows.');
    const again = await this.readAgain((role, t) => this.ownRead(role, t), onProgress);
    return again ? splitsOf(again.train, again.test) : splitsOf(train, this.testData);
  }

  /** Installs files read for training (the trained model is adopted next, so nothing is recomputed twice). */
  installData(s: Splits): void {
    this.trainData = s.train.data;
    this.testData = s.splitFromTrain ? null : s.test.data;
  }

  /** The open files read again as `how` says, or null when they already read that way. */
  private async readAgain(
    how: (role: DataRole, train: OpenedData) => { mode: ReadMode; overrides: SchemaOverrides },
    onProgress?: (p: Progress) => void,
  ): Promise<{ train: OpenedData; test: OpenedData | null } | null> {
    const train = this.trainData;
    if (!train) return null;
    const test = this.testData;
    const differs = (d: OpenedData, role: DataRole) => !sameReading(d.redetect(how(role, train).overrides), d.schema);
    if (!differs(train, 'train') && !(test && differs(test, 'test'))) return null;
    const t = await this.read(train, how('train', train), onProgress);
    // Test rows follow the new training file's kinds.
    return { train: t, test: test ? await this.read(test, how('test', t), onProgress) : null };
  }

  /** The user's schema edits: kinds and label for the files read for training (see {@link ownSchema}). */
  setUserSchema(overrides: SchemaOverrides): void {
    this.trainData?.redetect(overrides); // a bad edit fails here, before anything changes
    this.userSchema = overrides;
  }

  /** The training file's schema as a new model would be trained on it (detection plus the user's edits). */
  ownSchema(): DataSchema | null {
    return this.trainData ? this.trainData.redetect(this.userSchema) : null;
  }

  private install(role: DataRole, data: OpenedData): void {
    if (role === 'test') this.testData = data;
    else {
      this.trainData = data;
      // A test file with other columns cannot hold the new rows' test rows (the demo's, under a user's own
      // rows for a model made elsewhere, say): the new file's tail becomes the test split.
      if (this.testData && !sameFeatureColumns(this.testData.schema, data.schema)) this.testData = null;
    }
  }

  /** New model or rows: derived results are dropped and the rows are encoded for the model again. */
  private changed(): void {
    this.generation++;
    this.refreshEncoded();
  }

  /**
   * Train rows and test rows (samples in memory, and the file positions they stand for); without a test
   * file, the last SPLIT_TEST_FRACTION of the training file is the test split.
   */
  splits(): Splits | null {
    return this.trainData ? splitsOf(this.trainData, this.testData) : null;
  }

  /**
   * Encodes the open rows for the open model (a model made elsewhere gets the columns named after its inputs).
   * A model and rows that do not fit are both kept (a drop of a new model and its data may arrive in either
   * order); the mismatch is reported when scoring is asked for.
   */
  private refreshEncoded(): void {
    this.encoded = null;
    this.encodeError = null;
    this.valueRefused = false;
    this.meta = this.ownMeta;
    const s = this.splits();
    if (!this.model || !s) return;
    try {
      this.meta ??= {
        format: 1,
        studioVersion: STUDIO_VERSION,
        encoding: bindEncoding(this.model.inputs, s.train.data.schema),
      };
    } catch (e) {
      this.encodeError = e;
      return;
    }
    try {
      const enc = this.meta.encoding;
      this.encoded = {
        train: encodeBatch(enc, s.train.sample, s.train.data.schema),
        test: encodeBatch(enc, s.test.sample, s.test.data.schema),
      };
    } catch (e) {
      this.encodeError = e;
      this.valueRefused = true;
    }
  }

  dataInfos(): DataInfo[] {
    const s = this.splits();
    if (!s) return [];
    const info = (role: DataRole, p: Part, split: boolean): DataInfo => {
      const whole = p.from === 0 && p.to === Infinity;
      let positives = whole ? p.data.positives : 0;
      if (!whole) for (const l of p.sample.labels) positives += l;
      const rows = whole ? p.data.rows : Math.min(p.to, p.data.rows) - p.from;
      const estimate = Math.round((positives / Math.max(1, p.sample.rows)) * rows);
      return {
        role,
        name: p.name,
        rows,
        positives: whole || !p.data.sampled ? positives : estimate,
        sampleRows: p.sample.rows,
        badRows: p.data.report.badRows,
        badExamples: p.data.report.examples.slice(0, 5),
        format: p.data.schema.format,
        ...(split ? { splitFromTrain: true } : {}),
        readAs: p.data.mode,
        ...(role === 'train' ? { schema: p.data.redetect(this.userSchema) } : {}),
      };
    };
    return [info('train', s.train, false), info('test', s.test, s.splitFromTrain)];
  }

  /** True when the open model cannot score the open rows (no data, no encoding): compression is data-free. */
  get dataFree(): boolean {
    return !this.meta || !this.encoded || this.encodeError !== null;
  }

  /** The open model, the encoding that feeds it and the rows in memory; what is missing is one sentence. */
  ready(): {
    model: RunnableModel;
    meta: StudioMetadata;
    rows: { train: EncodedBatch; test: EncodedBatch };
    c: ModelCompressor;
  } {
    const model = this.requireModel();
    const meta = requireMetadata(this.meta ? { [METADATA_KEY]: this.meta } : undefined, this.modelName);
    if (this.encodeError) throw this.encodeError;
    if (!this.encoded)
      throw new StudioError('INVALID_ARGUMENT', 'No rows are loaded yet; drop a data file or open the demo.');
    return { model, meta, rows: this.encoded, c: this.compressor! };
  }
}
