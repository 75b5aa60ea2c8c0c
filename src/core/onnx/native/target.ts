/**
 * An ONNX graph run as it is, as a CompressionTarget: its Dense and Embedding units with their weights in
 * the engine's convention (kernel [dIn, dOut], y = xW + b), parameter counts that add each factored layer's
 * factors (nothing folds), and a rewriter that returns the new graph as bytes. Pure.
 */
import type { DenseWeights, Replacement, TableWeights } from '../../compress/decomposition';
import { factoredParams, type LayerInfo, type PlannedRank } from '../../compress/inventory';
import type { CompressionTarget, Rewritten } from '../../compress/target';
import { StudioError } from '../../errors';
import type { ParamAccounting } from '../../layers/accounting';
import { encodeModel } from '../onnx';
import { DT, elementCount } from '../tensors';
import type { OnnxGraph } from './graph';
import { rewriteOnnx } from './rewrite';
import { findUnits, type DenseUnit, type OnnxUnit } from './units';

const FLOAT_TYPES: ReadonlySet<number> = new Set([DT.FLOAT, DT.DOUBLE, DT.FLOAT16]);

/** Parameters of a graph: every float initializer's values (shape and index constants are not parameters). */
export function graphParams(g: Pick<OnnxGraph, 'graph'>): number {
  return g.graph.initializer.filter((t) => FLOAT_TYPES.has(t.dataType)).reduce((s, t) => s + elementCount(t.dims), 0);
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

/** A Gemm's bias C, broadcast to [dOut] and scaled by beta. */
function gemmBias(g: OnnxGraph, u: DenseUnit): Float32Array | null {
  if (!u.bias) return null;
  const c = g.floats(u.bias);
  if (c.length !== 1 && c.length !== u.dOut) {
    throw new StudioError(
      'MODEL_NOT_LAYERS',
      `The Gemm ${u.node.name} has a bias of ${c.length} values for ${u.dOut} outputs.`,
    );
  }
  return Float32Array.from({ length: u.dOut }, (_, j) => u.beta * c[c.length === 1 ? 0 : j]);
}

export class OnnxTarget implements CompressionTarget<Uint8Array> {
  readonly inventory: LayerInfo[];
  readonly originalParams: number;
  readonly units: Map<string, OnnxUnit>;

  constructor(
    readonly g: OnnxGraph,
    private readonly bytes: Uint8Array,
  ) {
    const found = findUnits(g);
    this.inventory = found.inventory;
    this.units = new Map(found.units.map((u) => [u.name, u]));
    this.originalParams = graphParams(g);
  }

  private unit(name: string): OnnxUnit {
    const u = this.units.get(name);
    if (!u) throw new StudioError('INVALID_ARGUMENT', `The model has no Dense or Embedding layer named ${name}.`);
    return u;
  }

  denseWeights(name: string): DenseWeights {
    const u = this.unit(name);
    if (u.kind !== 'dense') throw new StudioError('INTERNAL', `${name} is not a Dense layer.`);
    const w = this.g.floats(u.weight);
    let kernel: Float32Array;
    if (u.orientation === 'right') kernel = w;
    else if (u.orientation === 'left') kernel = transpose(w, u.dOut, u.dIn);
    else kernel = (u.transB ? transpose(w, u.dOut, u.dIn) : w).map((v) => u.alpha * v);
    return { kernel, bias: u.orientation === 'gemm' ? gemmBias(this.g, u) : null, dIn: u.dIn, dOut: u.dOut };
  }

  tableWeights(name: string): TableWeights {
    const u = this.unit(name);
    if (u.kind !== 'embedding') throw new StudioError('INTERNAL', `${name} is not an Embedding layer.`);
    return { table: this.g.floats(u.weight), vocab: u.vocab, dim: u.dim };
  }

  plannedParams(ranks: PlannedRank[]): number {
    let total = this.originalParams;
    for (const { layer, rank } of ranks) {
      const info = this.inventory.find((l) => l.name === layer);
      if (!info) throw new StudioError('INVALID_ARGUMENT', `The model has no Dense or Embedding layer ${layer}.`);
      total += factoredParams(info, rank) - info.params;
    }
    return total;
  }

  rewrite(replacements: Replacement[]): Rewritten<Uint8Array> {
    const model = rewriteOnnx(this.g.model, this.units, replacements, this.g.userDefinedMetadata);
    const layerParams = new Map<string, number>();
    for (const r of replacements) {
      const info = this.inventory.find((l) => l.name === r.layer)!;
      layerParams.set(r.layer, factoredParams(info, r.rank));
    }
    return { payload: encodeModel(model), params: graphParams(model), layerParams, fused: [] };
  }

  accounting(): ParamAccounting {
    return { kind: 'additive', params: this.originalParams };
  }

  fingerprint(): string {
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ 0x5bd1e995;
    for (let i = 0; i < this.bytes.length; i++) {
      a = Math.imul(a ^ this.bytes[i], 0x01000193);
      b = Math.imul(b ^ this.bytes[i], 0x5bd1e995) ^ (b >>> 15);
    }
    return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
  }
}
