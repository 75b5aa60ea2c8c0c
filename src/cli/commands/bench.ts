/**
 * `ctr-studio bench`: the project's benchmark on this machine (not a test): eigensolver speed and accuracy,
 * statistics throughput, end-to-end AFM compression of the demo DeepFM, and inference throughput of the
 * original and compressed models at batch 1 and 2048 (wasm backend), medians after warm-up; then the same
 * pipeline in NumPy/LAPACK (./benchReference) when python3 with NumPy is present, and each stage's ratio to it.
 */
import { writeFileAtomic } from '../../node/atomic';
import { cpus } from 'node:os';
import type { CommandDef, ParsedArgs, Command } from '../shared/args';
import { benchLinalg, type LinalgBench } from '../../core/linalg';
import { STUDIO_VERSION } from '../../core/version';
import { ModelCompressor } from '../../app/modelCompressor';
import type { RunnableModel } from '../../app/runtime';
import { DEFAULT_METHOD } from '../../core/compress/methods';
import type { ModelArtifacts } from '../../core/layers/artifacts';
import { exportOnnx } from '../../core/onnx/export';
import { loadOnnxNode } from '../../ort/node';
import type { UniformPlan } from '../../core/compress/plan';
import type { EncodedBatch, FeatureEncoding } from '../../core/data';
import { tf } from '../../tf/tfjs';
import { numberArg } from '../shared/args';
import { printJson, round } from '../shared/io';
import { openCompression, rankArg } from '../shared/compression';
import { agreement, runReference, type ReferenceResult } from './benchReference';

const def: CommandDef = {
  name: 'bench',
  summary: 'benchmark this machine: eigensolver, statistics, end-to-end compression, inference (JSON)',
  usage: 'ctr-studio bench [--report R.json]',
  options: [
    { name: 'report', value: 'R.json', help: 'where to write the JSON report' },
    { name: 'model', value: 'PATH', help: 'model to compress and time', default: 'public/demo/models/deepfm' },
    { name: 'train', value: 'FILE', help: 'calibration rows', default: 'public/demo/criteo/train.tsv' },
    { name: 'test', value: 'FILE', help: 'rows for inference timing', default: 'public/demo/criteo/test.tsv' },
    { name: 'dense-rank', value: 'K', help: 'Dense rank of the compressed model', default: '64' },
    { name: 'embedding-rank', value: 'K', help: 'embedding rank of the compressed model', default: '4' },
    { name: 'runs', value: 'N', help: 'timed runs per measurement (median reported)', default: '5' },
    { name: 'numpy-threads', value: 'N', help: "threads of the NumPy reference's BLAS (default: NumPy's own)" },
  ],
  notes:
    'Takes about a minute. Timings are medians of --runs runs after warm-up; the machine should be otherwise idle. ' +
    'With python3 and NumPy, the same pipeline runs in NumPy (scripts/reference/afm_numpy.py) and each stage ' +
    'is printed as a ratio to it (ours / NumPy: lower is better).',
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

type Stages = { statistics: number; decomposition: number; rewrite: number; load: number; total: number };

/**
 * End-to-end compression, from the loaded model to the loaded compressed model, on a fresh compressor each
 * run (so every decomposition is computed every time); run 0 is a warm-up.
 */
async function timeCompression(
  original: RunnableModel,
  encoding: FeatureEncoding,
  calibration: EncodedBatch,
  plan: UniformPlan,
  runs: number,
  log: (s: string) => void,
) {
  const stages: Stages[] = [];
  let last: { params: number; model: RunnableModel | null; compressor: ModelCompressor | null } = {
    params: 0,
    model: null,
    compressor: null,
  };
  for (let r = 0; r <= runs; r++) {
    const t0 = performance.now();
    const c = new ModelCompressor(original);
    await c.collect(encoding, calibration);
    const t1 = performance.now();
    c.decomposeAll(plan.method);
    const t2 = performance.now();
    const built = c.build(c.uniformPlan(plan));
    const t3 = performance.now();
    const model = await c.load(built);
    const t4 = performance.now();
    const stage = { statistics: t1 - t0, decomposition: t2 - t1, rewrite: t3 - t2, load: t4 - t3, total: t4 - t0 };
    if (r > 0) stages.push(stage);
    last.model?.dispose();
    last = { params: built.params, model, compressor: c };
    log(`compress run ${r}${r === 0 ? ' (warm-up)' : ''}: ${(t4 - t0).toFixed(0)} ms`);
  }
  return { stages, last };
}

/**
 * Statistics of the same model as an ONNX graph run as it is in onnxruntime-web (the model exported to ONNX
 * in memory, its encoding in the ONNX metadata): median ms over the same calibration rows.
 */
async function timeOnnxStatistics(
  original: RunnableModel,
  encoding: FeatureEncoding,
  calibration: EncodedBatch,
  runs: number,
  log: (s: string) => void,
): Promise<number> {
  const artifacts = (await original.payload()) as ModelArtifacts;
  const onnx = await loadOnnxNode(exportOnnx(artifacts), 'model.onnx');
  const times: number[] = [];
  try {
    for (let r = 0; r <= runs; r++) {
      const c = new ModelCompressor(onnx);
      const t0 = performance.now();
      await c.collect(encoding, calibration);
      if (r > 0) times.push(performance.now() - t0);
      log(`ONNX statistics run ${r}${r === 0 ? ' (warm-up)' : ''}: ${(performance.now() - t0).toFixed(0)} ms`);
    }
  } finally {
    onnx.dispose();
  }
  return median(times);
}

/** Rows per second of the original and the compressed model at batch 1 and 2048. */
async function timeInference(
  original: RunnableModel,
  compressed: RunnableModel,
  encoding: FeatureEncoding,
  test: EncodedBatch,
  runs: number,
  log: (s: string) => void,
) {
  const inference = [];
  for (const batchSize of [1, 2048]) {
    const a = await original.throughput(encoding, test, batchSize, { runs });
    const b = await compressed.throughput(encoding, test, batchSize, { runs });
    inference.push({
      batchSize,
      originalRowsPerSec: a.rowsPerSec,
      compressedRowsPerSec: b.rowsPerSec,
      speedup: b.rowsPerSec / a.rowsPerSec,
    });
    log(`inference batch ${batchSize}: ${a.rowsPerSec.toFixed(0)} → ${b.rowsPerSec.toFixed(0)} rows/s`);
  }
  return inference;
}

type MedianMs = Record<keyof Stages, number>;

/** Each stage's time over NumPy's (ours / NumPy: 3 means three times slower), from the same bench run. */
function ratios(ours: MedianMs, linalg: LinalgBench, ref: ReferenceResult) {
  if (!ref.ms) return null;
  return {
    statistics: ours.statistics / ref.ms.statistics,
    decomposition: ours.decomposition / ref.ms.decomposition,
    whole: ours.total / ref.ms.total,
    eig400: ref.eig400Ms ? linalg.eig400Ms / ref.eig400Ms : null,
    eig1024: ref.eig1024Ms ? linalg.eig1024Ms / ref.eig1024Ms : null,
  };
}

/** The summary printed on stdout (the JSON report holds everything). */
function summary(report: ReturnType<typeof buildReport>) {
  const { linalg, statistics, compress, inference, reference } = report;
  const r2 = (x: number | null | undefined) => (x === null || x === undefined ? null : round(x, 2));
  return {
    eig400Ms: round(linalg.eig400Ms, 1),
    eig1024Ms: round(linalg.eig1024Ms, 1),
    eigResidual: [linalg.eig400Residual, linalg.eig1024Residual],
    statisticsRowsPerSec: round(statistics.rowsPerSec, 0),
    onnxStatisticsMs: round(statistics.onnxMs, 1),
    onnxStatisticsRatio: r2(statistics.onnxRatio),
    compressMs: Object.fromEntries(Object.entries(compress.medianMs).map(([k, v]) => [k, round(v, 1)])),
    paramRatio: round(compress.paramRatio, 4),
    inference: inference.map((i) => ({
      batch: i.batchSize,
      original: round(i.originalRowsPerSec, 0),
      compressed: round(i.compressedRowsPerSec, 0),
      speedup: r2(i.speedup),
    })),
    numpy: reference.result.skipped
      ? { skipped: reference.result.skipped }
      : {
          ms: Object.fromEntries(Object.entries(reference.result.ms ?? {}).map(([k, v]) => [k, round(v, 1)])),
          eig400Ms: r2(reference.result.eig400Ms),
          eig1024Ms: r2(reference.result.eig1024Ms),
          threads: reference.result.threads,
          ratio: reference.ratio && Object.fromEntries(Object.entries(reference.ratio).map(([k, v]) => [k, r2(v)])),
          agreement: reference.agreement,
        },
  };
}

interface Measured {
  args: ParsedArgs;
  runs: number;
  linalg: LinalgBench;
  rows: number;
  med: MedianMs;
  params: { before: number; after: number };
  plan: UniformPlan;
  inference: Awaited<ReturnType<typeof timeInference>>;
  onnxStatisticsMs: number;
  reference: { result: ReferenceResult; ratio: ReturnType<typeof ratios>; agreement: number | null };
}

function buildReport(m: Measured) {
  const { med, rows } = m;
  return {
    tool: 'ctr-studio bench',
    version: STUDIO_VERSION,
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, backend: tf.getBackend() },
    runs: m.runs,
    linalg: m.linalg,
    statistics: {
      rows,
      ms: med.statistics,
      rowsPerSec: (rows / med.statistics) * 1000,
      onnxMs: m.onnxStatisticsMs,
      onnxRatio: m.onnxStatisticsMs / med.statistics,
    },
    compress: {
      model: String(m.args.model),
      plan: m.plan,
      calibrationRows: rows,
      paramsBefore: m.params.before,
      paramsAfter: m.params.after,
      paramRatio: m.params.after / m.params.before,
      medianMs: med,
    },
    inference: m.inference,
    reference: m.reference,
  };
}

async function run(args: ParsedArgs): Promise<void> {
  const runs = numberArg(args, 'runs', { integer: true, min: 1 })!;
  const log = (s: string) => console.error(`bench: ${s}`);
  const linalg = await benchLinalg({ runs, onProgress: (s) => log(s) });
  const s = await openCompression(args);
  const { loaded } = s;
  const calibration = await s.trainRows();
  const test = await s.testRows();
  const encoding = loaded.meta.encoding;
  const plan = {
    method: DEFAULT_METHOD.id,
    denseRank: rankArg(args, 'dense-rank'),
    embeddingRank: rankArg(args, 'embedding-rank'),
  };

  const { stages, last } = await timeCompression(s.loaded.model, encoding, calibration, plan, runs, log);
  const compressed = last.model!;
  const inference = await timeInference(loaded.model, compressed, encoding, test, runs, log);
  compressed.dispose();
  const keys = ['statistics', 'decomposition', 'rewrite', 'load', 'total'] as const;
  const med = Object.fromEntries(keys.map((k) => [k, median(stages.map((x) => x[k]))])) as MedianMs;
  const onnxStatisticsMs = await timeOnnxStatistics(loaded.model, encoding, calibration, runs, log);
  log('NumPy reference');
  const threads = numberArg(args, 'numpy-threads', { integer: true, min: 1 });
  const result = await runReference(loaded.model, last.compressor!, encoding, calibration, plan, runs, threads);
  if (result.skipped) log(`NumPy reference skipped: ${result.skipped}`);
  const reference = {
    result,
    ratio: ratios(med, linalg, result),
    agreement: agreement(last.compressor!, result, plan.method),
  };
  const params = { before: loaded.params, after: last.params };
  const report = buildReport({
    args,
    runs,
    linalg,
    rows: calibration.rows,
    med,
    params,
    plan,
    inference,
    onnxStatisticsMs,
    reference,
  });
  if (args.report) await writeFileAtomic(String(args.report), JSON.stringify(report, null, 2));
  printJson(summary(report));
}

export const benchCommand: Command = { def, run };
