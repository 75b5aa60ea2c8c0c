/**
 * What the worker found when it loaded an exported model back: its rescored AUC (or, data-free, that the weights
 * are the same), its parameters, the bytes of its weights against float32, and whether it was fine-tuned.
 */
import type { ExportResult } from '../engine/protocol';
import { formatAuc, formatInt } from './format';

/** The one-paragraph check of an exported model. */
export function ExportCheck({ exported }: { exported: ExportResult }) {
  return (
    <p className="small" data-testid="export-check">
      {Number.isNaN(exported.reloadedAuc) ? (
        <>
          Checked: loaded back, the same weights (data-free: no rows to score), {formatInt(exported.params)} parameters,
        </>
      ) : (
        <>
          Checked: loaded back and rescored, test AUC {formatAuc(exported.reloadedAuc)} (before export:{' '}
          {formatAuc(exported.auc)}), {formatInt(exported.params)} parameters,
        </>
      )}{' '}
      weights {formatInt(exported.weightBytes)} bytes
      {exported.weightBytes !== exported.float32Bytes
        ? ` instead of ${formatInt(exported.float32Bytes)} in float32 (largest weight ` +
          `change ${exported.maxWeightError.toExponential(2)})`
        : ''}
      .{exported.recipe.fineTune ? ' Fine-tuned weights.' : ''}
    </p>
  );
}
