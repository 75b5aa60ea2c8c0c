/**
 * The AUC change against the original with its paired DeLong 95% interval, and what it means in words and
 * colour: a significant loss (the whole interval below zero), a significant gain, or within noise.
 */
import type { PlanResult } from '../engine/protocol';
import { formatSigned } from './format';

/** Whether an interval of the AUC change excludes zero, and on which side. */
export function significance(d: Pick<PlanResult['delong'], 'diff' | 'low' | 'high'>): 'loss' | 'gain' | 'noise' {
  if (d.high < 0) return 'loss';
  if (d.low > 0) return 'gain';
  return 'noise';
}

const WORDS = {
  loss: 'significant loss',
  gain: 'significant gain',
  noise: 'within noise',
} as const;

export function AucChange({ delong, stale }: { delong: PlanResult['delong'] | null; stale: boolean }) {
  const verdict = delong ? significance(delong) : null;
  return (
    <div className={`metric${stale ? ' stale' : ''}${verdict ? ` verdict-${verdict}` : ''}`}>
      <span className="label">AUC change (95% DeLong)</span>
      <span className="value" data-testid="auc-diff">
        {delong ? formatSigned(delong.diff) : '—'}
      </span>
      <span className="sub" data-testid="auc-interval">
        {delong ? `[${formatSigned(delong.low)}, ${formatSigned(delong.high)}]` : ''}
        {verdict && (
          <strong className="verdict" data-testid="auc-verdict">
            {' '}
            {WORDS[verdict]}
          </strong>
        )}
      </span>
    </div>
  );
}
