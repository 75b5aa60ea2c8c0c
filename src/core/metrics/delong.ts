/**
 * DeLong's nonparametric variance of AUC (DeLong, DeLong & Clarke-Pearson 1988), for one model and for the
 * difference of two models scored on the same rows, by the O(n log n) mid-rank algorithm of Sun & Xu (2014).
 * Pure module: no tfjs, no DOM.
 */
import { StudioError } from '../errors';
import { normalCdf, normalQuantile } from './normal';
import { midranks } from './ranks';
import { checkRankingInputs } from './validate';

/** DeLong's test of AUC(B) - AUC(A) for two models scored on the same rows, with a two-sided p and a CI. */
export interface DeLongResult {
  aucA: number;
  aucB: number;
  /** aucB - aucA */
  diff: number;
  /** standard error of diff */
  se: number;
  /** diff / se (0 when both are 0, ±Infinity when only se is) */
  z: number;
  /** two-sided p-value of diff = 0 */
  p: number;
  /** confidence interval of diff, clipped to [-1, 1] */
  low: number;
  high: number;
}

/** AUC with its DeLong standard error and confidence interval (clipped to [0, 1]). */
export interface AucInterval {
  auc: number;
  se: number;
  low: number;
  high: number;
}

/**
 * DeLong's structural components of one model's AUC: v10[i] is the share of non-clicks that click i outranks
 * (ties 1/2), v01[j] the share of clicks that outrank non-click j; auc is the mean of either.
 */
export interface Placements {
  auc: number;
  v10: Float64Array;
  v01: Float64Array;
}

/** DeLong's test that two models scored on the same rows have equal AUC (diff = aucB - aucA, two-sided p). */
export function delong(
  labels: ArrayLike<number>,
  scoresA: ArrayLike<number>,
  scoresB: ArrayLike<number>,
  confidence = 0.95,
): DeLongResult {
  const crit = zForConfidence(confidence);
  const split = splitClasses(labels, scoresA, 'model A');
  checkRankingInputs(labels, scoresB, 'model B');
  const a = placementsOf(scoresA, split);
  const b = placementsOf(scoresB, split);
  const m = split.pos.length;
  const n = split.neg.length;
  // Var(B - A) = S10[BB]/m + S01[BB]/n + S10[AA]/m + S01[AA]/n - 2(S10[AB]/m + S01[AB]/n), which equals the
  // sample variances of the per-row differences of components; that form cannot cancel below 0 and is exactly 0
  // for identical models.
  const d10 = new Float64Array(m);
  const d01 = new Float64Array(n);
  for (let i = 0; i < m; i++) d10[i] = b.v10[i] - a.v10[i];
  for (let j = 0; j < n; j++) d01[j] = b.v01[j] - a.v01[j];
  const se = Math.sqrt(sampleVariance(d10) / m + sampleVariance(d01) / n);
  const diff = b.auc - a.auc;
  if (se === 0) {
    // Identical rankings of every (click, non-click) pair: nothing to test.
    const stat = diff === 0 ? 0 : diff > 0 ? Infinity : -Infinity;
    return { aucA: a.auc, aucB: b.auc, diff, se: 0, z: stat, p: diff === 0 ? 1 : 0, low: diff, high: diff };
  }
  const stat = diff / se;
  const p = Math.min(1, 2 * normalCdf(-Math.abs(stat)));
  return {
    aucA: a.auc,
    aucB: b.auc,
    diff,
    se,
    z: stat,
    p,
    low: clip(diff - crit * se, -1, 1),
    high: clip(diff + crit * se, -1, 1),
  };
}

/** A model's AUC with DeLong's standard error and a normal confidence interval, clipped to [0, 1]. */
export function aucWithCI(labels: ArrayLike<number>, scores: ArrayLike<number>, confidence = 0.95): AucInterval {
  const crit = zForConfidence(confidence);
  const split = splitClasses(labels, scores);
  const pl = placementsOf(scores, split);
  const se = Math.sqrt(sampleVariance(pl.v10) / pl.v10.length + sampleVariance(pl.v01) / pl.v01.length);
  return { auc: pl.auc, se, low: clip(pl.auc - crit * se, 0, 1), high: clip(pl.auc + crit * se, 0, 1) };
}

/** DeLong's structural components (placement values) of one model, after the usual input checks. */
export function placements(labels: ArrayLike<number>, scores: ArrayLike<number>): Placements {
  return placementsOf(scores, splitClasses(labels, scores));
}

interface Split {
  pos: Uint32Array;
  neg: Uint32Array;
}

/** Row indices of clicks and non-clicks; checks the inputs and that each class has the two rows a variance needs. */
function splitClasses(labels: ArrayLike<number>, scores: ArrayLike<number>, model = ''): Split {
  const { positives, negatives } = checkRankingInputs(labels, scores, model);
  if (positives < 2 || negatives < 2) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `DeLong's standard error needs at least 2 clicks and 2 non-clicks, but the data ` +
        `has ${positives} click(s) and ${negatives} non-click(s); evaluate on more rows.`,
      { positives, negatives },
    );
  }
  const pos = new Uint32Array(positives);
  const neg = new Uint32Array(negatives);
  let p = 0;
  let q = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) pos[p++] = i;
    else neg[q++] = i;
  }
  return { pos, neg };
}

/**
 * Sun & Xu's fast components: with Tx, Ty, Tz the mid-ranks of a row among the clicks, among the non-clicks and
 * among all rows, v10 = (Tz - Tx) / n and v01 = 1 - (Tz - Ty) / m (Tz - Tx counts the non-clicks below a click,
 * ties 1/2); AUC = (Σ Tz over clicks - m(m+1)/2) / (m n), exact before the one division.
 */
function placementsOf(scores: ArrayLike<number>, { pos, neg }: Split): Placements {
  const m = pos.length;
  const n = neg.length;
  const x = new Float64Array(m);
  const y = new Float64Array(n);
  const all = new Float64Array(m + n);
  for (let i = 0; i < m; i++) all[i] = x[i] = scores[pos[i]];
  for (let j = 0; j < n; j++) all[m + j] = y[j] = scores[neg[j]];
  const tx = midranks(x);
  const ty = midranks(y);
  const tz = midranks(all);
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(n);
  let rankSum = 0;
  for (let i = 0; i < m; i++) {
    v10[i] = (tz[i] - tx[i]) / n;
    rankSum += tz[i];
  }
  for (let j = 0; j < n; j++) v01[j] = 1 - (tz[m + j] - ty[j]) / m;
  return { auc: (rankSum - (m * (m + 1)) / 2) / (m * n), v10, v01 };
}

/** Unbiased sample variance (denominator k - 1), two-pass for accuracy. */
function sampleVariance(v: Float64Array): number {
  const k = v.length;
  let mean = 0;
  for (let i = 0; i < k; i++) mean += v[i];
  mean /= k;
  let ss = 0;
  for (let i = 0; i < k; i++) {
    const d = v[i] - mean;
    ss += d * d;
  }
  return ss / (k - 1);
}

/** The two-sided normal critical value for a confidence level in (0, 1), e.g. 1.959963984540054 for 0.95. */
function zForConfidence(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `The confidence level is ${confidence}; use a number strictly between 0 and 1, such as 0.95.`,
    );
  }
  return -normalQuantile((1 - confidence) / 2);
}

function clip(v: number, lo: number, hi: number): number {
  return v < lo ? lo : Math.min(v, hi);
}
