/**
 * `ctr-studio report --scale`: the paper's headline where the deep model matters. Synthetic rows from the planted
 * deep teacher (its own AUC is the best any model can reach), logistic regression, DeepFM and DCNv2 trained on
 * them by the CLI's training code, then for DeepFM and DCNv2 the report's variants at each fraction of the
 * parameters (SVD, AFM, Fisher-weighted SVD, AFM + fine-tune, AFM + activation + fine-tune, auto-ranked AFM),
 * and a rank sweep of AFM against SVD drawn as an SVG. Time and peak resident memory of every phase are
 * reported. Rows are kept only as encoded typed arrays (see reportScaleData.ts). A rerun with the same settings
 * reuses the synthetic files and the trained models already in --work (each carries a record of what made it).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../node/atomic';
import { intListArg, numberArg, type OptionDef, type ParsedArgs } from '../shared/args';
import { StudioError } from '../../core/errors';
import { auc, delong } from '../../core/metrics';
import { STUDIO_VERSION } from '../../core/version';
import { DEFAULT_METHOD, getMethod } from '../../core/compress/methods';
import type { ModelKind } from '../../core/model/spec';
import type { EncodedBatch } from '../../core/data';
import { ModelCompressor } from '../../app/modelCompressor';
import { runSweep } from '../../app/sweep';
import { rankChartSvg } from '../../core/report/rankChart';
import { fractionTag, plural, scaleMarkdown, type ScaleReport, type TrainedSummary } from '../../core/report/scale';
import { type CompressionSession, sampleRows } from '../shared/compression';
import { loadStudioModel, printJson, round } from '../shared/io';
import { measureVariants, reportVariants, type Recipe } from './reportMeasure';
import {
  fileFingerprint,
  readSplits,
  synthOnce,
  trainAndSave,
  trainedBefore,
  type TrainingKey,
} from './reportScaleData';

export const SCALE_OPTIONS: OptionDef[] = [
  { name: 'scale', help: 'the scale benchmark on synthetic rows from the deep teacher (options below)' },
  { name: 'train-rows', value: 'N', help: '--scale: synthetic training rows', default: '1000000' },
  { name: 'test-rows', value: 'N', help: '--scale: synthetic test rows', default: '200000' },
  { name: 'strength', value: 'F', help: "--scale: the deep teacher's signal (synth --strength)", default: '1' },
  { name: 'cardinality-scale', value: 'F', help: '--scale: synth --cardinality-scale', default: '0.001' },
  { name: 'epochs', value: 'N', help: '--scale: most training epochs of DeepFM and DCNv2', default: '2' },
  { name: 'lr-epochs', value: 'N', help: '--scale: most training epochs of logistic regression', default: '8' },
  // No default here: the demo report reads --calibration-rows as compress does (absent: every training row).
  { name: 'calibration-rows', value: 'N', help: '--scale: training rows for AFM statistics (default 100000)' },
  { name: 'fine-tune-rows', value: 'N', help: '--scale: training rows fine-tuned on (1 epoch)', default: '200000' },
  { name: 'fractions', value: 'F,F', help: '--scale: fractions of the parameters', default: '0.3333,0.2' },
  { name: 'sweep-ranks', value: 'K,K,...', help: '--scale: dense ranks of the sweep', default: '4,8,16,32,64,128' },
  {
    name: 'work',
    value: 'DIR',
    help: '--scale: folder for the synthetic files and models (reused by a rerun with the same settings)',
    default: '.scratch/scale',
  },
  {
    name: 'from-json',
    value: 'FILE',
    help: '--scale: write scale.md again from a scale.json (no run), e.g. after the Markdown changed',
  },
  { name: 'out-dir', value: 'DIR', help: '--scale: folder for scale.md, scale.json and charts', default: 'docs/scale' },
];

const ZIPF = 1.15;
const SCALE_CALIBRATION_ROWS = 100_000;
const SEEDS = { train: 1, test: 2 };
/** How the training file is split and encoded (as `train`'s defaults). */
const SPLIT = { validFraction: 0.1, minCount: 10 };
const COMPRESSED: ModelKind[] = ['deepfm', 'dcnv2'];

/** Phases with their time and the process's resident memory (now and peak). */
function phaseClock() {
  const start = performance.now();
  let last = start;
  const phases: ScaleReport['phases'] = [];
  const peakMb = () => process.resourceUsage().maxRSS / 1024;
  return {
    phases,
    peakMb,
    total: () => (performance.now() - start) / 1000,
    mark(name: string) {
      const now = performance.now();
      const p = { name, seconds: (now - last) / 1000, rssMb: process.memoryUsage().rss / 2 ** 20, peakRssMb: peakMb() };
      phases.push(p);
      last = now;
      console.error(
        `report: ${name}: ${p.seconds.toFixed(0)} s, RSS ${p.rssMb.toFixed(0)} MB (peak ${p.peakRssMb.toFixed(0)})`,
      );
    },
  };
}

function fractionsArg(args: ParsedArgs): number[] {
  const fs = String(args.fractions).split(',').map(Number);
  if (fs.some((f) => !(f > 0 && f < 1)))
    throw new StudioError(
      'USAGE',
      `--fractions must list fractions in (0, 1), such as 0.3333,0.2, not "${args.fractions}".`,
    );
  return fs;
}

/**
 * A compression session over rows already in memory (samples of the training rows, the validation and test rows):
 * the report's measurements run on it unchanged.
 */
function memorySession(
  loaded: CompressionSession['loaded'],
  rows: {
    valid: EncodedBatch;
    test: EncodedBatch;
    calibration: EncodedBatch;
    fineTune: EncodedBatch;
  },
): CompressionSession {
  return {
    loaded,
    compressor: new ModelCompressor(loaded.model),
    seed: 42,
    calibration: async () => rows.calibration,
    trainRows: async () => {
      // Compression reads only the samples below; the full training rows are released before it starts.
      throw new StudioError('INTERNAL', 'The scale report keeps only samples of the training rows for compression.');
    },
    fineTuneRows: async () => ({ train: rows.fineTune, valid: rows.valid }),
    testRows: async () => rows.test,
    async *testStream() {
      yield rows.test;
    },
  };
}

/** The report before any model is trained: the data and the settings. */
function newReport(
  d: { trainRows: number; testRows: number; validRows: number; clicks: number; teacherAuc: number } & {
    strength: number;
    cardinalityScale: number;
  },
  settings: ScaleReport['settings'],
  phases: ScaleReport['phases'],
): ScaleReport {
  return {
    command: `npx ctr-studio report ${process.argv.slice(3).join(' ')}`,
    version: STUDIO_VERSION,
    date: new Date().toISOString().slice(0, 10),
    data: {
      trainRows: d.trainRows,
      validRows: d.validRows,
      testRows: d.testRows,
      clickRate: d.clicks / d.testRows,
      teacherAuc: d.teacherAuc,
      strength: d.strength,
      cardinalityScale: d.cardinalityScale,
      zipf: ZIPF,
      seeds: SEEDS,
    },
    settings,
    trained: [],
    comparisons: [],
    tables: [],
    sweeps: [],
    phases,
    peakRssMb: 0,
    totalSeconds: 0,
  };
}

/** `--from-json`: the Markdown written again from a run's JSON. */
async function rerender(json: string, outDir: string): Promise<void> {
  const report = JSON.parse(await readFile(json, 'utf8')) as ScaleReport;
  await writeFileAtomic(join(outDir, 'scale.md'), scaleMarkdown(report));
}

export async function runScaleReport(args: ParsedArgs): Promise<void> {
  if (args['from-json']) return rerender(String(args['from-json']), String(args['out-dir']));
  const clock = phaseClock();
  const int = (name: string, min = 1) => numberArg(args, name, { integer: true, min })!;
  const [trainRows, testRows, emb, runs] = [
    int('train-rows', 100),
    int('test-rows', 100),
    int('embedding-rank'),
    int('runs'),
  ];
  const fractions = fractionsArg(args);
  const sweepRanks = intListArg(args, 'sweep-ranks')!;
  const work = String(args.work);
  const outDir = String(args['out-dir']);
  await mkdir(work, { recursive: true });
  await mkdir(outDir, { recursive: true });
  const synth = {
    teacher: 'deep' as const,
    strength: numberArg(args, 'strength', { min: 0 })!,
    cardinalityScale: numberArg(args, 'cardinality-scale', { min: 1e-9 })!,
    zipf: ZIPF,
  };
  const files = { train: join(work, 'train.tsv'), test: join(work, 'test.tsv') };
  const trainFile = await synthOnce(files.train, { ...synth, rows: trainRows, seed: SEEDS.train });
  const testFile = await synthOnce(files.test, { ...synth, rows: testRows, seed: SEEDS.test });
  const teacherAuc = auc(testFile.labels, testFile.probabilities);
  const reused = trainFile.reused && testFile.reused;
  clock.mark(`${reused ? 'reuse the synthetic files of' : 'synthesise'} ${trainRows} + ${testRows} rows`);
  let splits: Awaited<ReturnType<typeof readSplits>> | null = await readSplits(files.train, files.test, SPLIT);
  if (splits.test.rows !== testRows)
    throw new StudioError('DATA_MOSTLY_BAD', `Read ${splits.test.rows} of the ${testRows} synthetic test rows.`);
  clock.mark('read, fit the encoding, encode');
  const report = newReport(
    { trainRows, testRows, validRows: splits.valid.rows, clicks: testFile.clicks, teacherAuc, ...synth },
    {
      epochs: int('epochs'),
      calibrationRows: Math.min(
        numberArg(args, 'calibration-rows', { integer: true, min: 1 }) ?? SCALE_CALIBRATION_ROWS,
        splits.train.rows,
      ),
      fineTuneRows: Math.min(int('fine-tune-rows'), splits.train.rows),
      fractions,
      embeddingRank: emb,
    },
    clock.phases,
  );
  const flush = async () => {
    report.peakRssMb = clock.peakMb();
    report.totalSeconds = clock.total();
    await writeFileAtomic(join(outDir, 'scale.md'), scaleMarkdown(report));
    await writeFileAtomic(join(outDir, 'scale.json'), JSON.stringify(report, null, 2));
  };
  const paths = await trainAll(splits, { epochs: report.settings.epochs, lrEpochs: int('lr-epochs') }, work, files, {
    report,
    clock,
    teacherProbs: testFile.probabilities,
  });
  await flush();
  const rows = {
    valid: splits.valid,
    test: splits.test,
    calibration: sampleRows(splits.train, report.settings.calibrationRows, 42),
    fineTune: sampleRows(splits.train, report.settings.fineTuneRows, 43),
  };
  splits = null; // from here on only the samples: the full training rows are released before compression
  for (const kind of COMPRESSED) {
    await compressKind(kind, paths.get(kind)!, rows, { fractions, emb, runs, sweepRanks, teacherAuc, outDir }, report);
    clock.mark(`compress ${kind}: ${report.tables.at(-1)!.rows.length} variants, sweep of ${sweepRanks.length} ranks`);
    await flush();
  }
  await flush();
  printJson({
    out: join(outDir, 'scale.md'),
    teacherAuc: round(teacherAuc, 4),
    trained: report.trained.map((t) => ({ kind: t.kind, auc: round(t.auc, 4) })),
    seconds: round(report.totalSeconds, 0),
    peakRssMb: round(report.peakRssMb, 0),
  });
}

type Clock = ReturnType<typeof phaseClock>;

/**
 * Trains logistic regression, DeepFM and DCNv2 (each saved under `work`), scores each on the test rows, and
 * compares them by DeLong: each deep model against LR, DCNv2 against DeepFM, the teacher against each.
 */
async function trainAll(
  splits: Awaited<ReturnType<typeof readSplits>>,
  epochs: { epochs: number; lrEpochs: number },
  work: string,
  files: { train: string; test: string },
  into: { report: ScaleReport; clock: Clock; teacherProbs: Float32Array },
): Promise<Map<ModelKind, string>> {
  const { report, clock } = into;
  const teacherAuc = report.data.teacherAuc;
  const paths = new Map<ModelKind, string>();
  const probs = new Map<string, Float32Array>([['teacher', into.teacherProbs]]);
  const data = { train: await fileFingerprint(files.train), test: await fileFingerprint(files.test), split: SPLIT };
  for (const kind of ['lr', ...COMPRESSED] as ModelKind[]) {
    const settings = { epochs: kind === 'lr' ? epochs.lrEpochs : epochs.epochs, patience: 2, seed: 42 };
    const key: TrainingKey = { kind, ...data, settings };
    const dir = join(work, kind);
    const before = await trainedBefore(dir, key, splits.encoding);
    if (before) console.error(`report: ${kind}: reusing the model trained before in ${dir} (same data and settings)`);
    const { path, summary } = before ?? (await trainAndSave(key, splits, dir, files));
    paths.set(kind, path);
    const loaded = await loadStudioModel(path);
    probs.set(kind, await loaded.model.probabilities(loaded.meta.encoding, splits.test));
    loaded.model.dispose();
    const trained: TrainedSummary = { ...summary, teacherGap: teacherAuc - summary.auc };
    report.trained.push(trained);
    clock.mark(`${before ? 'reuse' : 'train'} ${kind} (${plural(summary.epochsRun, 'epoch')})`);
  }
  const pairs = [
    ...COMPRESSED.map((k) => ['lr', k]),
    ['deepfm', 'dcnv2'],
    ...['lr', ...COMPRESSED].map((k) => [k, 'teacher']),
  ];
  for (const [a, b] of pairs) {
    const d = delong(splits.test.labels, probs.get(a)!, probs.get(b)!);
    report.comparisons.push({ a, b, diff: d.diff, low: d.low, high: d.high, p: d.p });
  }
  return paths;
}

/** One model's table (every variant at every fraction) and its rank sweep with the chart. */
async function compressKind(
  kind: ModelKind,
  path: string,
  rows: Parameters<typeof memorySession>[1],
  o: { fractions: number[]; emb: number; runs: number; sweepRanks: number[]; teacherAuc: number; outDir: string },
  report: ScaleReport,
): Promise<void> {
  const loaded = await loadStudioModel(path);
  const s = memorySession(loaded, rows);
  const tune: Recipe = { label: `Adam 1e-3, 1 epoch, ${rows.fineTune.rows} rows`, options: {} };
  const measured = await measureVariants(s, {
    id: kind,
    variants: (c) =>
      o.fractions.flatMap((f) => {
        const base = { method: DEFAULT_METHOD.id, denseRank: null, embeddingRank: o.emb };
        const dense = c.denseRankForFraction(base, f);
        if (dense === null) {
          console.error(
            `warning: ${kind}: no dense rank fits ${fractionTag(f)} of the parameters at embedding rank ${o.emb}.`,
          );
          return [];
        }
        return reportVariants(c, { dense, embedding: o.emb }, [tune], tune, `${fractionTag(f)}: `);
      }),
    budgets: (c) => o.fractions.map((f) => ({ tag: `${fractionTag(f)}: `, budget: Math.floor(f * c.originalParams) })),
    runs: o.runs,
    onRow: (row) => {
      row.teacherGap = o.teacherAuc - row.auc;
    },
  });
  report.tables.push({ model: kind, rows: measured.rows, note: measured.note });
  const points = await runSweep(s.compressor, loaded.meta.encoding, measured.test, measured.base, {
    methods: ['afm', 'svd'],
    denseRanks: o.sweepRanks,
    embeddingRanks: [o.emb],
    onPoint: (p, done, total) =>
      console.error(`report: ${kind}: sweep [${done}/${total}] ${p.method} ${p.denseRank}: ${p.auc.toFixed(4)}`),
  });
  const chart = `rank-sweep-${kind}.svg`;
  const series = ['afm', 'svd'].map((m) => ({
    label: getMethod(m).label,
    color: getMethod(m).color,
    points: points.filter((p) => p.method === m),
  }));
  const svg = rankChartSvg(series, {
    title: `${kind}: test AUC against dense rank (embedding rank ${o.emb}, ${measured.test.rows} test rows)`,
    originalAuc: measured.base.auc,
    teacherAuc: o.teacherAuc,
  });
  await writeFileAtomic(join(o.outDir, chart), svg);
  report.sweeps.push({
    model: kind,
    embeddingRank: o.emb,
    chart,
    points: points.map(({ method, denseRank, embeddingRank, params, auc: a, delong: d }) => ({
      method,
      denseRank,
      embeddingRank,
      params,
      auc: a,
      delong: d,
    })),
  });
  s.compressor.model.dispose();
}
