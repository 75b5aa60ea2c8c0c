/**
 * The scale report (`ctr-studio report --scale`) as data and as Markdown: synthetic rows from a planted deep
 * teacher, the models trained on them (with their distance to the teacher's AUC and DeLong comparisons), each
 * model's compression table at fractions of its parameters, rank sweeps of AFM against SVD, and where the time
 * and memory went. Pure.
 */
import type { SweepPoint } from '../compress/report';
import { fmtInt, fmtInterval, fmtSigned, verdictOf, type ReportRow } from './table';

export interface TrainedSummary {
  kind: string;
  params: number;
  auc: number;
  logloss: number;
  /** The teacher's AUC on the test rows minus this one. */
  teacherGap: number;
  bestEpoch: number;
  epochsRun: number;
  seconds: number;
}

/** A paired DeLong comparison of two scorings of the test rows: B − A. */
export interface PairComparison {
  a: string;
  b: string;
  diff: number;
  low: number;
  high: number;
  p: number;
}

export interface ScalePhase {
  name: string;
  seconds: number;
  /** Resident memory when the phase ended, and the process's peak so far (MB). */
  rssMb: number;
  peakRssMb: number;
}

export type ScaleSweepPoint = Pick<SweepPoint, 'method' | 'denseRank' | 'embeddingRank' | 'params' | 'auc' | 'delong'>;

export interface ScaleSweep {
  model: string;
  embeddingRank: number;
  /** The chart's file name, beside the Markdown. */
  chart: string;
  points: ScaleSweepPoint[];
}

export interface ScaleReport {
  command: string;
  version: string;
  date: string;
  data: {
    trainRows: number;
    validRows: number;
    testRows: number;
    clickRate: number;
    teacherAuc: number;
    strength: number;
    cardinalityScale: number;
    zipf: number;
    seeds: { train: number; test: number };
  };
  settings: {
    epochs: number;
    calibrationRows: number;
    fineTuneRows: number;
    fractions: number[];
    embeddingRank: number;
  };
  trained: TrainedSummary[];
  comparisons: PairComparison[];
  tables: { model: string; rows: ReportRow[]; note: string }[];
  sweeps: ScaleSweep[];
  phases: ScalePhase[];
  peakRssMb: number;
  totalSeconds: number;
}

/** "1 epoch", "2 epochs". */
export const plural = (n: number, word: string) => `${fmtInt(n)} ${word}${n === 1 ? '' : 's'}`;

/** A fraction as the tables name it: 1/3 for 0.333.., else the percentage. */
export function fractionTag(f: number): string {
  const n = Math.round(1 / f);
  return Math.abs(1 / n - f) < 0.005 ? `1/${n}` : `${(100 * f).toFixed(0)}%`;
}

export interface RankPair {
  denseRank: number;
  embeddingRank: number | null;
  params: number;
  afm: ScaleSweepPoint;
  svd: ScaleSweepPoint;
  /** AFM's AUC minus SVD's. */
  gap: number;
}

/** The sweep's AFM and SVD points at the same ranks, side by side, by dense rank. */
export function afmVsSvd(points: ScaleSweepPoint[], afm = 'afm', svd = 'svd'): RankPair[] {
  const key = (p: ScaleSweepPoint) => `${p.denseRank}/${p.embeddingRank}`;
  const svds = new Map(points.filter((p) => p.method === svd).map((p) => [key(p), p]));
  return points
    .filter((p) => p.method === afm && p.denseRank !== null && svds.has(key(p)))
    .map((a) => {
      const s = svds.get(key(a))!;
      return {
        denseRank: a.denseRank!,
        embeddingRank: a.embeddingRank,
        params: a.params,
        afm: a,
        svd: s,
        gap: a.auc - s.auc,
      };
    })
    .sort((x, y) => x.denseRank - y.denseRank);
}

/** One sentence on where AFM is below SVD in a sweep (or that it never is). */
export function afmVsSvdSentence(pairs: RankPair[]): string {
  const below = pairs.filter((p) => p.gap < 0);
  if (pairs.length === 0) return 'No rank has both an AFM and an SVD point.';
  if (below.length === 0)
    return `AFM is at or above SVD at every swept rank (${pairs.map((p) => p.denseRank).join(', ')}).`;
  return (
    `AFM is below SVD at dense rank ${below.map((p) => `${p.denseRank} (${fmtSigned(p.gap)})`).join(', ')}; ` +
    `at or above it at ${
      pairs
        .filter((p) => p.gap >= 0)
        .map((p) => p.denseRank)
        .join(', ') || 'no rank'
    }.`
  );
}

function trainedSection(r: ScaleReport): string[] {
  const rows = r.trained.map(
    (t) =>
      `| ${t.kind} | ${fmtInt(t.params)} | ${t.auc.toFixed(4)} | ${t.logloss.toFixed(4)} | ` +
      `${t.teacherGap.toFixed(4)} | ${t.bestEpoch} / ${t.epochsRun} | ${fmtInt(t.seconds)} s |`,
  );
  const pairs = r.comparisons.map(
    (c) =>
      `- ${c.b} − ${c.a}: ${fmtInterval(c)} (p ${c.p > 0 ? `= ${c.p.toPrecision(2)}` : '< 1e-300'}): ${verdictOf(c)}.`,
  );
  return [
    '## Trained models',
    '',
    '| model | parameters | test AUC | log loss | teacher AUC − AUC | best epoch / epochs run | training time |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'Paired DeLong comparisons on the same test rows (difference of AUCs, 95% interval):',
    '',
    ...pairs,
  ];
}

function tableSection(t: ScaleReport['tables'][number]): string[] {
  const original = t.rows[0];
  const lines = t.rows.map(
    (r) =>
      `| ${r.label}${r.fineTuneBest === 0 ? ' (no step kept: the compressed start was best)' : ''} | ` +
      `${fmtInt(r.params)} (${((100 * r.params) / original.params).toFixed(1)}%) | ` +
      `${r.auc.toFixed(4)} | ${r === original ? '—' : `${fmtInterval(r)} ${verdictOf(r)}`} | ` +
      `${r.logloss.toFixed(4)} | ${fmtInt(r.rowsPerSec)} | ${r.teacherGap?.toFixed(4) ?? '—'} | ` +
      `${r.seconds?.toFixed(0) ?? '—'} |`,
  );
  const warnings = t.rows.flatMap((r) => r.warnings.map((w) => `> warning (${r.label}): ${w}`));
  return [
    `### ${t.model}`,
    '',
    '| variant | parameters (share) | test AUC | Δ AUC against the original [95% DeLong] | log loss | rows/s ' +
      '(batch 2048) | teacher AUC − AUC | seconds |',
    '|---|---|---|---|---|---|---|---|',
    ...lines,
    '',
    t.note,
    ...(warnings.length ? ['', ...warnings] : []),
  ];
}

function sweepSection(s: ScaleSweep): string[] {
  const pairs = afmVsSvd(s.points);
  return [
    `### ${s.model}: AFM against SVD, embedding rank ${s.embeddingRank}`,
    '',
    `![${s.model}: test AUC against dense rank, AFM and SVD](${s.chart})`,
    '',
    '| dense rank | parameters | AFM AUC (Δ [95% DeLong]) | SVD AUC (Δ [95% DeLong]) | AFM − SVD |',
    '|---|---|---|---|---|',
    ...pairs.map(
      (p) =>
        `| ${p.denseRank} | ${fmtInt(p.params)} | ${p.afm.auc.toFixed(4)} (${fmtInterval(p.afm.delong)}) | ` +
        `${p.svd.auc.toFixed(4)} (${fmtInterval(p.svd.delong)}) | ${fmtSigned(p.gap)} |`,
    ),
    '',
    afmVsSvdSentence(pairs),
  ];
}

/** The whole report as Markdown. */
export function scaleMarkdown(r: ScaleReport): string {
  const d = r.data;
  const s = r.settings;
  const head = [
    `<!-- generated by: ${r.command} (CTR Studio ${r.version}, ${r.date}) -->`,
    '# Scale benchmark: a deep teacher, LR, DeepFM and DCNv2, compressed',
    '',
    `Synthetic rows in Criteo's layout labelled by the planted deep teacher (\`synth --teacher deep\`, strength ` +
      `${d.strength}, cardinality scale ${d.cardinalityScale}, Zipf ${d.zipf}; training seed ${d.seeds.train}, ` +
      `test seed ${d.seeds.test}): ${fmtInt(d.trainRows)} training rows (the last ${fmtInt(d.validRows)} of them ` +
      `for early stopping), ${fmtInt(d.testRows)} test rows, click rate ${d.clickRate.toFixed(3)}. The teacher's ` +
      `own AUC on the test rows (the best any model can score) is ${d.teacherAuc.toFixed(4)}.`,
    '',
    `Settings: at most ${plural(s.epochs, 'training epoch')} per model (DeepFM, DCNv2); AFM statistics on ` +
      `${fmtInt(s.calibrationRows)} training rows; fine-tuning (1 epoch, Adam 1e-3) on ` +
      `${fmtInt(s.fineTuneRows)} training rows; ` +
      `fractions of the parameters ${s.fractions.map(fractionTag).join(', ')}, embedding rank ${s.embeddingRank} ` +
      `and the largest dense rank that fits.`,
    '',
  ];
  const phases = [
    '## Time and memory',
    '',
    '| phase | seconds | resident memory after (MiB) | peak so far (MiB) |',
    '|---|---|---|---|',
    ...r.phases.map((p) => `| ${p.name} | ${fmtInt(p.seconds)} | ${fmtInt(p.rssMb)} | ${fmtInt(p.peakRssMb)} |`),
    '',
    `Total ${fmtInt(r.totalSeconds)} s; peak resident memory of the process ${fmtInt(r.peakRssMb)} MiB.`,
  ];
  return (
    [
      ...head,
      ...trainedSection(r),
      '',
      '## Compression',
      '',
      ...r.tables.flatMap((t) => [...tableSection(t), '']),
      '## Rank sweeps',
      '',
      ...r.sweeps.flatMap((s) => [...sweepSection(s), '']),
      ...phases,
    ].join('\n') + '\n'
  );
}
