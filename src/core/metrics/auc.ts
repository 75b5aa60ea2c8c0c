/**
 * ROC AUC: the probability that a randomly chosen click is scored above a randomly chosen non-click, ties
 * counting one half. Exact, by mid-ranks, in O(n log n). Pure module: no tfjs, no DOM.
 */
import { midranks } from './ranks';
import { checkRankingInputs } from './validate';

/** Exact ROC AUC of `scores` against 0/1 `labels` (O(n log n), ties get half credit); throws on one class or NaN. */
export function auc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { positives: m, negatives: n } = checkRankingInputs(labels, scores);
  const ranks = midranks(scores);
  // Mann-Whitney: U = (sum of the clicks' mid-ranks) - m(m+1)/2 counts the (click, non-click) pairs ordered
  // correctly, ties as 1/2. Every term is an integer or a half-integer, so U is exact below 2^52.
  let rankSum = 0;
  for (let i = 0; i < ranks.length; i++) if (labels[i] === 1) rankSum += ranks[i];
  return (rankSum - (m * (m + 1)) / 2) / (m * n);
}
