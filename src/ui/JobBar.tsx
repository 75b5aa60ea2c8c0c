/** What the worker is doing: a label, a progress bar (rows, points, steps) and a Cancel button for long jobs. */
import type { Job } from './useStudio';
import { formatInt } from './format';

export function JobBar({ job, onCancel }: { job: Job | null; onCancel: () => void }) {
  if (!job)
    return (
      <div className="job-bar idle" data-testid="job-idle">
        Ready
      </div>
    );
  const p = job.progress;
  const fraction = p && p.total > 0 ? p.done / p.total : null;
  return (
    <div className="job-bar" data-testid="job" role="status">
      <span className="job-label">{job.label}…</span>
      {p && (
        <span className="job-detail">
          {p.stage}: {formatInt(p.done)} / {formatInt(p.total)} {p.unit}
        </span>
      )}
      <progress max={1} value={fraction ?? undefined} data-testid="job-progress" />
      {/* Only once the worker reports progress: then it is running the job, and a cancel reaches it. */}
      {job.cancellable && p && (
        <button type="button" onClick={onCancel} data-testid="cancel">
          Cancel
        </button>
      )}
    </div>
  );
}
