/**
 * The recipe an opened model carries when it is itself a compression (an export of the studio or the command
 * line): how it was made and how it scored then, beside its AUC on the rows open now. Such a model is scored as it
 * is and not compressed again until the user asks (a button here).
 */
import { memo } from 'react';
import { METHODS } from '../core/compress/methods';
import type { CompressionRecipe } from '../core/compress/recipe';
import type { BaselineInfo } from '../engine/protocol';
import { formatAuc, formatInt, formatSigned } from './format';

interface Props {
  recipe: CompressionRecipe;
  /** The model's scores on the rows open now (null without rows it can score). */
  baseline: BaselineInfo | null;
  /** True until the user asks to compress it again. */
  held: boolean;
  busy: boolean;
  onCompressAgain: () => void;
}

const methodLabel = (id: string) => METHODS.find((m) => m.id === id)?.label ?? id;
const rank = (r: number | null) => (r === null ? 'kept' : String(r));

/** How the factored layers were made, in words. */
function howMade(r: CompressionRecipe): string {
  const parts = [
    r.dataFree
      ? `data-free (${r.idFrequencies ?? 'uniform'} id frequencies)`
      : `statistics of ${formatInt(r.calibrationRows)} rows${r.seed === null ? '' : ` (sample seed ${r.seed})`}`,
  ];
  if (r.statistics === 'sequential') parts.push('sequential statistics');
  if (r.activation) parts.push('an activation between the factors');
  if (r.fused > 0) parts.push(`${r.fused} up-projection${r.fused > 1 ? 's' : ''} folded`);
  if (r.budget !== null) parts.push(`ranks chosen for ${(100 * r.budget).toFixed(1)}% of the parameters`);
  return parts.join(', ');
}

export const RecipePanel = memo(function RecipePanel({ recipe: r, baseline, held, busy, onCompressAgain }: Props) {
  const layers = Object.entries(r.ranks);
  const change = r.aucBefore !== null && r.aucAfter !== null ? r.aucAfter - r.aucBefore : null;
  return (
    <section className="card recipe-panel" data-testid="recipe" aria-labelledby="recipe-title">
      <h2 id="recipe-title">This model is a compression</h2>
      <dl className="recipe">
        <dt>Method</dt>
        <dd data-testid="recipe-method">
          {methodLabel(r.method)}, dense rank {rank(r.denseRank)}, embedding rank {rank(r.embeddingRank)}
        </dd>
        <dt>Layers factored</dt>
        <dd>
          <details>
            <summary data-testid="recipe-layers">
              {layers.length} layer{layers.length === 1 ? '' : 's'}, from {howMade(r)}
            </summary>
            <span className="small">{layers.map(([name, k]) => `${name} ${k}`).join(' · ')}</span>
          </details>
        </dd>
        <dt>Test AUC then</dt>
        <dd data-testid="recipe-auc">
          {r.aucBefore !== null && r.aucAfter !== null ? (
            <>
              {formatAuc(r.aucBefore)} before → {formatAuc(r.aucAfter)} after ({formatSigned(change!)}, on{' '}
              {formatInt(r.testRows)} rows)
            </>
          ) : (
            'not scored (no rows)'
          )}
          {baseline && <> · now {formatAuc(baseline.auc)} on the open rows</>}
        </dd>
        <dt>Parameters</dt>
        <dd>
          {formatInt(r.paramsBefore)} → {formatInt(r.paramsAfter)}
        </dd>
        <dt>Weights, fine-tuning</dt>
        <dd>
          {r.quantization === 'none' ? 'float32' : r.quantization},{' '}
          {r.fineTune
            ? `fine-tuned ${r.fineTune.epochs} epoch${r.fineTune.epochs === 1 ? '' : 's'} (learning rate ` +
              `${r.fineTune.learningRate}, best check ${r.fineTune.bestEpoch})`
            : 'not fine-tuned'}
        </dd>
        <dt>Made by</dt>
        <dd data-testid="recipe-version">
          CTR Studio {r.studioVersion} from {r.source}, {r.createdAt.slice(0, 10)}
        </dd>
      </dl>
      {held ? (
        <p className="explain recipe-hold">
          It is scored as it is and <b>not compressed again</b>: factoring factors compounds the loss.{' '}
          <button type="button" disabled={busy} onClick={onCompressAgain} data-testid="compress-again">
            Compress it again
          </button>
        </p>
      ) : (
        <p className="explain">Compressed again below, starting from this model.</p>
      )}
    </section>
  );
});
