/**
 * Shapes and element provenance through the three layers an embedding's up-projection may be folded across:
 * Concatenate, Flatten and Reshape. All shapes here are per sample (no batch axis) and row-major, as in tfjs.
 */

/** A per-sample shape: the layer output shape without its batch axis. */
export type Shape = number[];

/** Layer classes that only move elements around, so a linear map can be carried through them. */
export const REARRANGING = new Set(['Concatenate', 'Flatten', 'Reshape']);

/** True for a layer that only moves elements in row-major order (a channels_first Flatten transposes first). */
export function isRearranging(layer: { className: string; config: Record<string, unknown> }): boolean {
  if (layer.className === 'Flatten') return layer.config.data_format !== 'channels_first';
  return REARRANGING.has(layer.className);
}

/**
 * Where each element of a tensor comes from: element i is element idx[i] (row-major, per sample) of leaf
 * src[i]. A leaf is one edge into the rearranging region (a tensor made by any other layer).
 */
export interface Provenance {
  src: Int32Array;
  idx: Int32Array;
}

/** Number of elements of a per-sample shape. */
export const count = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** A known per-sample shape from a full layer output shape ([null, ...]); null when unknown or not a single tensor. */
export function perSample(full: readonly unknown[] | undefined): Shape | null {
  if (!Array.isArray(full) || full.length < 2) return null;
  const rest = full.slice(1);
  return rest.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0) ? (rest as number[]) : null;
}

/** The per-sample concatenation axis of a Concatenate config (its axis counts the batch axis); null if batch. */
export function concatAxis(config: Record<string, unknown>, rank: number): number | null {
  const axis = typeof config.axis === 'number' ? config.axis : -1;
  const full = axis < 0 ? axis + rank + 1 : axis;
  return full >= 1 && full <= rank ? full - 1 : null;
}

/** Output shape of a Concatenate, or an error sentence when the inputs disagree off the axis. */
export function concatShape(inputs: Shape[], axis: number): Shape | string {
  const rank = inputs[0].length;
  if (inputs.some((s) => s.length !== rank)) return 'inputs of different ranks';
  for (let d = 0; d < rank; d++) {
    if (d !== axis && inputs.some((s) => s[d] !== inputs[0][d])) return `inputs differ on axis ${d + 1}`;
  }
  const out = [...inputs[0]];
  out[axis] = inputs.reduce((a, s) => a + s[axis], 0);
  return out;
}

/** A Reshape's target with -1 resolved against its input size; null when it does not fit. */
export function resolveTarget(target: readonly number[], size: number): Shape | null {
  const known = target.filter((d) => d !== -1);
  const product = count(known);
  if (target.length - known.length > 1 || product === 0) return null;
  if (known.length === target.length) return product === size ? [...target] : null;
  return size % product === 0 ? target.map((d) => (d === -1 ? size / product : d)) : null;
}

/**
 * The Reshape target for a changed input, or null when it cannot be recomputed. Two cases keep the meaning
 * of the reshape: flattening to one axis, and regrouping the leading axes while keeping the last axis.
 */
export function recomputeTarget(target: Shape, oldIn: Shape, newIn: Shape): Shape | null {
  if (target.length === 1) return [count(newIn)];
  const last = oldIn[oldIn.length - 1];
  const keepsLast = target[target.length - 1] === last && count(target.slice(0, -1)) === count(oldIn.slice(0, -1));
  if (!keepsLast || count(newIn.slice(0, -1)) !== count(oldIn.slice(0, -1))) return null;
  return [...target.slice(0, -1), newIn[newIn.length - 1]];
}

/** Provenance of a leaf tensor of `size` elements. */
export function leafProvenance(leaf: number, size: number): Provenance {
  const idx = new Int32Array(size);
  for (let i = 0; i < size; i++) idx[i] = i;
  return { src: new Int32Array(size).fill(leaf), idx };
}

/** Provenance of a Concatenate output (Flatten and Reshape keep row-major order, so theirs is the input's). */
export function concatProvenance(inputs: { prov: Provenance; shape: Shape }[], axis: number): Provenance {
  const inner = count(inputs[0].shape.slice(axis + 1));
  const outer = count(inputs[0].shape.slice(0, axis));
  const total = inputs.reduce((a, i) => a + count(i.shape), 0);
  const src = new Int32Array(total);
  const idx = new Int32Array(total);
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (const input of inputs) {
      const block = input.shape[axis] * inner;
      src.set(input.prov.src.subarray(o * block, (o + 1) * block), at);
      idx.set(input.prov.idx.subarray(o * block, (o + 1) * block), at);
      at += block;
    }
  }
  return { src, idx };
}
