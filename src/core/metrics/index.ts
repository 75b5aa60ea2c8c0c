/** Pure-TypeScript evaluation metrics for CTR models: AUC, log loss, DeLong's test, the normal distribution. */
export { auc } from './auc';
export { logLoss, logLossFromLogits, sigmoid } from './logloss';
export { delong, aucWithCI, placements } from './delong';
export type { DeLongResult, AucInterval, Placements } from './delong';
export { erf, erfc, normalCdf, normalQuantile } from './normal';
export { midranks, sortedOrder } from './ranks';
export { evaluationWarnings, SATURATED_LOGIT, FLAT_LOGITS, ALMOST_ALL } from './degenerate';
export type { ModelScores, AucComparison } from './degenerate';
