/**
 * The rows of `ctr-studio report` (one compressed variant of a model scored against the original on the same
 * test rows) and how its tables print them. Pure.
 */

export interface ReportRow {
  label: string;
  params: number;
  bytes: number;
  bytesUint8: number;
  auc: number;
  /** AUC change against the original on the same rows, with its paired 95% DeLong interval. */
  diff: number;
  low: number;
  high: number;
  logloss: number;
  rowsPerSec: number;
  /** Sentences about degenerate scores or a comparison that cannot tell anything; empty when healthy. */
  warnings: string[];
  /** Seconds to build (fine-tune) and score the variant. */
  seconds?: number;
  /** Synthetic data: the teacher's AUC on the same rows minus this AUC (the distance to the Bayes limit). */
  teacherGap?: number;
  /** Fine-tuned rows: the validation check kept (fractional epochs; 0 = the compressed start, no step kept). */
  fineTuneBest?: number;
}

export const fmtInt = (x: number) => Math.round(x).toLocaleString('en-US');
export const fmtSigned = (x: number, digits = 4) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;
/** A difference with its interval: "+0.0012 [−0.0003, +0.0027]". */
export const fmtInterval = (d: { diff: number; low: number; high: number }) =>
  `${fmtSigned(d.diff)} [${fmtSigned(d.low)}, ${fmtSigned(d.high)}]`;

/** What a DeLong interval of an AUC change says, in words. */
export function verdictOf(d: { low: number; high: number }): 'significant loss' | 'significant gain' | 'within noise' {
  if (d.high < 0) return 'significant loss';
  if (d.low > 0) return 'significant gain';
  return 'within noise';
}
