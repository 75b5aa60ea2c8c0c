/** A rank slider with a "keep" switch: null means the layer (or kind) stays as it is. */
import { memo } from 'react';

export const RankSlider = memo(function RankSlider({
  label,
  keepLabel,
  value,
  max,
  onChange,
  testId,
}: {
  label: string;
  /** The keep switch's accessible name ("Keep every Dense layer uncompressed"): each switch names its own kind. */
  keepLabel: string;
  value: number | null;
  max: number;
  onChange: (v: number | null) => void;
  testId: string;
}) {
  const keep = value === null;
  return (
    <div className="rank-slider">
      <label>
        <span className="slider-label">{label}</span>
        <input
          type="range"
          min={1}
          max={Math.max(1, max)}
          step={1}
          value={keep ? Math.max(1, max) : Math.min(value, max)}
          disabled={keep || max < 1}
          onChange={(e) => onChange(Number(e.target.value))}
          data-testid={testId}
          aria-label={label}
          aria-valuetext={keep ? 'keep' : String(value)}
        />
        <output data-testid={`${testId}-value`}>{keep ? 'keep' : value}</output>
      </label>
      <label className="keep" title={keepLabel}>
        <input
          type="checkbox"
          checked={keep}
          disabled={max < 1}
          aria-label={keepLabel}
          onChange={(e) => onChange(e.target.checked ? null : Math.max(1, Math.min(max, Math.round(max / 3))))}
          data-testid={`${testId}-keep`}
        />
        keep
      </label>
    </div>
  );
});
