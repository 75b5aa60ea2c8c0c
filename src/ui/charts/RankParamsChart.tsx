/** Parameter count against the dense rank, one line per method, with the original's count. */
import { CartesianGrid, Label, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TooltipContentProps } from 'recharts';
import type { SweepMethod as Method, SweepPointInfo } from '../../engine/protocol';
import { formatInt } from '../format';
import type { LegendItem } from './ChartLegend';
import { ChartFrame } from './ChartFrame';
import { ChartTooltip, type TooltipRow } from './ChartTooltip';
import { AXIS_LABEL, CHART_HEIGHT, GRID_COLOR, METHOD_COLOR, METHOD_LABEL, METHODS, ORIGINAL_COLOR, ORIGINAL_DASH, TICK, formatPercent, niceAxis, stepFormatter, rankLabel, sortRanks } from './theme';

export interface RankParamsChartProps {
  points: SweepPointInfo[];
  /** Parameters of the original model (null = not known yet). */
  baselineParams: number | null;
  /** Only the points with this embedding rank are drawn (null = embeddings kept). */
  embeddingRank: number | null;
}

interface Row {
  rank: string;
  afm?: number;
  svd?: number;
  afmPoint?: SweepPointInfo;
  svdPoint?: SweepPointInfo;
}

function RankParamsTooltip({ active, payload, baselineParams }: TooltipContentProps & { baselineParams: number | null }) {
  const row = payload?.[0]?.payload as Row | undefined;
  if (!active || !row) return null;
  const rows: TooltipRow[] = [];
  for (const m of METHODS) {
    const p = m === 'afm' ? row.afmPoint : row.svdPoint;
    if (p) rows.push({ label: METHOD_LABEL[m], value: `${formatInt(p.params)} (${formatPercent(p.paramRatio)})`, color: METHOD_COLOR[m] });
  }
  if (baselineParams !== null) rows.push({ label: 'Original', value: formatInt(baselineParams), color: ORIGINAL_COLOR });
  return <ChartTooltip heading={row.rank === 'keep' ? 'Dense layers kept' : `Dense rank ${row.rank}`} rows={rows} />;
}

export function RankParamsChart({ points, baselineParams, embeddingRank }: RankParamsChartProps) {
  const shown = points.filter((p) => p.embeddingRank === embeddingRank);
  const ranks = sortRanks(shown.map((p) => p.denseRank));
  const rows: Row[] = ranks.map((r) => ({ rank: rankLabel(r) }));
  const present = new Set<Method>();
  for (const p of shown) {
    const row = rows[ranks.indexOf(p.denseRank)];
    present.add(p.method);
    if (p.method === 'afm') Object.assign(row, { afm: p.params / 1000, afmPoint: p });
    else Object.assign(row, { svd: p.params / 1000, svdPoint: p });
  }
  const y = niceAxis([...shown.map((p) => p.params / 1000), ...(baselineParams !== null ? [baselineParams / 1000] : [])], 6, { includeZero: true });
  const embLabel = embeddingRank === null ? 'embeddings kept' : `embedding rank ${embeddingRank}`;
  const empty = shown.length === 0 ? (points.length === 0 ? 'No sweep yet: run a rank sweep to see parameters against rank.' : `No sweep points with ${embLabel}.`) : null;
  const both = rows.filter((r) => r.afm !== undefined && r.svd !== undefined);
  const coincide = both.length > 0 && both.every((r) => r.afmPoint?.params === r.svdPoint?.params);
  const legend: LegendItem[] = [
    ...(present.has('afm') ? [{ label: 'AFM', color: METHOD_COLOR.afm, mark: 'line' } as LegendItem] : []),
    ...(present.has('svd') ? [{ label: coincide ? 'SVD (same as AFM)' : 'SVD', color: METHOD_COLOR.svd, mark: 'dashed' } as LegendItem] : []),
    ...(baselineParams !== null ? [{ label: 'original', color: ORIGINAL_COLOR, mark: 'dashed' } as LegendItem] : []),
  ];

  return (
    <ChartFrame testId="chart-rank-params" title={<>Parameters by dense rank <small>{embLabel}</small></>} emptyMessage={empty} legend={legend}>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 22, left: 14 }}>
          <CartesianGrid stroke={GRID_COLOR} vertical={false} />
          <XAxis dataKey="rank" type="category" tick={TICK} tickLine={false} interval={0}>
            <Label value="Dense rank (components)" position="bottom" offset={4} style={AXIS_LABEL} />
          </XAxis>
          <YAxis type="number" domain={y?.domain} ticks={y?.ticks} tickFormatter={stepFormatter(y?.ticks)} tick={TICK} width={52}>
            <Label value="Parameters (thousands)" angle={-90} position="insideLeft" offset={-8} style={{ ...AXIS_LABEL, textAnchor: 'middle' }} />
          </YAxis>
          <Tooltip content={(props) => <RankParamsTooltip {...props} baselineParams={baselineParams} />} isAnimationActive={false} />
          {present.has('afm') && <Line dataKey="afm" name="AFM" stroke={METHOD_COLOR.afm} strokeWidth={2.5} dot={{ r: 3.5, fill: METHOD_COLOR.afm }} connectNulls isAnimationActive={false} />}
          {present.has('svd') && (
            <Line dataKey="svd" name="SVD" stroke={METHOD_COLOR.svd} strokeWidth={2} strokeDasharray="6 4" dot={{ r: 2.5, fill: METHOD_COLOR.svd }} connectNulls isAnimationActive={false} />
          )}
          {baselineParams !== null && (
            <ReferenceLine y={baselineParams / 1000} stroke={ORIGINAL_COLOR} strokeDasharray={ORIGINAL_DASH} ifOverflow="extendDomain">
              <Label value={`original ${formatInt(baselineParams)}`} position="insideBottomLeft" style={{ fontSize: 11, fill: ORIGINAL_COLOR }} />
            </ReferenceLine>
          )}
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
