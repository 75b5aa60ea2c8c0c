/**
 * The plot of the frontier chart: AUC against thousands of parameters, a dot per sweep point in its method's
 * colour, each method's frontier line, the original and the current plan. Hand-drawn SVG: recharts spent
 * 50–100 ms redrawing it per sweep point.
 */
import { useCallback, useMemo } from 'react';
import { formatAuc } from '../format';
import type { FrontierData, FrontierDatum } from './frontierData';
import { CurrentRing, MethodDot, OriginalDiamond } from './frontierShapes';
import { FrontierTooltip } from './FrontierTooltip';
import { BottomAxis } from './svg/BottomAxis';
import { GridLines } from './svg/GridLines';
import { type PlotArea, X_AXIS_SPACE, xEndMargin, yAxisMargin } from './svg/layout';
import { LineSeries } from './svg/LineSeries';
import { linearScale, type Pt } from './svg/scale';
import { SideAxis } from './svg/SideAxis';
import { SvgPlot } from './svg/SvgPlot';
import { CHART_HEIGHT, methodColor, methodLabel, stepFormatter } from './theme';

/** The pixel position of a datum, for the plot box and the axes' domains. */
function placer(area: PlotArea, { x, y }: FrontierData): (d: FrontierDatum) => Pt {
  const sx = linearScale(x?.domain ?? [0, 1], [area.left, area.right]);
  const sy = linearScale(y?.domain ?? [0, 1], [area.bottom, area.top]);
  return (d) => ({ x: sx(d.x), y: sy(d.y) });
}

/** The chart's accessible name: how many points of which methods, and the original and current plan. */
function frontierLabel({ byMethod, original, current }: FrontierData): string {
  const n = byMethod.reduce((k, s) => k + s.data.length, 0);
  const methods = byMethod.map((s) => methodLabel(s.method)).join(', ');
  return (
    `Test AUC against parameters (thousands) of ${n} sweep points of ${methods}` +
    (original.length ? ', the original' : '') +
    (current.length ? ' and the current plan' : '') +
    '.'
  );
}

/** The sweep points, the original and the current plan on one scatter plot. */
export function FrontierPlot(data: FrontierData) {
  const { byMethod, frontiers, original, current, x, y } = data;
  const xFormat = stepFormatter(x?.ticks);
  const draw = useCallback(
    (area: PlotArea) => {
      if (!x || !y) return null;
      const at = placer(area, data);
      const sx = linearScale(x.domain, [area.left, area.right]);
      const sy = linearScale(y.domain, [area.bottom, area.top]);
      const xLabel = stepFormatter(x.ticks);
      return (
        <>
          <GridLines area={area} ys={y.ticks.map(sy)} xs={x.ticks.map(sx)} />
          <SideAxis
            area={area}
            side="left"
            ticks={y.ticks.map((t) => ({ at: sy(t), label: formatAuc(t) }))}
            title="Test AUC"
          />
          <BottomAxis
            area={area}
            ticks={x.ticks.map((t) => ({ at: sx(t), label: xLabel(t) }))}
            title="Parameters (thousands)"
          />
          {frontiers.map((f) => (
            <LineSeries
              key={`frontier-${f.method}`}
              name={`${f.method}-frontier`}
              color={methodColor(f.method)}
              strokeWidth={1.5}
              dotRadius={0}
              points={f.data.map(at)}
            />
          ))}
          {byMethod.map((s) => (
            <g key={s.method} className="chart-scatter" data-series={s.method}>
              {s.data.map((d) => {
                const p = at(d);
                return <MethodDot key={`${d.x},${d.y}`} cx={p.x} cy={p.y} method={s.method} />;
              })}
            </g>
          ))}
          {original.map((d) => (
            <OriginalDiamond key="original" cx={at(d).x} cy={at(d).y} />
          ))}
          {current.map((d) => (
            <CurrentRing key="current" cx={at(d).x} cy={at(d).y} />
          ))}
        </>
      );
    },
    [data, frontiers, byMethod, original, current, x, y],
  );
  // The pointer finds sweep points first, then the original, then the current plan (its ring is over a point).
  const targets = useMemo(
    () => [...byMethod.flatMap((s) => s.data), ...original, ...current],
    [byMethod, original, current],
  );
  const hover = useMemo(
    () => ({
      mode: 'xy' as const,
      targets: (area: PlotArea) => targets.map(placer(area, data)),
      tooltip: (i: number) => <FrontierTooltip datum={targets[i]} />,
    }),
    [targets, data],
  );
  const margin = {
    top: 12,
    right: xEndMargin(x ? xFormat(x.ticks[x.ticks.length - 1]) : undefined),
    bottom: X_AXIS_SPACE,
    left: yAxisMargin((y?.ticks ?? []).map(formatAuc)),
  };
  return <SvgPlot label={frontierLabel(data)} height={CHART_HEIGHT} margin={margin} draw={draw} hover={hover} />;
}
