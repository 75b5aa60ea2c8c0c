/** The spectrum chart's tooltip: each method's explained variance at the rank under the pointer. */
import { ChartTooltip, type TooltipRow } from './ChartTooltip';
import { SPECTRUM_METHODS, type SpectrumRow } from './spectrumData';
import { methodColor, methodLabel } from './theme';

/** The explained variance of every method at one rank. */
export function SpectrumTooltip({ row }: { row: SpectrumRow }) {
  const rows: TooltipRow[] = SPECTRUM_METHODS.filter((m) => row[m] !== undefined).map((m) => ({
    label: methodLabel(m),
    value: `${row[m]!.toFixed(1)}%`,
    color: methodColor(m),
  }));
  return <ChartTooltip heading={`Rank ${row.rank}`} rows={rows} />;
}
