/**
 * Degenerate evaluations, said rather than hidden: a model whose test scores are (nearly) constant or saturated
 * at 0 or 1, a test split with one class, and a comparison of two models that cannot tell anything. Each warning
 * is one sentence saying what is wrong and what to do. Pure module: no tfjs, no DOM.
 *
 * Thresholds (per model, over the test rows):
 * - saturated: at least 99% of the rows have |logit| >= 13.8, a click probability within 1e-6 of 0 or 1 (float32
 *   probabilities round to exactly 1 from a logit of about 16.6, and then every row ties);
 * - nearly constant: the logits of at least 98% of the rows (1st to 99th percentile) lie within 1e-3 of each
 *   other, about 0.025 percentage points of probability at a 50% rate: the model ranks (almost) nothing.
 */
import { countBinaryLabels } from './validate';

/** One model's scores on the test rows: logits (before the final sigmoid) or click probabilities. */
export interface ModelScores {
  /** How a sentence names the model, e.g. "the original model". */
  name: string;
  logits?: ArrayLike<number>;
  probabilities?: ArrayLike<number>;
}

/** The paired comparison of two models' AUCs (diff = AUC of the second - AUC of the first, with its interval). */
export interface AucComparison {
  diff: number;
  low: number;
  high: number;
}

/** |logit| from which a click probability counts as saturated: sigmoid(13.8) = 1 - 1.0e-6. */
export const SATURATED_LOGIT = 13.8;
/** Share of the rows that makes a model saturated ("almost all"). */
export const ALMOST_ALL = 0.99;
/** Logit spread (1st to 99th percentile) below which a model's scores count as nearly constant. */
export const FLAT_LOGITS = 1e-3;

interface Spread {
  rows: number;
  /** Rows with |logit| >= SATURATED_LOGIT. */
  saturated: number;
  /** Largest |logit| (Infinity for a probability of exactly 0 or 1). */
  maxAbs: number;
  /** Every row has the same score. */
  constant: boolean;
  /** 99th minus 1st percentile of the logits. */
  spread: number;
  /** The probability of the first row, for the sentence about a constant model. */
  first: number;
}

/** The model's logits, from its probabilities when it gave those (0 and 1 become -Infinity and Infinity). */
function logitsOf(m: ModelScores): Float64Array {
  if (m.logits) return Float64Array.from(m.logits);
  const p = m.probabilities ?? [];
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = Math.log(p[i]) - Math.log1p(-p[i]);
  return out;
}

function spreadOf(logits: Float64Array): Spread {
  const n = logits.length;
  let saturated = 0;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(logits[i]);
    if (a >= SATURATED_LOGIT) saturated++;
    if (a > maxAbs) maxAbs = a;
  }
  const sorted = Float64Array.from(logits).sort();
  const lo = sorted[Math.floor(0.01 * (n - 1))];
  const hi = sorted[Math.ceil(0.99 * (n - 1))];
  return {
    rows: n,
    saturated,
    maxAbs,
    constant: sorted[0] === sorted[n - 1],
    spread: lo === hi ? 0 : hi - lo,
    first: 1 / (1 + Math.exp(-logits[0])),
  };
}

const degenerate = (s: Spread) => s.saturated >= ALMOST_ALL * s.rows || s.spread < FLAT_LOGITS;
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const percent = (x: number) => `${(100 * x).toFixed(x > 0.999 && x < 1 ? 2 : 1)}%`;
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(4)}`;

const CHECK_COLUMNS =
  'check the schema (which columns are numeric, categorical or ignored) and look for columns constant in the ' +
  'training rows but not in the test rows';

/** The sentence about one model whose scores are saturated or (nearly) constant, or null when they are not. */
function modelWarning(name: string, s: Spread): string | null {
  const who = capital(name);
  if (s.saturated >= ALMOST_ALL * s.rows) {
    const size = Number.isFinite(s.maxAbs) ? `logits as large as ${s.maxAbs.toPrecision(3)}` : 'some exactly';
    return (
      `${who} gives ${percent(s.saturated / s.rows)} of the ${s.rows} test rows a click probability within ` +
      `1e-6 of 0 or 1 (${size}), so its probabilities tie and neither its AUC nor its log loss can be trusted; ` +
      `${CHECK_COLUMNS}, whose values there lie far outside their training range.`
    );
  }
  if (s.constant) {
    return (
      `${who} gives all ${s.rows} test rows the same score (a click probability of ${s.first.toPrecision(4)}), ` +
      `so its AUC of exactly 0.5 ranks nothing; ${CHECK_COLUMNS}, or whether the model learned anything at all.`
    );
  }
  if (s.spread < FLAT_LOGITS) {
    return (
      `${who} gives at least 98% of the ${s.rows} test rows nearly the same score (logits within ` +
      `${s.spread.toExponential(1)} of each other), so its AUC rests on the few rows it tells apart; ` +
      `${CHECK_COLUMNS}, or whether the model learned anything at all.`
    );
  }
  return null;
}

/** Largest |difference| of two models' logits over the rows where both are finite (0 when there is none). */
function maxLogitDiff(a: Float64Array, b: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(b[i] - a[i]);
    if (Number.isFinite(d) && d > max) max = d;
  }
  return max;
}

/** The sentence about a comparison that cannot tell anything, or null when it can. */
function comparisonWarning(
  names: [string, string],
  spreads: [Spread, Spread],
  maxDiff: number,
  comparison: AucComparison | undefined,
): string | null {
  const [a, b] = names;
  const change = comparison
    ? `the AUC change of ${signed(comparison.diff)} [${signed(comparison.low)}, ${signed(comparison.high)}]`
    : 'any AUC change';
  const differ = maxDiff >= FLAT_LOGITS ? ` (although their logits differ by up to ${maxDiff.toPrecision(3)})` : '';
  if (degenerate(spreads[0]) && degenerate(spreads[1])) {
    return (
      `The comparison of ${b} with ${a} cannot tell anything: both give (nearly) every test row the same score` +
      `${differ}, so ${change} comes from ties, not from any difference in quality; make ${a} score the test ` +
      'rows sensibly first.'
    );
  }
  if (comparison && comparison.diff === 0 && comparison.low === comparison.high && maxDiff >= FLAT_LOGITS) {
    return (
      `${capital(b)} orders every (click, non-click) pair of the test rows exactly as ${a} does${differ}, so ` +
      `${change} cannot see how they differ; compare their log losses instead.`
    );
  }
  return null;
}

/**
 * Warnings about a degenerate evaluation on the test rows: the original model's scores, and when there is one,
 * the compressed (or second) model's and their AUC comparison. Empty for a healthy evaluation.
 */
export function evaluationWarnings(
  labels: ArrayLike<number>,
  original: ModelScores,
  compressed?: ModelScores,
  comparison?: AucComparison,
): string[] {
  if (labels.length === 0) return [];
  const { positives, negatives } = countBinaryLabels(labels);
  if (positives === 0 || negatives === 0) {
    return [
      `All ${labels.length} test rows are ${positives === 0 ? 'non-clicks' : 'clicks'}, so no AUC can be ` +
        'measured on them; use test rows with both clicks and non-clicks.',
    ];
  }
  const la = logitsOf(original);
  const sa = spreadOf(la);
  const out = [modelWarning(original.name, sa)];
  if (compressed) {
    const lb = logitsOf(compressed);
    const sb = spreadOf(lb);
    out.push(modelWarning(compressed.name, sb));
    out.push(comparisonWarning([original.name, compressed.name], [sa, sb], maxLogitDiff(la, lb), comparison));
  }
  return out.filter((w): w is string => w !== null);
}
