/** Where a chart's plot sits inside its SVG: the box left for the data once the axes' margins are taken. */
import { textWidth } from './scale';

export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** The plot's box in SVG pixels, and the whole SVG's size. */
export interface PlotArea {
  left: number;
  top: number;
  right: number;
  bottom: number;
  width: number;
  height: number;
  svgWidth: number;
  svgHeight: number;
}

/** The plot box of an SVG `width`×`height` with `margin` (never negative: a tiny container draws a point). */
export function plotArea(width: number, height: number, margin: Margin): PlotArea {
  const left = margin.left;
  const top = margin.top;
  const right = Math.max(left, width - margin.right);
  const bottom = Math.max(top, height - margin.bottom);
  return { left, top, right, bottom, width: right - left, height: bottom - top, svgWidth: width, svgHeight: height };
}

/** Room for the y-axis title (12 px text turned along the axis) beside the tick labels. */
export const Y_TITLE_SPACE = 18;
/** Tick mark length plus the gap before its label. */
export const TICK_SPACE = 7;
/** Below the plot: tick labels, then the x-axis title. */
export const X_AXIS_SPACE = 40;

/** The margin a y axis needs beside the plot: its title, its tick marks and its widest tick label. */
export function yAxisMargin(labels: readonly string[], fontSize = 11): number {
  return Math.ceil(Y_TITLE_SPACE + TICK_SPACE + Math.max(0, ...labels.map((l) => textWidth(l, fontSize))) + 2);
}

/** The right margin that keeps a numeric x axis' last label (centred on the plot's edge) inside the SVG. */
export function xEndMargin(lastLabel: string | undefined, min = 16, fontSize = 11): number {
  return Math.ceil(Math.max(min, lastLabel ? textWidth(lastLabel, fontSize) / 2 + 4 : 0));
}
