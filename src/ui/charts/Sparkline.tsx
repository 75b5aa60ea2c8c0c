/** A tiny inline SVG of a cumulative explained-variance curve with a marker at a rank (for the layer table). */
import { memo } from 'react';
import type { Method } from '../../engine/protocol';
import { methodColor, methodLabel, MUTED_COLOR } from './theme';
import './charts.css';

export interface SparklineProps {
  /** explained[k] = fraction kept at rank k (0..1), k = 0..maxRank. */
  explained: number[];
  /** Marked rank (null = the layer is kept: no marker). */
  rank: number | null;
  width?: number;
  height?: number;
  /** Colors the curve and names it in the title. */
  method?: Method;
}

/** The text of the sparkline's title: "AFM explained variance: 97.7% at rank 64". */
export function sparklineTitle(explained: number[], rank: number | null, method?: Method): string {
  const who = method ? `${methodLabel(method)} explained variance` : 'Explained variance';
  const maxRank = explained.length - 1;
  if (maxRank < 0) return `${who}: no spectrum`;
  if (rank === null) return `${who}: layer kept (full rank ${maxRank})`;
  const k = Math.max(0, Math.min(rank, maxRank));
  return `${who}: ${(explained[k] * 100).toFixed(1)}% at rank ${rank}`;
}

export const Sparkline = memo(function Sparkline({ explained, rank, width = 80, height = 20, method }: SparklineProps) {
  const title = sparklineTitle(explained, rank, method);
  const color = method ? methodColor(method) : '#334e68';
  const n = explained.length;
  const pad = 2;
  const sx = (k: number) => pad + (n > 1 ? (k / (n - 1)) * (width - 2 * pad) : (width - 2 * pad) / 2);
  const sy = (f: number) => pad + (1 - Math.max(0, Math.min(1, f))) * (height - 2 * pad);
  // At most ~2 points per pixel.
  const stride = Math.max(1, Math.floor(n / (2 * width)));
  const pts: string[] = [];
  for (let k = 0; k < n; k += stride) pts.push(`${sx(k).toFixed(1)},${sy(explained[k]).toFixed(1)}`);
  if (n > 0 && (n - 1) % stride !== 0) pts.push(`${sx(n - 1).toFixed(1)},${sy(explained[n - 1]).toFixed(1)}`);
  const k = rank === null || n === 0 ? null : Math.max(0, Math.min(rank, n - 1));

  return (
    <span className="sparkline" title={title} data-testid="sparkline">
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
        <line x1={pad} y1={height - pad} x2={width - pad} y2={height - pad} stroke="#d9e2ec" strokeWidth={1} />
        {n > 0 && (
          <polyline points={pts.join(' ')} fill="none" stroke={color} strokeWidth={1.25} strokeLinejoin="round" />
        )}
        {k !== null && (
          <>
            <line
              x1={sx(k)}
              y1={pad - 1}
              x2={sx(k)}
              y2={height - pad}
              stroke={MUTED_COLOR}
              strokeWidth={0.75}
              strokeDasharray="2 1.5"
            />
            <circle cx={sx(k)} cy={sy(explained[k])} r={2.25} fill={color} stroke="white" strokeWidth={0.75} />
          </>
        )}
      </svg>
    </span>
  );
});
