/**
 * A compression method as the engine sees it: how it factors a Dense layer and an embedding table, what it
 * needs from rows, and which variants it supports. Every method lives in its own file of this folder and is
 * listed once in ./index.ts; nothing else in the project names a method.
 */
import type { Decomposition, DenseWeights, LayerStatisticsView, Replacement, TableWeights } from '../decomposition';

/** Statistics a method reads from rows: layer inputs and id counts, or loss gradients (needs backprop). */
export type StatisticsKind = 'activations' | 'gradients';

export type DenseReplacement = Extract<Replacement, { kind: 'dense' }>;

export interface CompressionMethod {
  /** Stable id, used in plans, URLs, recipes, reports and the command line. */
  readonly id: string;
  /** Short name for charts and buttons. */
  readonly label: string;
  /** One sentence a first-time user can read. */
  readonly summary: string;
  /** Chart colour. */
  readonly color: string;
  /** Statistics it needs from rows; null: it reads the weights alone (data-blind). */
  readonly needs: StatisticsKind | null;
  /** Whether it still factors each kind of layer without rows (AFM weighs a table's ids alike then). */
  readonly dataFree: { dense: boolean; table: boolean };
  /** Supports statistics from the partly compressed model, layer by layer. */
  readonly sequential: boolean;
  /** Supports an activation between the two factors (then fine-tuning is required). */
  readonly activation: boolean;
  /** Highest rank of a Dense layer's decomposition. */
  denseWidth(dIn: number, dOut: number): number;
  dense(layer: string, w: DenseWeights, stats: LayerStatisticsView, maxRank: number): Decomposition;
  table(layer: string, t: TableWeights, stats: LayerStatisticsView, maxRank: number): Decomposition;
  /** The replacement with `activation` between its factors, started where it reproduces the layer. */
  withActivation?(d: Decomposition, r: DenseReplacement, activation: string): DenseReplacement;
}
