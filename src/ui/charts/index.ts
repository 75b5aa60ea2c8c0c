/**
 * Chart components of the studio (pure presentational: props in, SVG out): hand-drawn SVG (./svg) for the charts
 * that redraw while a sweep, training or fine-tuning runs, recharts for the latency bars (drawn once on request).
 */
import './charts.css';

export { RankAucChart, type RankAucChartProps } from './RankAucChart';
export { aucInterval } from './rankAucData';
export { RankParamsChart, type RankParamsChartProps } from './RankParamsChart';
export { FrontierChart, type FrontierChartProps } from './FrontierChart';
export { SpectrumChart, type SpectrumChartProps } from './SpectrumChart';
export { LatencyChart, formatMsShort, formatSpeedup, type LatencyChartProps } from './LatencyChart';
export { TrainingChart, type TrainingChartProps } from './TrainingChart';
export { Sparkline, sparklineTitle, type SparklineProps } from './Sparkline';
export { ChartFrame, type ChartFrameProps } from './ChartFrame';
export { ChartLegend, type LegendItem, type LegendMark } from './ChartLegend';
export { methodColor, methodLabel, ORIGINAL_COLOR } from './theme';
