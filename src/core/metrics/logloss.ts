/**
 * Binary cross-entropy (log loss) from probabilities or from logits, and a stable sigmoid. Natural log, mean over
 * rows. Pure module: no tfjs, no DOM.
 */
import { StudioError } from '../errors';
import { requireNoNaN, requireRows, requireSameLength } from './validate';

/** The logistic function 1 / (1 + e^-z), without overflow for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Mean binary cross-entropy of `probs` against labels in [0, 1], each probability clipped to [eps, 1 - eps]. */
export function logLoss(labels: ArrayLike<number>, probs: ArrayLike<number>, eps = 1e-7): number {
  if (!(eps >= 0 && eps < 0.5)) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `The log-loss clipping eps is ${eps}; use a small number in [0, 0.5), such as 1e-7.`,
    );
  }
  checkLossInputs(labels, probs, 'probabilities', 'probability');
  const lo = eps;
  const hi = 1 - eps;
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const p0 = probs[i];
    if (!(p0 >= 0 && p0 <= 1)) {
      throw new StudioError(
        'INVALID_ARGUMENT',
        `The probability in row ${i + 1} is ${p0}, outside [0, 1]; pass sigmoid outputs ` +
          `here, or use logLossFromLogits for raw logits.`,
        { row: i, value: p0 },
      );
    }
    const p = p0 < lo ? lo : Math.min(p0, hi);
    const y = labels[i];
    // log1p(-p) keeps log(1 - p) accurate when p is tiny.
    sum -= (y === 0 ? 0 : y * Math.log(p)) + (y === 1 ? 0 : (1 - y) * Math.log1p(-p));
  }
  return sum / labels.length;
}

/**
 * Mean binary cross-entropy straight from logits, max(z, 0) - z·y + log(1 + e^-|z|): exact for any |z|, no clipping
 * (so a confidently wrong logit of 1000 costs 1000, where logLoss would cap it near -ln(eps)).
 */
export function logLossFromLogits(labels: ArrayLike<number>, logits: ArrayLike<number>): number {
  checkLossInputs(labels, logits, 'logits', 'logit');
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const z = logits[i];
    const y = labels[i];
    if (z === Infinity || z === -Infinity) {
      // The limit of the formula; it avoids Infinity - Infinity when the label agrees with the logit.
      const agrees = (z > 0 && y === 1) || (z < 0 && y === 0);
      sum += agrees ? 0 : Infinity;
      continue;
    }
    sum += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
  }
  return sum / labels.length;
}

function checkLossInputs(labels: ArrayLike<number>, values: ArrayLike<number>, plural: string, one: string): void {
  requireSameLength(labels, values, plural);
  requireRows(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!(y >= 0 && y <= 1)) {
      throw new StudioError(
        'INVALID_ARGUMENT',
        `The label in row ${i + 1} is ${String(y)}, outside [0, 1]; labels must be 1 for ` +
          `a click and 0 for a non-click.`,
        { row: i, label: y },
      );
    }
  }
  requireNoNaN(values, one);
}
