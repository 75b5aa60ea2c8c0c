/** `ctr-studio sweep`: AUC, log loss and parameters over a grid of ranks, for AFM and SVD, as a JSON report. */
import { writeFileAtomic } from '../../node/atomic';
import type { CommandDef, ParsedArgs, Command } from '../shared/args';
import { StudioError } from '../../core/errors';
import { STUDIO_VERSION } from '../../core/version';
import { runSweep, scoreBaseline, type SweepPoint } from '../../app/sweep';
import { concatSources } from '../../core/data';
import { DEFAULT_METHOD, seriesOf, statisticsNeeded } from '../../core/compress/methods';
import type { ModelCompressor } from '../../app/modelCompressor';
import { MODEL_OPTION, SERIES_OPTION, seriesArg } from '../shared/options';
import { printJson, printWarnings, round } from '../shared/io';
import { CALIBRATION_OPTIONS, openCompression, rankListArg } from '../shared/compression';

const def: CommandDef = {
  name: 'sweep',
  summary: 'evaluate compression methods over a grid of dense and embedding ranks (JSON report)',
  usage:
    'ctr-studio sweep --model M --train FILE --test FILE --methods S,S ' +
    '--dense-ranks 8,16,32,64,128 --embedding-ranks 2,4,8 --report R.json',
  options: [
    MODEL_OPTION,
    { name: 'train', value: 'FILE', help: 'training rows: the calibration rows for AFM statistics', required: true },
    { name: 'test', value: 'FILE', help: 'test rows every point is scored on', required: true },
    SERIES_OPTION,
    {
      name: 'dense-ranks',
      value: 'K,K,...',
      help: 'Dense ranks to try (keep = leave Dense layers as they are)',
      default: '8,16,32,64,128',
    },
    {
      name: 'embedding-ranks',
      value: 'K,K,...',
      help: 'embedding ranks to try (keep = leave tables as they are)',
      default: '2,4,8',
    },
    {
      name: 'param-fractions',
      value: 'F,F,...',
      help: 'instead of --dense-ranks: for each fraction of the original parameters, the largest dense rank that fits',
    },
    ...CALIBRATION_OPTIONS,
    { name: 'no-fuse', help: 'keep every embedding up-projection instead of folding it into the next Dense' },
    { name: 'report', value: 'R.json', help: 'where to write the JSON report', required: true },
  ],
  notes:
    'Every (method, dense rank, embedding rank) combination is one point. ' +
    'Decompositions are computed once per\nlayer and method; each point only slices ' +
    'them, builds the model and scores the test rows.',
};

/** --param-fractions: fractions in (0, 1], or null when not given. */
function fractionsArg(args: ParsedArgs): number[] | null {
  const fractions =
    args['param-fractions'] === undefined ? null : String(args['param-fractions']).split(',').map(Number);
  if (fractions?.some((f) => !(f > 0 && f <= 1))) {
    throw new StudioError(
      'USAGE',
      `--param-fractions must list fractions in (0, 1], such as 0.1,0.2,0.33, not "${args['param-fractions']}".`,
    );
  }
  return fractions;
}

/**
 * With fractions: per embedding rank, the largest dense rank within each budget (the same for every method);
 * a budget no dense rank fits is said and left out.
 */
function budgetPairs(c: ModelCompressor, fractions: number[] | null, embeddingRanks: (number | null)[], fuse: boolean) {
  if (!fractions) return undefined;
  const pairs = fractions.flatMap((f) =>
    embeddingRanks.map((embeddingRank) => ({
      fraction: f,
      embeddingRank,
      denseRank: c.denseRankForFraction({ method: DEFAULT_METHOD.id, denseRank: null, embeddingRank }, f, { fuse }),
    })),
  );
  for (const p of pairs.filter((x) => x.denseRank === null)) {
    console.error(
      `warning: no dense rank fits ${p.fraction} of the parameters at embedding rank ` +
        `${p.embeddingRank ?? 'keep'}; that point is left out.`,
    );
  }
  return pairs.filter((p) => p.denseRank !== null);
}

async function run(args: ParsedArgs): Promise<void> {
  const methods = seriesArg(args);
  const denseRanks = rankListArg(args, 'dense-ranks');
  const embeddingRanks = rankListArg(args, 'embedding-ranks');
  const fractions = fractionsArg(args);
  const t0 = performance.now();
  const s = await openCompression(args);
  const { compressor: c, loaded } = s;
  const encoding = loaded.meta.encoding;
  const test = await s.testRows();
  const calibration = await s.calibration();
  const needs = statisticsNeeded(methods.map((m) => seriesOf(m).method.id));
  if (needs.size > 0) await c.collect(encoding, calibration, { gradients: needs.has('gradients') });
  const tDec = performance.now();
  for (const m of methods) c.decomposeAll(seriesOf(m).method.id);
  const decompositionMs = performance.now() - tDec;
  const baseline = await scoreBaseline(c, encoding, test);
  printWarnings(baseline.warnings);
  const pairs = budgetPairs(c, fractions, embeddingRanks, !args['no-fuse']);
  const points = await runSweep(c, encoding, test, baseline, {
    methods,
    denseRanks,
    embeddingRanks,
    pairs,
    calibration: Array.isArray(calibration) ? concatSources(calibration) : calibration,
    fuse: !args['no-fuse'],
    onPoint: (p, done, total) => {
      console.error(
        `[${done}/${total}] ${pointLabel(p)}: ${p.params} params ` +
          `(${(100 * p.paramRatio).toFixed(1)}%), AUC ${p.auc.toFixed(4)} (Δ ` +
          `${p.delong.diff >= 0 ? '+' : ''}${p.delong.diff.toFixed(4)} ` +
          `[${p.delong.low.toFixed(4)}, ${p.delong.high.toFixed(4)}])`,
      );
      printWarnings(p.warnings ?? []);
    },
  });
  // The original's warnings, then each point's, named by its point.
  const warnings = [
    ...baseline.warnings,
    ...points.flatMap((p) => (p.warnings ?? []).map((w) => `${pointLabel(p)}: ${w}`)),
  ];
  const report = {
    tool: 'ctr-studio sweep',
    version: STUDIO_VERSION,
    model: String(args.model),
    calibrationRows: c.statistics?.rows ?? 0,
    testRows: test.rows,
    seed: s.seed,
    original: { params: baseline.params, auc: baseline.auc, logloss: baseline.logloss },
    layers: c.inventory.map((l) => ({
      name: l.name,
      kind: l.kind,
      params: l.params,
      breakEvenRank: l.breakEvenRank,
      compressible: l.compressible,
      ...(l.reason ? { reason: l.reason } : {}),
    })),
    points,
    warnings,
    timingsMs: { statistics: c.statisticsMs, decomposition: decompositionMs, total: performance.now() - t0 },
  };
  await writeFileAtomic(String(args.report), JSON.stringify(report, null, 2));
  printJson({
    report: String(args.report),
    original: { params: baseline.params, auc: round(baseline.auc) },
    points: points.map((p) => ({
      method: p.method,
      denseRank: p.denseRank,
      embeddingRank: p.embeddingRank,
      params: p.params,
      auc: round(p.auc),
      diff: round(p.delong.diff),
    })),
    seconds: round(report.timingsMs.total / 1000, 2),
    warnings,
  });
}

/** How progress lines and warnings name a sweep point. */
function pointLabel(p: SweepPoint): string {
  return `${p.method} dense ${p.denseRank ?? 'keep'} emb ${p.embeddingRank ?? 'keep'}`;
}

export const sweepCommand: Command = { def, run };
