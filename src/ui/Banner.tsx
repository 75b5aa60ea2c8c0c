/** One sentence about what went wrong (error) or what happened (notice), dismissible. */
export function Banner({
  error,
  notice,
  onDismiss,
}: {
  error: string | null;
  notice: string | null;
  onDismiss: () => void;
}) {
  if (!error && !notice) return null;
  return (
    <div
      className={error ? 'banner error' : 'banner notice'}
      role={error ? 'alert' : 'status'}
      data-testid={error ? 'error' : 'notice'}
    >
      <span>{error ?? notice}</span>
      <button type="button" className="link" onClick={onDismiss} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
