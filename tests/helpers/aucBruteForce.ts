/** AUC by brute force over every positive-negative pair: the reference the fast AUC is tested against. */
import { checkRankingInputs } from '../../src/core/metrics/validate';
export function aucBruteForce(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { positives: m, negatives: n } = checkRankingInputs(labels, scores);
  let wins = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      if (scores[i] > scores[j]) wins += 1;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  return wins / (m * n);
}
