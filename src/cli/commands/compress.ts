/** `ctr-studio compress`: AFM or SVD compression of a model at given ranks, saved as a tfjs model, with a report. */
import { writeFile } from 'node:fs/promises';
import type { CommandDef, ParsedArgs } from '../args';
import { StudioError } from '../../core/errors';
import { delong, logLoss, sigmoid } from '../../core/metrics';
import { METADATA_KEY, type StudioMetadata } from '../../core/model/metadata';
import { STUDIO_VERSION } from '../../core/version';
import { predictLogits } from '../../tf/predict';
import { writeModelDir } from '../../node/files';
import { printJson, round } from '../io';
import { CALIBRATION_OPTIONS, openCompression, rankArg } from '../compression';
import type { Method } from '../../tf/compressor';
import type { Command } from '../main';

const def: CommandDef = {
  name: 'compress',
  summary: 'compress a model with AFM or SVD at the given ranks; save it and a JSON report',
  usage: 'ctr-studio compress --model M --train FILE --test FILE --method afm|svd --dense-rank K --embedding-rank K [--calibration-rows N] --out DIR --report R.json',
  options: [
    { name: 'model', value: 'PATH', help: 'model.json (or its folder) saved by ctr-studio', required: true },
    { name: 'train', value: 'FILE', help: 'training rows: the calibration rows for AFM statistics', required: true },
    { name: 'test', value: 'FILE', help: 'test rows: AUC, log loss and logit differences are measured on them', required: true },
    { name: 'method', value: 'afm|svd', help: 'AFM (PCA of layer outputs on data) or SVD of the weights', default: 'afm' },
    { name: 'dense-rank', value: 'K', help: 'rank of every Dense layer, or keep' },
    { name: 'embedding-rank', value: 'K', help: 'rank of every embedding table, or keep' },
    ...CALIBRATION_OPTIONS,
    { name: 'no-fuse', help: 'keep every embedding up-projection instead of folding it into the next Dense' },
    { name: 'out', value: 'DIR', help: 'folder for the compressed model.json and weights', required: true },
    { name: 'report', value: 'R.json', help: 'where to write the JSON report' },
  ],
  notes: 'A layer whose rank is at or above its break-even rank (where factoring stops saving parameters) is kept;\nthe report lists it with the reason. The original model is never modified.',
};

async function run(args: ParsedArgs): Promise<void> {
  const method = String(args.method) as Method;
  if (method !== 'afm' && method !== 'svd') throw new StudioError('USAGE', `--method must be afm or svd, not "${method}".`);
  const denseRank = rankArg(args, 'dense-rank');
  const embeddingRank = rankArg(args, 'embedding-rank');
  if (denseRank === null && embeddingRank === null) throw new StudioError('USAGE', 'Give --dense-rank and/or --embedding-rank; with neither, nothing would be compressed.');
  const t0 = performance.now();
  const s = await openCompression(args);
  const { compressor: c, loaded, test } = s;
  const encoding = loaded.meta.encoding;
  const tLoad = performance.now();
  if (method === 'afm') await c.collect(encoding, s.calibration);
  const plan = c.uniformPlan({ method, denseRank, embeddingRank });
  const tDecompose = performance.now();
  c.replacements(plan); // decompositions, timed apart from the rewrite
  const decompositionMs = performance.now() - tDecompose;
  const built = c.build(plan, { fuse: !args['no-fuse'] });
  const model = await c.load(built);
  const rewriteMs = performance.now() - tDecompose - decompositionMs;
  const tEval = performance.now();
  const before = await predictLogits(loaded.model, encoding, test);
  const after = await predictLogits(model, encoding, test);
  const evaluationMs = performance.now() - tEval;
  let maxAbsLogitDiff = 0;
  for (let i = 0; i < before.length; i++) maxAbsLogitDiff = Math.max(maxAbsLogitDiff, Math.abs(after[i] - before[i]));
  const pBefore = before.map(sigmoid);
  const pAfter = after.map(sigmoid);
  const d = delong(test.labels, pBefore, pAfter);
  const errors = method === 'afm' ? c.replacementErrors(plan) : null;
  const layers = plan.map((p) => {
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
      ...(p.note ? { note: p.note } : {}),
    };
  });
  const report = {
    tool: 'ctr-studio compress',
    version: STUDIO_VERSION,
    model: String(args.model),
    method,
    denseRank,
    embeddingRank,
    calibrationRows: s.calibration.rows,
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
      decomposition: decompositionMs,
      rewrite: rewriteMs,
      evaluation: evaluationMs,
      total: performance.now() - t0,
    },
  };
  const meta: StudioMetadata = {
    ...loaded.meta,
    spec: undefined,
    compression: {
      method,
      ranks: Object.fromEntries(plan.filter((p) => p.method !== 'keep').map((p) => [p.layer, p.rank])),
      denseRank,
      embeddingRank,
      fused: built.fused.length > 0,
      calibrationRows: s.calibration.rows,
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
  delete meta.training;
  const path = await writeModelDir(String(args.out), { ...built.artifacts, userDefinedMetadata: { [METADATA_KEY]: meta } });
  if (args.report) await writeFile(String(args.report), JSON.stringify(report, null, 2));
  model.dispose();
  printJson({
    model: path,
    report: args.report ?? null,
    method,
    params: { original: c.originalParams, compressed: built.params, ratio: round(report.paramRatio, 4) },
    auc: { original: round(d.aucA), compressed: round(d.aucB), diff: round(d.diff), low: round(d.low), high: round(d.high) },
    maxAbsLogitDiff: round(maxAbsLogitDiff, 8),
    seconds: round(report.timingsMs.total / 1000, 2),
  });
}

export const compressCommand: Command = { def, run };
