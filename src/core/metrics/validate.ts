/**
 * Input checks shared by the metrics, each failure a StudioError with one sentence saying what is wrong and what
 * to do. Pure module: no tfjs, no DOM.
 */
import { StudioError } from '../errors';

/** Throws INVALID_ARGUMENT unless `values` has one entry per label (`what` names them, plural: "scores"). */
export function requireSameLength(labels: ArrayLike<number>, values: ArrayLike<number>, what: string): void {
  if (labels.length !== values.length) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `There are ${labels.length} labels but ${values.length} ${what}; give exactly one per labelled row.`,
      { labels: labels.length, values: values.length },
    );
  }
}

/** Throws DATA_EMPTY when there are no rows at all. */
export function requireRows(n: number): void {
  if (n === 0) {
    throw new StudioError(
      'DATA_EMPTY',
      'There are no rows to evaluate; give data with at least one click and one non-click.',
    );
  }
}

/** Throws INVALID_ARGUMENT at the first NaN in `values` (`what` names one, e.g. "score"; infinities are allowed). */
export function requireNoNaN(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) {
      throw new StudioError(
        'INVALID_ARGUMENT',
        `The ${what} in row ${i + 1} is NaN; every row needs a number, so check the model ` +
          `for NaN outputs (often a diverged training run).`,
        { row: i },
      );
    }
  }
}

/** Counts clicks (1) and non-clicks (0); throws INVALID_ARGUMENT at the first label that is neither. */
export function countBinaryLabels(labels: ArrayLike<number>): { positives: number; negatives: number } {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y === 1) positives++;
    else if (y !== 0) {
      throw new StudioError(
        'INVALID_ARGUMENT',
        `The label in row ${i + 1} is ${String(y)}, not 0 or 1; labels must be 1 for a click and 0 for a non-click.`,
        { row: i, label: y },
      );
    }
  }
  return { positives, negatives: labels.length - positives };
}

/** Throws DATA_ONE_CLASS when every label is the same, since no pair of a click and a non-click exists to rank. */
export function requireBothClasses(positives: number, negatives: number): void {
  if (positives === 0 || negatives === 0) {
    const all = positives === 0 ? '0 (no row is a click)' : '1 (every row is a click)';
    throw new StudioError(
      'DATA_ONE_CLASS',
      `AUC is undefined because all ${positives + negatives} labels are ${all}; use ` +
        `data with both clicks and non-clicks.`,
      { positives, negatives },
    );
  }
}

/**
 * The checks every ranking metric needs (`model` names whose scores, e.g. "model B", if any); returns the class
 * counts.
 */
export function checkRankingInputs(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  model = '',
): { positives: number; negatives: number } {
  const of = model === '' ? '' : ` of ${model}`;
  requireSameLength(labels, scores, `scores${of}`);
  requireRows(labels.length);
  const counts = countBinaryLabels(labels);
  requireNoNaN(scores, `score${of}`);
  requireBothClasses(counts.positives, counts.negatives);
  return counts;
}
