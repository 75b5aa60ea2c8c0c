/**
 * The plot of the spectrum chart: one explained-variance line per method against rank, a dashed line at the
 * break-even rank and a solid one at the chosen rank.
 */
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
import { yAxisTitle } from './axisLabels';
import { spectrumLabelsClash, type SpectrumData } from './spectrumData';
import { SpectrumTooltip } from './SpectrumTooltip';
import { AXIS_LABEL, CHART_HEIGHT, GRID_COLOR, methodColor, methodLabel, MUTED_COLOR, TICK } from './theme';

interface Props {
  spectrum: SpectrumData;
  /** The chosen rank (null = the layer is kept). */
  rank: number | null;
  /** Above this rank the factored layer would be larger than the original. */
  breakEvenRank: number;
}

const RANK_COLOR = '#102a43';

/** A label over a vertical line near the plot's right edge ends at the line, so it is not cut off. */
const anchorAt = (x: number, max: number): 'end' | 'middle' => (x >= 0.8 * max ? 'end' : 'middle');

/** The explained-variance lines with the break-even and chosen ranks marked. */
export function SpectrumPlot({ spectrum: { mine, maxRank, rows, xTicks }, rank, breakEvenRank }: Props) {
  const clash = spectrumLabelsClash(rank, breakEvenRank, maxRank);
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT - 36}>
      <LineChart data={rows} margin={{ top: 16, right: 16, bottom: 22, left: 14 }}>
        <CartesianGrid stroke={GRID_COLOR} vertical={false} />
        <XAxis
          interval={0}
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
          interval={0}
          type="number"
          domain={[0, 100]}
          ticks={[0, 25, 50, 75, 100]}
          tick={TICK}
          width={40}
          tickFormatter={(v: number) => `${v}`}
        >
          <Label {...yAxisTitle('Explained variance (%)', 'left', 2)} />
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
              textAnchor={clash ? undefined : anchorAt(breakEvenRank, maxRank)}
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
              textAnchor={anchorAt(rank, maxRank)}
              offset={4}
              style={{ fontSize: 11, fill: RANK_COLOR, fontWeight: 600 }}
            />
          </ReferenceLine>
        )}
      </LineChart>
    </ResponsiveContainer>
  );
}
