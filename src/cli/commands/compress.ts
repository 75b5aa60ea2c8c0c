/** `ctr-studio compress`: AFM or SVD compression of a model at given ranks, saved as a tfjs model, with a report. */
import { writeFileAtomic } from '../../node/atomic';
import { autoRanks, type AutoRanks } from '../../app/autoRank';
import { exportModel } from '../../app/export';
import { DEFAULT_FINE_TUNE, compressModel, type CompressionOutcome } from '../../app/pipeline';
import { scoreStream } from '../../app/scoring';
import { budgetFromArg } from '../../core/compress/allocate';
import { getMethod } from '../../core/compress/methods';
import type { UniformPlan } from '../../core/compress/plan';
import { StudioError } from '../../core/errors';
import { delong, evaluationWarnings, logLoss, sigmoid } from '../../core/metrics';
import { STUDIO_VERSION } from '../../core/version';
import { writeFilesTo } from '../../node/files';
import { numberArg, type CommandDef, type ParsedArgs, type Command } from '../shared/args';
import {
  CALIBRATION_OPTIONS,
  fileListArg,
  layerRows,
  nothingFactoredWarning,
  openCompression,
  rankArg,
  readStatisticsFiles,
  type CompressionSession,
} from '../shared/compression';
import { NODE_LOADER, printJson, printWarnings, round } from '../shared/io';
import { METHOD_OPTION, MODEL_OPTION, methodArg } from '../shared/options';
import { runDataFree } from './dataFree';
import { originalNames } from '../../formats/keras';

const def: CommandDef = {
  name: 'compress',
  summary: 'compress a model at the given ranks (optionally fine-tuned); save it and a JSON report',
  usage:
    'ctr-studio compress --model M --train FILE --test FILE --method ID ' +
    '--dense-rank K --embedding-rank K [--calibration-rows N] [--fine-tune] --out DIR ' +
    '--report R.json',
  options: [
    MODEL_OPTION,
    {
      name: 'train',
      value: 'FILE[,FILE...]',
      help: 'training rows (one or more shards, streamed): statistics, fine-tuning',
    },
    {
      name: 'stats',
      value: 'S1,S2,...',
      help: 'statistics from ctr-studio stats, merged in order, instead of reading --train for them',
    },
    {
      name: 'test',
      value: 'FILE',
      help: 'test rows: AUC, log loss and logit differences are measured on them (not with --data-free)',
    },
    {
      name: 'data-free',
      help:
        'no rows: each layer by a method that needs none (Dense layers from their weights, ' +
        'tables with every id weighted alike); any model',
    },
    {
      name: 'id-frequencies',
      value: 'FILE',
      help: "with --data-free: CSV of layer,id,count weighting each table's ids",
    },
    METHOD_OPTION,
    { name: 'dense-rank', value: 'K', help: 'rank of every Dense layer, or keep' },
    { name: 'embedding-rank', value: 'K', help: 'rank of every embedding table, or keep' },
    {
      name: 'budget',
      value: 'B',
      help:
        'instead of ranks: a parameter budget (0.33 = a third of the original, or a ' +
        "count); the method's ranks are chosen per layer",
    },
    ...CALIBRATION_OPTIONS,
    {
      name: 'statistics',
      value: 'one-pass|sequential',
      help: 'statistics from the original model (the paper) or layer by layer from the partly compressed one',
      default: 'one-pass',
    },
    {
      name: 'activation',
      help: "the layer's activation between the two factors (needs --fine-tune)",
    },
    {
      name: 'fine-tune',
      help: 'fine-tune the compressed model on the training rows (best validation checkpoint kept)',
    },
    { name: 'fine-tune-epochs', value: 'N', help: 'fine-tuning epochs', default: String(DEFAULT_FINE_TUNE.epochs) },
    {
      name: 'fine-tune-lr',
      value: 'LR',
      help: 'fine-tuning Adam learning rate',
      default: String(DEFAULT_FINE_TUNE.learningRate),
    },
    {
      name: 'fine-tune-batch',
      value: 'B',
      help: 'fine-tuning batch size',
      default: String(DEFAULT_FINE_TUNE.batchSize),
    },
    { name: 'no-fuse', help: 'keep every embedding up-projection instead of folding it into the next Dense' },
    {
      name: 'out',
      value: 'DIR',
      help: 'folder for the compressed model.json and weights (or a .zip to write them into)',
      required: true,
    },
    { name: 'report', value: 'R.json', help: 'where to write the JSON report' },
  ],
  notes:
    'A layer whose rank is at or above its break-even rank (where factoring stops ' +
    'saving parameters) is kept;\nthe report lists it with the reason. Fine-tuning ' +
    'validates on the last 10% of the training rows and never\nreturns a model worse ' +
    'there than the compressed one it started from. The original model is never ' +
    'modified.',
};

/** The plan the options ask for. */
export function planFromArgs(args: ParsedArgs): UniformPlan {
  const method = methodArg(args);
  const statistics = String(args.statistics ?? 'one-pass');
  if (statistics !== 'one-pass' && statistics !== 'sequential')
    throw new StudioError('USAGE', `--statistics must be one-pass or sequential, not "${statistics}".`);
  const plan: UniformPlan = {
    method,
    denseRank: rankArg(args, 'dense-rank'),
    embeddingRank: rankArg(args, 'embedding-rank'),
    statistics,
    activation: Boolean(args.activation),
  };
  if (args.budget !== undefined) {
    if (plan.denseRank !== null || plan.embeddingRank !== null)
      throw new StudioError('USAGE', 'Give either --budget or ranks (--dense-rank, --embedding-rank), not both.');
  } else if (plan.denseRank === null && plan.embeddingRank === null) {
    throw new StudioError(
      'USAGE',
      'Give --dense-rank and/or --embedding-rank (or --budget); with neither, nothing would be compressed.',
    );
  }
  if (plan.activation && !args['fine-tune'])
    throw new StudioError(
      'USAGE',
      'An activation between the factors (--activation) changes what the model computes, so it must be ' +
        'fine-tuned: add --fine-tune.',
    );
  return plan;
}

type FineTune = { epochs: number; learningRate: number; batchSize: number } | null;

function fineTuneFromArgs(args: ParsedArgs): FineTune {
  if (!args['fine-tune']) return null;
  return {
    epochs: numberArg(args, 'fine-tune-epochs', { integer: true, min: 1 })!,
    learningRate: numberArg(args, 'fine-tune-lr', { min: 0 })!,
    batchSize: numberArg(args, 'fine-tune-batch', { integer: true, min: 1 })!,
  };
}

/** Statistics from --stats files, or from the training rows when the method (or a budget) needs them. */
async function statistics(args: ParsedArgs, s: CompressionSession, plan: UniformPlan): Promise<void> {
  const c = s.compressor;
  const statsFiles = fileListArg(args, 'stats');
  if (statsFiles.length > 0) {
    if (plan.statistics === 'sequential') {
      throw new StudioError(
        'USAGE',
        'Sequential statistics need forward passes over the rows, so they cannot come from --stats files; use --train.',
      );
    }
    c.useStatistics(await readStatisticsFiles(statsFiles, c.fingerprint));
    return;
  }
  const needs = getMethod(plan.method).needs;
  if (needs || args.budget !== undefined) {
    await c.collect(s.loaded.meta.encoding, await s.calibration(), { gradients: needs === 'gradients' });
  }
}

/**
 * Both models score the test file in one streamed pass: AUCs, their DeLong interval, the largest logit change,
 * and warnings when the scores are degenerate (constant or saturated) or the comparison cannot tell anything.
 */
async function evaluate(s: CompressionSession, out: CompressionOutcome) {
  const scored = await scoreStream([s.loaded.model, out.model], s.loaded.meta.encoding, () => s.testStream());
  const [before, after] = scored.logits;
  let maxAbsLogitDiff = 0;
  for (let i = 0; i < before.length; i++) maxAbsLogitDiff = Math.max(maxAbsLogitDiff, Math.abs(after[i] - before[i]));
  const pBefore = before.map(sigmoid);
  const pAfter = after.map(sigmoid);
  const d = delong(scored.labels, pBefore, pAfter);
  const warnings = evaluationWarnings(
    scored.labels,
    { name: 'the original model', logits: before },
    { name: 'the compressed model', logits: after },
    d,
  );
  return {
    rows: scored.labels.length,
    d,
    warnings,
    maxAbsLogitDiff,
    loglossBefore: logLoss(scored.labels, pBefore),
    loglossAfter: logLoss(scored.labels, pAfter),
  };
}

function layerReport(s: CompressionSession, out: CompressionOutcome) {
  const c = s.compressor;
  const errors = c.has('activations') ? c.replacementErrors(out.resolved) : null;
  const names = originalNames(s.loaded.model.userDefinedMetadata);
  return layerRows(c, out.resolved, out.built.layerParams, names).map((row) => ({
    ...row,
    explainedVariance: errors?.get(row.name)?.explainedVariance ?? (row.method === 'keep' ? 1 : null),
  }));
}

/** The JSON report of a compression: plan, rows, both models' quality, per-layer outcome, timings. */
function compressReport(
  args: ParsedArgs,
  s: CompressionSession,
  r: {
    plan: UniformPlan;
    out: CompressionOutcome;
    ev: Awaited<ReturnType<typeof evaluate>>;
    auto: AutoRanks | null;
    fineTune: FineTune;
    t0: number;
    tLoad: number;
    evaluationMs: number;
  },
) {
  const { plan, out, ev, auto, fineTune, t0, tLoad, evaluationMs } = r;
  const c = s.compressor;
  return {
    tool: 'ctr-studio compress',
    version: STUDIO_VERSION,
    model: String(args.model),
    method: plan.method,
    denseRank: plan.denseRank,
    embeddingRank: plan.embeddingRank,
    statistics: plan.statistics,
    activation: plan.activation,
    fineTune: fineTune && { ...fineTune, bestEpoch: out.fineTune!.bestEpoch, checks: out.fineTune!.epochs },
    budget: auto && {
      params: auto.budget,
      chosen: auto.chosen.label,
      candidates: auto.candidates.map(({ label, params, validAuc }) => ({ label, params, validAuc })),
    },
    calibrationRows: c.statistics?.rows ?? 0,
    statisticsFiles: fileListArg(args, 'stats').length > 0 ? fileListArg(args, 'stats') : undefined,
    testRows: ev.rows,
    seed: s.seed,
    original: { params: c.originalParams, auc: ev.d.aucA, logloss: ev.loglossBefore },
    compressed: { params: out.built.params, auc: ev.d.aucB, logloss: ev.loglossAfter },
    paramRatio: out.built.params / c.originalParams,
    delong: { diff: ev.d.diff, se: ev.d.se, low: ev.d.low, high: ev.d.high, p: ev.d.p },
    maxAbsLogitDiff: ev.maxAbsLogitDiff,
    warnings: ev.warnings,
    layers: layerReport(s, out),
    fused: out.built.fused,
    timingsMs: {
      load: tLoad - t0,
      statistics: c.statisticsMs,
      decomposition: out.timings.decompositionMs,
      rewrite: out.timings.rewriteMs,
      fineTune: out.timings.fineTuneMs,
      evaluation: evaluationMs,
      total: performance.now() - t0,
    },
  };
}

async function run(args: ParsedArgs): Promise<void> {
  let plan = planFromArgs(args);
  const fineTune = fineTuneFromArgs(args);
  if (args['data-free']) return runDataFree(args, plan);
  if (args.test === undefined) {
    throw new StudioError(
      'USAGE',
      'compress needs --test FILE to score the compressed model (or --data-free to compress without rows).',
    );
  }
  if (fileListArg(args, 'stats').length === 0 && fileListArg(args, 'train').length === 0) {
    throw new StudioError('USAGE', 'compress needs --train FILE (or --stats S1,S2,... computed by ctr-studio stats).');
  }
  const t0 = performance.now();
  const s = await openCompression(args);
  const { compressor: c, loaded } = s;
  const encoding = loaded.meta.encoding;
  const tLoad = performance.now();
  await statistics(args, s, plan);
  const ftRows = fineTune || args.budget !== undefined ? await s.fineTuneRows() : undefined;
  let auto: AutoRanks | null = null;
  if (args.budget !== undefined) {
    const budget = budgetFromArg(String(args.budget), c.originalParams);
    auto = await autoRanks(c, plan.method, encoding, ftRows!.valid, budget, { fuse: !args['no-fuse'] });
    plan = { ...auto.chosen.plan, statistics: plan.statistics, activation: plan.activation };
  }
  const calibration = plan.statistics === 'sequential' ? await s.calibration() : [];
  const out = await compressModel(
    c,
    encoding,
    { calibration, ...(ftRows ?? {}) },
    { plan, fuse: !args['no-fuse'], fineTune },
  );
  const tEval = performance.now();
  const ev = await evaluate(s, out);
  const nothing = nothingFactoredWarning(out.resolved);
  if (nothing) ev.warnings.unshift(nothing);
  const evaluationMs = performance.now() - tEval;
  const report = compressReport(args, s, { plan, out, ev, auto, fineTune, t0, tLoad, evaluationMs });
  const path = await save(args, s, plan, out, ev, auto, fineTune);
  if (args.report) await writeFileAtomic(String(args.report), JSON.stringify(report, null, 2));
  out.model.dispose();
  printWarnings(ev.warnings);
  printJson({
    model: path,
    report: args.report ?? null,
    method: plan.method,
    params: { original: c.originalParams, compressed: out.built.params, ratio: round(report.paramRatio, 4) },
    auc: {
      original: round(ev.d.aucA),
      compressed: round(ev.d.aucB),
      diff: round(ev.d.diff),
      low: round(ev.d.low),
      high: round(ev.d.high),
    },
    maxAbsLogitDiff: round(ev.maxAbsLogitDiff, 8),
    seconds: round(report.timingsMs.total / 1000, 2),
    warnings: ev.warnings,
  });
}

/** Writes the compressed model with its recipe (checked by loading it back) under --out. */
async function save(
  args: ParsedArgs,
  s: CompressionSession,
  plan: UniformPlan,
  out: CompressionOutcome,
  ev: Awaited<ReturnType<typeof evaluate>>,
  auto: AutoRanks | null,
  fineTune: FineTune,
): Promise<string> {
  const c = s.compressor;
  const exported = await exportModel({
    model: out.model,
    loader: NODE_LOADER,
    keep: {
      ...s.loaded.meta,
      evaluation: { file: String(args.test), rows: ev.rows, auc: ev.d.aucB, logloss: ev.loglossAfter },
    },
    recipe: {
      plan,
      resolved: out.resolved,
      fused: out.built.fused.length,
      dataFree: false,
      calibrationRows: c.statistics?.rows ?? 0,
      seed: args['calibration-rows'] !== undefined ? s.seed : null,
      budget: auto?.budget ?? null,
      fineTune: fineTune && { ...fineTune, bestEpoch: out.fineTune!.bestEpoch },
      aucBefore: ev.d.aucA,
      aucAfter: ev.d.aucB,
      testRows: ev.rows,
      paramsBefore: c.originalParams,
      paramsAfter: out.built.params,
      source: s.loaded.fileName,
    },
  });
  return writeFilesTo(String(args.out), exported.written.files);
}

export const compressCommand: Command = { def, run };
