/**
 * Test helpers for the graph rewriter: layer shapes from tfjs, and "planted" layers whose weights have an
 * exact low-rank form, so that the matching factors reproduce the model exactly.
 */
import { tf } from '../../../src/tf/tfjs';
import type { LayersModel } from '../../../src/tf/tfjs';
import { createRng, type Rng } from '../../../src/core/random';
import type { Replacement } from '../../../src/core/layers';

/** Output shape of every layer (node 0), as the caller of rewriteModel supplies it. */
export function layerShapes(model: LayersModel): Record<string, (number | null)[]> {
  const out: Record<string, (number | null)[]> = {};
  for (const l of model.layers) {
    try {
      out[l.name] = l.outputShape as (number | null)[];
    } catch {
      // Shared layers with different output shapes per call have no single shape.
    }
  }
  return out;
}

/** Standard normal sampler. */
export function normal(rng: Rng): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

function randn(n: number, scale: number, g: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => g() * scale);
}

/** a [m, k] · b [k, n], row-major, in float64. */
export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) out[i * n + j] += a[i * k + p] * b[p * n + j];
  return out;
}

/** Gives Dense `name` a rank-k kernel A·B (and a bias) and returns the factors that reproduce it exactly. */
export function plantDense(
  model: LayersModel,
  name: string,
  k: number,
  seed: number,
): Extract<Replacement, { kind: 'dense' }> {
  const g = normal(createRng(seed));
  const layer = model.getLayer(name);
  const old = layer.getWeights();
  const [dIn, dOut] = old[0].shape as [number, number];
  const useBias = old.length === 2;
  const a = randn(dIn * k, 1 / Math.sqrt(dIn), g);
  const b = randn(k * dOut, 1 / Math.sqrt(k), g);
  const bias = useBias ? randn(dOut, 0.1, g) : new Float32Array(dOut);
  const c = randn(k, 0.1, g);
  const kernel = Float32Array.from(matmul(a, b, dIn, k, dOut));
  layer.setWeights(
    useBias ? [tf.tensor2d(kernel, [dIn, dOut]), tf.tensor1d(bias)] : [tf.tensor2d(kernel, [dIn, dOut])],
  );
  // Split the bias between the factors so that both biases are exercised: second = bias − c·B.
  const cb = matmul(c, b, 1, k, dOut);
  return {
    kind: 'dense',
    layer: name,
    rank: k,
    first: { kernel: a, bias: c },
    second: { kernel: b, bias: Float32Array.from(bias, (v, j) => v - cb[j]) },
  };
}

/** k orthonormal columns of length dim (Gram-Schmidt), row-major [dim, k]. */
function orthonormal(dim: number, k: number, g: () => number): Float64Array {
  const q = new Float64Array(dim * k);
  for (let j = 0; j < k; j++) {
    const v = Float64Array.from({ length: dim }, () => g());
    for (let p = 0; p < j; p++) {
      let d = 0;
      for (let i = 0; i < dim; i++) d += v[i] * q[i * k + p];
      for (let i = 0; i < dim; i++) v[i] -= d * q[i * k + p];
    }
    const n = Math.hypot(...v);
    for (let i = 0; i < dim; i++) q[i * k + j] = v[i] / n;
  }
  return q;
}

/**
 * Gives Embedding `name` a table in μ + span(Q) (Q orthonormal, dim × k) and returns the factors AFM would
 * produce from it: table (E − μ)·Q, up = Qᵀ with bias μ.
 */
export function plantEmbedding(
  model: LayersModel,
  name: string,
  k: number,
  seed: number,
): Extract<Replacement, { kind: 'embedding' }> {
  const g = normal(createRng(seed));
  const layer = model.getLayer(name);
  const [vocab, dim] = layer.getWeights()[0].shape as [number, number];
  const q = orthonormal(dim, k, g);
  const mu = randn(dim, 0.2, g);
  const z = randn(vocab * k, 0.5, g);
  const qt = new Float64Array(k * dim);
  for (let i = 0; i < dim; i++) for (let j = 0; j < k; j++) qt[j * dim + i] = q[i * k + j];
  const e = Float32Array.from(matmul(z, qt, vocab, k, dim), (v, i) => v + mu[i % dim]);
  layer.setWeights([tf.tensor2d(e, [vocab, dim])]);
  const centred = Float64Array.from(e, (v, i) => v - mu[i % dim]);
  return {
    kind: 'embedding',
    layer: name,
    rank: k,
    table: Float32Array.from(matmul(centred, q, vocab, dim, k)),
    up: { kernel: Float32Array.from(qt), bias: mu },
  };
}

/** Adds small noise to every weight, so that tests see real weights travel (not initial values). */
export function perturb(model: LayersModel, seed: number): void {
  model.setWeights(model.getWeights().map((w, i) => tf.add(w, tf.randomNormal(w.shape, 0, 0.1, 'float32', seed + i))));
}

/** Model outputs for a list of input tensors, as a flat array. */
export async function outputs(model: LayersModel, inputs: tf.Tensor[]): Promise<Float32Array> {
  const y = model.predict(inputs) as tf.Tensor;
  const v = (await y.data()) as Float32Array;
  y.dispose();
  return v;
}

/** Largest absolute difference between two arrays of equal length. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths ${a.length} and ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Layer JSON entries of a (functional) topology by name. */
export function topologyLayers(
  topology: Record<string, unknown>,
): Map<string, { class_name: string; config: Record<string, unknown>; inbound_nodes: unknown[][][] }> {
  const top = (topology.model_config ?? topology) as {
    config: {
      layers: { name: string; class_name: string; config: Record<string, unknown>; inbound_nodes: unknown[][][] }[];
    };
  };
  return new Map(top.config.layers.map((l) => [l.name, l]));
}

/** Names of the layers an entry reads (node 0). */
export function readsFrom(layer: { inbound_nodes: unknown[][][] }): string[] {
  return (layer.inbound_nodes[0] ?? []).map((r) => r[0] as string);
}

/** Copies artifacts deeply, buffers included. */
export function cloneArtifacts<T>(a: T): T {
  return structuredClone(a);
}

/** Random int32 ids in [0, vocab) as a [rows, width] tensor. */
export function randomIds(rows: number, width: number, vocab: number, seed: number): tf.Tensor {
  const rng = createRng(seed);
  return tf.tensor2d(
    Int32Array.from({ length: rows * width }, () => Math.floor(rng() * vocab)),
    [rows, width],
    'int32',
  );
}

/** Random float inputs as a [rows, width] tensor. */
export function randomFloats(rows: number, width: number, seed: number): tf.Tensor {
  const g = normal(createRng(seed));
  return tf.tensor2d(
    Float32Array.from({ length: rows * width }, () => g()),
    [rows, width],
  );
}
