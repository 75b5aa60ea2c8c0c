/** The plot of the frontier chart: AUC against thousands of parameters, a scatter series per method. */
import { CartesianGrid, Label, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { ScatterShapeProps } from 'recharts';
import { formatAuc } from '../format';
import { yAxisTitle } from './axisLabels';
import type { FrontierData } from './frontierData';
import { currentRing, methodDot, originalDiamond } from './frontierShapes';
import { FrontierTooltip } from './FrontierTooltip';
import { AXIS_LABEL, CHART_HEIGHT, GRID_COLOR, methodColor, methodLabel, TICK, stepFormatter } from './theme';

/** The sweep points, the original and the current plan on one scatter chart. */
/** A frontier series draws only its line: the points are drawn by the method's own series. */
const noDot = () => <g />;

export function FrontierPlot({ byMethod, frontiers, original, current, x, y }: FrontierData) {
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
      <ScatterChart margin={{ top: 10, right: 16, bottom: 22, left: 14 }}>
        <CartesianGrid stroke={GRID_COLOR} />
        <XAxis
          interval={0}
          type="number"
          dataKey="x"
          domain={x?.domain}
          ticks={x?.ticks}
          tickFormatter={stepFormatter(x?.ticks)}
          tick={TICK}
        >
          <Label value="Parameters (thousands)" position="bottom" offset={4} style={AXIS_LABEL} />
        </XAxis>
        <YAxis
          interval={0}
          type="number"
          dataKey="y"
          domain={y?.domain}
          ticks={y?.ticks}
          tickFormatter={formatAuc}
          tick={TICK}
          width={52}
        >
          <Label {...yAxisTitle('Test AUC')} />
        </YAxis>
        <Tooltip
          content={(props) => <FrontierTooltip {...props} />}
          cursor={{ strokeDasharray: '3 3' }}
          isAnimationActive={false}
        />
        {frontiers.map((f) => (
          <Scatter
            key={`frontier-${f.method}`}
            name={`${methodLabel(f.method)} frontier`}
            data={f.data}
            line={{ stroke: methodColor(f.method), strokeWidth: 1.5 }}
            lineType="joint"
            shape={noDot}
            tooltipType="none"
            isAnimationActive={false}
          />
        ))}
        {byMethod.map((s) => (
          <Scatter
            key={s.method}
            name={methodLabel(s.method)}
            data={s.data}
            shape={(p: ScatterShapeProps) => methodDot(p, s.method)}
            isAnimationActive={false}
          />
        ))}
        {original.length > 0 && (
          <Scatter name="original" data={original} shape={originalDiamond} isAnimationActive={false} />
        )}
        {current.length > 0 && (
          <Scatter name="current plan" data={current} shape={currentRing} isAnimationActive={false} />
        )}
      </ScatterChart>
    </ResponsiveContainer>
  );
}
