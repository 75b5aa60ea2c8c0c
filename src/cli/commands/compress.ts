/** `ctr-studio compress`: AFM or SVD compression of a model at given ranks, saved as a tfjs model, with a report. */
import { writeFile } from 'node:fs/promises';
import { numberArg, type CommandDef, type ParsedArgs } from '../args';
import { StudioError } from '../../core/errors';
import { delong, logLoss, sigmoid } from '../../core/metrics';
import { METADATA_KEY, type StudioMetadata } from '../../core/model/metadata';
import type { UniformPlan } from '../../core/compress/plan';
import { STUDIO_VERSION } from '../../core/version';
import { predictLogitsStream } from '../../tf/predict';
import { compressModel } from '../../tf/pipeline';
import { autoRanks, type AutoRanks } from '../../tf/autoRank';
import { budgetFromArg } from '../../core/compress/allocate';
import { runDataFree } from './dataFree';
import { DEFAULT_FINE_TUNE } from '../../tf/finetune';
import { saveModelToArtifacts } from '../../tf/modelio';
import { writeModelDir } from '../../node/files';
import { printJson, round } from '../io';
import { CALIBRATION_OPTIONS, fileListArg, openCompression, rankArg, readStatisticsFiles } from '../compression';
import type { Method } from '../../tf/compressor';
import type { Command } from '../main';

const def: CommandDef = {
  name: 'compress',
  summary: 'compress a model with AFM or SVD at the given ranks (optionally fine-tuned); save it and a JSON report',
  usage:
    'ctr-studio compress --model M --train FILE --test FILE --method afm|svd ' +
    '--dense-rank K --embedding-rank K [--calibration-rows N] [--fine-tune] --out DIR ' +
    '--report R.json',
  options: [
    {
      name: 'model',
      value: 'PATH',
      help:
        'model.json (or its folder or a .zip of it), .keras/.h5 or .onnx; a model without ' +
        'CTR Studio encoding is fed the columns named after its inputs',
      required: true,
    },
    {
      name: 'train',
      value: 'FILE[,FILE...]',
      help: 'training rows (one or more shards, streamed): AFM statistics, fine-tuning',
    },
    {
      name: 'stats',
      value: 'S1,S2,...',
      help: 'AFM statistics from ctr-studio stats, merged in order, instead of reading --train for them',
    },
    {
      name: 'test',
      value: 'FILE',
      help: 'test rows: AUC, log loss and logit differences are measured on them (not with --data-free)',
    },
    {
      name: 'data-free',
      help:
        'no rows: SVD for Dense layers, AFM with uniform id weights for tables; any model ' +
        '(tfjs, .keras, .h5, .onnx)',
    },
    {
      name: 'id-frequencies',
      value: 'FILE',
      help: "with --data-free: CSV of layer,id,count weighting each table's ids",
    },
    {
      name: 'method',
      value: 'afm|svd',
      help: 'AFM (PCA of layer outputs on data) or SVD of the weights',
      default: 'afm',
    },
    { name: 'dense-rank', value: 'K', help: 'rank of every Dense layer, or keep' },
    { name: 'embedding-rank', value: 'K', help: 'rank of every embedding table, or keep' },
    {
      name: 'budget',
      value: 'B',
      help:
        'instead of ranks: a parameter budget (0.33 = a third of the original, or a ' +
        'count); AFM ranks are chosen per layer',
    },
    ...CALIBRATION_OPTIONS,
    {
      name: 'statistics',
      value: 'one-pass|sequential',
      help: 'AFM statistics from the original model (the paper) or layer by layer from the partly compressed one',
      default: 'one-pass',
    },
    {
      name: 'activation',
      help: "AFM + activation: the layer's activation between the two factors (needs --fine-tune)",
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
  const method = String(args.method) as Method;
  if (method !== 'afm' && method !== 'svd')
    throw new StudioError('USAGE', `--method must be afm or svd, not "${method}".`);
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
    if (method !== 'afm')
      throw new StudioError('USAGE', "--budget chooses AFM ranks from the layers' spectra; use it with --method afm.");
  } else if (plan.denseRank === null && plan.embeddingRank === null) {
    throw new StudioError(
      'USAGE',
      'Give --dense-rank and/or --embedding-rank (or --budget); with neither, nothing would be compressed.',
    );
  }
  if (plan.activation && !args['fine-tune'])
    throw new StudioError(
      'USAGE',
      'AFM + activation (--activation) changes what the model computes, so it must be fine-tuned: add --fine-tune.',
    );
  return plan;
}

async function run(args: ParsedArgs): Promise<void> {
  let plan = planFromArgs(args);
  const fineTune = args['fine-tune']
    ? {
        epochs: numberArg(args, 'fine-tune-epochs', { integer: true, min: 1 })!,
        learningRate: numberArg(args, 'fine-tune-lr', { min: 0 })!,
        batchSize: numberArg(args, 'fine-tune-batch', { integer: true, min: 1 })!,
      }
    : null;
  if (args['data-free']) return runDataFree(args, plan);
  if (args.test === undefined)
    throw new StudioError(
      'USAGE',
      'compress needs --test FILE to score the compressed model (or --data-free to compress without rows).',
    );
  const statsFiles = fileListArg(args, 'stats');
  if (statsFiles.length === 0 && fileListArg(args, 'train').length === 0)
    throw new StudioError('USAGE', 'compress needs --train FILE (or --stats S1,S2,... computed by ctr-studio stats).');
  const t0 = performance.now();
  const s = await openCompression(args);
  const { compressor: c, loaded } = s;
  const encoding = loaded.meta.encoding;
  const tLoad = performance.now();
  if (statsFiles.length > 0) {
    if (plan.statistics === 'sequential')
      throw new StudioError(
        'USAGE',
        'Sequential statistics need forward passes over the rows, so they cannot come from --stats files; use --train.',
      );
    c.useStatistics(await readStatisticsFiles(statsFiles, c.fingerprint));
  } else if (plan.method === 'afm' || args.budget !== undefined) {
    await c.collect(encoding, await s.calibration());
  }
  const needRows = Boolean(fineTune) || args.budget !== undefined;
  const ftRows = needRows ? await s.fineTuneRows() : undefined;
  let auto: AutoRanks | null = null;
  if (args.budget !== undefined) {
    auto = await autoRanks(c, encoding, ftRows!.valid, budgetFromArg(String(args.budget), c.originalParams), {
      fuse: !args['no-fuse'],
    });
    plan = { ...auto.chosen.plan, statistics: plan.statistics, activation: plan.activation };
  }
  const calibration = plan.statistics === 'sequential' ? await s.calibration() : [];
  const out = await compressModel(
    c,
    encoding,
    { calibration, ...(ftRows ?? {}) },
    { plan, fuse: !args['no-fuse'], fineTune },
  );
  const { model, built, resolved } = out;
  // Both models score the test file in one streamed pass.
  const tEval = performance.now();
  const scored = await predictLogitsStream([loaded.model, model], encoding, () => s.testStream());
  const [before, after] = scored.logits;
  const test = { rows: scored.labels.length, labels: scored.labels };
  const evaluationMs = performance.now() - tEval;
  let maxAbsLogitDiff = 0;
  for (let i = 0; i < before.length; i++) maxAbsLogitDiff = Math.max(maxAbsLogitDiff, Math.abs(after[i] - before[i]));
  const pBefore = before.map(sigmoid);
  const pAfter = after.map(sigmoid);
  const d = delong(test.labels, pBefore, pAfter);
  const errors = plan.method === 'afm' ? c.replacementErrors(resolved) : null;
  const layers = resolved.map((p) => {
    const info = c.layer(p.layer);
    return {
      name: p.layer,
      kind: p.kind,
      method: p.method,
      rank: p.rank,
      breakEvenRank: info.breakEvenRank,
      paramsBefore: info.params,
      paramsAfter: built.layerParams.get(p.layer) ?? info.params,
      explainedVariance: errors?.get(p.layer)?.explainedVariance ?? (p.method === 'keep' ? 1 : null),
      ...(p.activationBetween ? { activationBetween: p.activationBetween } : {}),
      ...(p.note ? { note: p.note } : {}),
    };
  });
  const report = {
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
    statisticsFiles: statsFiles.length > 0 ? statsFiles : undefined,
    testRows: test.rows,
    seed: s.seed,
    original: { params: c.originalParams, auc: d.aucA, logloss: logLoss(test.labels, pBefore) },
    compressed: { params: built.params, auc: d.aucB, logloss: logLoss(test.labels, pAfter) },
    paramRatio: built.params / c.originalParams,
    delong: { diff: d.diff, se: d.se, low: d.low, high: d.high, p: d.p },
    maxAbsLogitDiff,
    layers,
    fused: built.fused,
    timingsMs: {
      load: tLoad - t0,
      statistics: c.timings.statisticsMs,
      decomposition: out.timings.decompositionMs,
      rewrite: out.timings.rewriteMs,
      fineTune: out.timings.fineTuneMs,
      evaluation: evaluationMs,
      total: performance.now() - t0,
    },
  };
  const meta: StudioMetadata = {
    format: 1,
    studioVersion: STUDIO_VERSION,
    encoding,
    compression: {
      method: plan.method,
      ranks: Object.fromEntries(resolved.filter((p) => p.method !== 'keep').map((p) => [p.layer, p.rank])),
      denseRank: plan.denseRank,
      embeddingRank: plan.embeddingRank,
      budget: auto?.budget,
      statistics: plan.statistics,
      activation: plan.activation,
      fineTune,
      fused: built.fused.length > 0,
      calibrationRows: c.statistics?.rows ?? 0,
      seed: s.seed,
      aucBefore: d.aucA,
      aucAfter: d.aucB,
      paramsBefore: c.originalParams,
      paramsAfter: built.params,
      studioVersion: STUDIO_VERSION,
      source: { model: String(args.model), spec: loaded.meta.spec, training: loaded.meta.training },
    },
    evaluation: { file: String(args.test), rows: test.rows, auc: d.aucB, logloss: report.compressed.logloss },
  };
  // Fine-tuned weights differ from the built ones: save the model as it is now.
  const artifacts = fineTune ? await saveModelToArtifacts(model) : built.artifacts;
  const path = await writeModelDir(String(args.out), { ...artifacts, userDefinedMetadata: { [METADATA_KEY]: meta } });
  if (args.report) await writeFile(String(args.report), JSON.stringify(report, null, 2));
  model.dispose();
  printJson({
    model: path,
    report: args.report ?? null,
    method: plan.method,
    params: { original: c.originalParams, compressed: built.params, ratio: round(report.paramRatio, 4) },
    auc: {
      original: round(d.aucA),
      compressed: round(d.aucB),
      diff: round(d.diff),
      low: round(d.low),
      high: round(d.high),
    },
    maxAbsLogitDiff: round(maxAbsLogitDiff, 8),
    seconds: round(report.timingsMs.total / 1000, 2),
  });
}

export const compressCommand: Command = { def, run };
