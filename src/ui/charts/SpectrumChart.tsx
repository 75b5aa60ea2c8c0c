/** Cumulative explained variance of one layer against rank, AFM and SVD, with the chosen and break-even ranks. */
import { memo } from 'react';
import type { LayerSpectrum } from '../../engine/protocol';
import { ChartFrame } from './ChartFrame';
import { spectrumData } from './spectrumData';
import { SpectrumPlot } from './SpectrumPlot';
import { shortName } from '../ShownName';

export interface SpectrumChartProps {
  layer: string;
  /** Spectra of any layers: those of `layer` are drawn. */
  spectra: LayerSpectrum[];
  /** The chosen rank (null = the layer is kept). */
  rank: number | null;
  /** Above this rank the factored layer would be larger than the original. */
  breakEvenRank: number;
}

/** The spectrum chart of one layer, with a caption on what AFM and SVD measure and their values at the rank. */
export const SpectrumChart = memo(function SpectrumChart({ layer, spectra, rank, breakEvenRank }: SpectrumChartProps) {
  const spectrum = spectrumData(layer, spectra, rank);
  const { atText } = spectrum;
  const empty =
    spectrum.mine.length === 0
      ? `No spectrum for ${shortName(layer)} yet: prepare the model (statistics and decompositions) first.`
      : null;
  return (
    <ChartFrame
      testId="chart-spectrum"
      title={
        <>
          Explained variance <small>{shortName(layer)}</small>
        </>
      }
      emptyMessage={empty}
      legend={spectrum.legend}
      caption={
        <>
          <b>AFM</b>: share of the variance of the layer&apos;s outputs on the calibration rows kept at each rank.{' '}
          <b>SVD</b>: share of the energy of the weights (sum of squared singular values).
          {rank !== null && atText ? ` At rank ${rank}: ${atText}.` : ''}
        </>
      }
    >
      <SpectrumPlot spectrum={spectrum} rank={rank} breakEvenRank={breakEvenRank} />
    </ChartFrame>
  );
});
