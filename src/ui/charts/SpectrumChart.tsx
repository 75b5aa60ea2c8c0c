/** Cumulative explained variance of one layer against rank, AFM and SVD, with the chosen and break-even ranks. */
import {
  CartesianGrid,
  Label,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { TooltipContentProps } from 'recharts';
import { METHODS as REGISTERED } from '../../core/compress/methods';
import type { LayerSpectrum, Method } from '../../engine/protocol';
import type { LegendItem } from './ChartLegend';
import { ChartFrame } from './ChartFrame';
import { ChartTooltip, type TooltipRow } from './ChartTooltip';
import { AXIS_LABEL, CHART_HEIGHT, GRID_COLOR, methodColor, methodLabel, MUTED_COLOR, TICK, niceAxis } from './theme';

/** Every method of the registry has a spectrum (a sequential variant is a sweep series, not a spectrum). */
const SPECTRUM_METHODS: readonly Method[] = REGISTERED.map((m) => m.id);

export interface SpectrumChartProps {
  layer: string;
  /** Spectra of any layers: those of `layer` are drawn. */
  spectra: LayerSpectrum[];
  /** The chosen rank (null = the layer is kept). */
  rank: number | null;
  /** Above this rank the factored layer would be larger than the original. */
  breakEvenRank: number;
}

interface Row {
  rank: number;
  [method: string]: number | undefined;
}

const RANK_COLOR = '#102a43';

function SpectrumTooltip({ active, payload }: TooltipContentProps) {
  const row = payload?.[0]?.payload as Row | undefined;
  if (!active || !row) return null;
  const rows: TooltipRow[] = SPECTRUM_METHODS.filter((m) => row[m] !== undefined).map((m) => ({
    label: methodLabel(m),
    value: `${row[m]!.toFixed(1)}%`,
    color: methodColor(m),
  }));
  return <ChartTooltip heading={`Rank ${row.rank}`} rows={rows} />;
}

export function SpectrumChart({ layer, spectra, rank, breakEvenRank }: SpectrumChartProps) {
  const mine = SPECTRUM_METHODS.map((m) => ({
    method: m,
    explained: spectra.find((s) => s.layer === layer && s.method === m)?.explained,
  })).filter((s): s is { method: Method; explained: number[] } => !!s.explained && s.explained.length > 0);
  const maxRank = Math.max(0, ...mine.map((s) => s.explained.length - 1));
  const rows: Row[] = Array.from({ length: maxRank + 1 }, (_, k) => {
    const row: Row = { rank: k };
    for (const s of mine) if (k < s.explained.length) row[s.method] = s.explained[k] * 100;
    return row;
  });
  // Ticks at a nice step, the axis ending at the last rank (not at the next nice number).
  const xTicks = (niceAxis([0, maxRank], 6, { includeZero: true, pad: 0 })?.ticks ?? [0]).filter((t) => t <= maxRank);
  const legend: LegendItem[] = mine.map((s) => ({
    label: methodLabel(s.method),
    color: methodColor(s.method),
    mark: 'line',
  }));
  const empty =
    mine.length === 0 ? `No spectrum for ${layer} yet: prepare the model (statistics and decompositions) first.` : null;
  const at = (m: Method) => {
    const s = mine.find((t) => t.method === m);
    return s && rank !== null ? s.explained[Math.min(rank, s.explained.length - 1)] : undefined;
  };
  const atText = SPECTRUM_METHODS.map((m) => [m, at(m)] as const)
    .filter(([, v]) => v !== undefined)
    .map(([m, v]) => `${methodLabel(m)} ${(v! * 100).toFixed(1)}%`)
    .join(', ');
  // Labels of the two lines would overlap when the ranks are close: the break-even label goes to the bottom then.
  const clash = rank !== null && Math.abs(rank - breakEvenRank) < Math.max(1, maxRank * 0.15);

  return (
    <ChartFrame
      testId="chart-spectrum"
      title={
        <>
          Explained variance <small>{layer}</small>
        </>
      }
      emptyMessage={empty}
      legend={legend}
      caption={
        <>
          <b>AFM</b>: share of the variance of the layer&apos;s outputs on the calibration rows kept at each rank.{' '}
          <b>SVD</b>: share of the energy of the weights (sum of squared singular values).
          {rank !== null && atText ? ` At rank ${rank}: ${atText}.` : ''}
        </>
      }
    >
      <ResponsiveContainer width="100%" height={CHART_HEIGHT - 36}>
        <LineChart data={rows} margin={{ top: 16, right: 16, bottom: 22, left: 14 }}>
          <CartesianGrid stroke={GRID_COLOR} vertical={false} />
          <XAxis
            type="number"
            dataKey="rank"
            domain={[0, Math.max(1, maxRank)]}
            ticks={xTicks}
            tick={TICK}
            allowDecimals={false}
          >
            <Label value="Rank (components)" position="bottom" offset={4} style={AXIS_LABEL} />
          </XAxis>
          <YAxis
            type="number"
            domain={[0, 100]}
            ticks={[0, 25, 50, 75, 100]}
            tick={TICK}
            width={40}
            tickFormatter={(v: number) => `${v}`}
          >
            <Label
              value="Explained variance (%)"
              angle={-90}
              position="insideLeft"
              offset={2}
              style={{ ...AXIS_LABEL, textAnchor: 'middle' }}
            />
          </YAxis>
          <Tooltip content={(props) => <SpectrumTooltip {...props} />} isAnimationActive={false} />
          {mine.map((s) => (
            <Line
              key={s.method}
              dataKey={s.method}
              name={methodLabel(s.method)}
              stroke={methodColor(s.method)}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          ))}
          {breakEvenRank > 0 && breakEvenRank <= maxRank && (
            <ReferenceLine x={breakEvenRank} stroke={MUTED_COLOR} strokeDasharray="3 3">
              <Label
                value={`break-even ${breakEvenRank}`}
                position={clash ? 'insideBottomLeft' : 'top'}
                offset={clash ? 6 : 4}
                style={{ fontSize: 11, fill: '#486581' }}
              />
            </ReferenceLine>
          )}
          {rank !== null && rank <= maxRank && (
            <ReferenceLine x={rank} stroke={RANK_COLOR} strokeWidth={1.5}>
              <Label
                value={`rank ${rank}`}
                position="top"
                offset={4}
                style={{ fontSize: 11, fill: RANK_COLOR, fontWeight: 600 }}
              />
            </ReferenceLine>
          )}
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
