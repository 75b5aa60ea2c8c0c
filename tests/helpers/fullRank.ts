/** Full-rank AFM of a model: every compressible layer at its full rank, the invariant that it reproduces the model. */
import type { EncodedBatch, FeatureEncoding } from '../../src/core/data';
import { compressorOf, type LayerChoice } from './compressor';
import { predictLogits } from '../../src/tf/predict';
import type { LayersModel } from '../../src/tf/tfjs';
import { maxAbsDiff } from '../unit/onnx/reference';

/**
 * Max |logit difference| on `batch` between the model and its full-rank AFM (statistics from the same rows), and how
 * many layers were factored.
 */
export async function fullRankAfmDiff(
  model: LayersModel,
  encoding: FeatureEncoding,
  batch: EncodedBatch,
): Promise<{ diff: number; layers: number }> {
  const c = await compressorOf(model);
  await c.collect(encoding, batch);
  const choices: Record<string, LayerChoice> = {};
  for (const l of c.compressible)
    choices[l.name] = { method: 'afm', rank: l.kind === 'dense' ? l.shape.dOut : l.shape.dim };
  const compressed = await c.loadNet(c.build(c.explicitPlan(choices, { allowAboveBreakEven: true })));
  try {
    return {
      diff: maxAbsDiff(await predictLogits(compressed, encoding, batch), await predictLogits(model, encoding, batch)),
      layers: Object.keys(choices).length,
    };
  } finally {
    compressed.dispose();
  }
}
