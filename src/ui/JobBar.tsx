/**
 * What the worker is doing: a label, a progress bar (rows, points, steps) with the time left once it can be
 * guessed, and a Cancel button for long jobs. It sits in the sticky status area, so it stays in sight.
 */
import { memo, useRef } from 'react';
import type { Job } from './useStudio';
import { formatInt } from './format';

/** "about 12 s left" / "about 3 min left" from the time so far and the fraction done; '' while too early. */
function timeLeft(elapsedMs: number, fraction: number | null): string {
  if (fraction === null || fraction < 0.05 || fraction >= 1 || elapsedMs < 1500) return '';
  const s = (elapsedMs * (1 - fraction)) / fraction / 1000;
  return s < 90 ? `about ${Math.max(1, Math.round(s))} s left` : `about ${Math.round(s / 60)} min left`;
}

export const JobBar = memo(function JobBar({ job, onCancel }: { job: Job | null; onCancel: () => void }) {
  // When the current job (by label) started: its progress gives the time left.
  const started = useRef<{ label: string; at: number } | null>(null);
  if (!job) {
    started.current = null;
    return (
      <div className="job-bar idle" data-testid="job-idle">
        Ready
      </div>
    );
  }
  if (started.current?.label !== job.label) started.current = { label: job.label, at: performance.now() };
  const p = job.progress;
  const fraction = p && p.total > 0 ? p.done / p.total : null;
  const left = timeLeft(performance.now() - started.current.at, fraction);
  return (
    <div className="job-bar" data-testid="job" role="status">
      <span className="job-label">{job.label}…</span>
      {p && (
        <span className="job-detail">
          {p.stage}: {formatInt(p.done)} / {formatInt(p.total)} {p.unit}
        </span>
      )}
      <progress max={1} value={fraction ?? undefined} aria-label={job.label} data-testid="job-progress" />
      {left && (
        <span className="job-detail" data-testid="job-left">
          {left}
        </span>
      )}
      {/* Only once the worker reports progress: then it is running the job, and a cancel reaches it. */}
      {job.cancellable && p && (
        <button type="button" onClick={onCancel} data-testid="cancel">
          Cancel
        </button>
      )}
    </div>
  );
});
