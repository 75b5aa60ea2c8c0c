/**
 * The planted teachers that label synthetic click logs. Each maps a row's raw draws (integer counts, or null
 * when missing; categorical ids, or null) to a logit. Teachers are fixed by hashes of field and id, never by
 * the file's seed, so a training file and a test file made with different seeds share one teacher.
 *
 * - logistic: a weight per id and per numeric feature (what logistic regression can represent exactly).
 * - deep: a small linear part, a factorisation-machine part (pairwise interactions of 8-dimensional latent
 *   vectors per id) and a one-hidden-layer MLP over those latent vectors and the numeric features, each part
 *   standardised and weighted, so that pairwise and higher-order interactions carry most of the signal and a
 *   logistic regression cannot reach it. Pure.
 */
import { createRng } from '../random';

export type TeacherKind = 'logistic' | 'deep';
export const TEACHER_KINDS: readonly TeacherKind[] = ['logistic', 'deep'];

/** One row's draws: 13 counts (null = missing) and 26 ids (null = missing), Criteo's layout. */
export interface Draws {
  counts: (number | null)[];
  ids: (number | null)[];
}

export type Teacher = (d: Draws) => number;

export function hash32(a: number, b: number, c: number): number {
  let h =
    Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^
    Math.imul(b + 0x632be5ab, 0xc2b2ae35) ^
    Math.imul(c + 0x27d4eb2f, 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

const unit = (h: number) => h / 4294967296;
/** A standard normal value from two hashes (Box-Muller). */
const normalOf = (h1: number, h2: number) =>
  Math.sqrt(-2 * Math.log(unit(h1) + 2 ** -33)) * Math.cos(2 * Math.PI * unit(h2));

/** The logistic teacher, exactly as earlier versions labelled their files (same operations, same order). */
export function logisticTeacher(cards: number[]): Teacher {
  const fieldScale = cards.map((_, f) => 0.25 + 0.75 * unit(hash32(f, 0, 3)));
  const numWeight = Array.from({ length: 13 }, (_, j) => (unit(hash32(100 + j, 0, 5)) * 2 - 1) * 0.3);
  return ({ counts, ids }) => {
    let logit = 0;
    for (let j = 0; j < 13; j++) if (counts[j] !== null) logit += numWeight[j] * (Math.log1p(counts[j]!) - 2);
    for (let f = 0; f < 26; f++) if (ids[f] !== null) logit += (unit(hash32(f, ids[f]!, 7)) * 2 - 1) * fieldScale[f];
    return logit;
  };
}

/** Latent size of the deep teacher's id vectors, and its hidden layer's width. */
const LATENT = 8;
const HIDDEN = 32;
/** Weights of the standardised parts: linear, pairwise (FM), higher-order (MLP). */
const PART_WEIGHTS = { linear: 0.4, fm: 1.0, mlp: 1.0 };

/** The deep teacher's parts, unscaled: linear, FM and MLP logits of one row. */
function deepParts(): (d: Draws) => [number, number, number] {
  const rng = createRng(0x7eac4e5);
  const width = 26 * LATENT + 13;
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const w1 = Float64Array.from({ length: HIDDEN * width }, () => gauss() / Math.sqrt(width));
  const b1 = Float64Array.from({ length: HIDDEN }, () => 0.5 * gauss());
  const w2 = Float64Array.from({ length: HIDDEN }, () => gauss() / Math.sqrt(HIDDEN));
  const x = new Float64Array(width);
  const sum = new Float64Array(LATENT);
  // Latent vectors are hashed once per id and kept (ids are Zipf-distributed: the head repeats), up to a bound.
  const cache = new Map<number, Float64Array>();
  const latentOf = (f: number, id: number): Float64Array => {
    const key = id * 26 + f;
    let v = cache.get(key);
    if (v) return v;
    v = new Float64Array(LATENT);
    for (let k = 0; k < LATENT; k++)
      v[k] = normalOf(hash32(f, id, 11 + 2 * k), hash32(f, id, 12 + 2 * k)) / Math.sqrt(LATENT);
    if (cache.size < 2_000_000) cache.set(key, v);
    return v;
  };
  return ({ counts, ids }) => {
    let linear = 0;
    let squares = 0;
    sum.fill(0);
    x.fill(0);
    for (let f = 0; f < 26; f++) {
      const id = ids[f];
      if (id === null) continue;
      linear += unit(hash32(f, id, 7)) * 2 - 1;
      const latent = latentOf(f, id);
      for (let k = 0; k < LATENT; k++) {
        const v = latent[k];
        x[f * LATENT + k] = v;
        sum[k] += v;
        squares += v * v;
      }
    }
    for (let j = 0; j < 13; j++) {
      const c = counts[j];
      if (c === null) continue;
      const z = Math.log1p(c) - 2;
      x[26 * LATENT + j] = z;
      linear += (unit(hash32(100 + j, 0, 5)) * 2 - 1) * 0.3 * z;
    }
    let norm = 0;
    for (let k = 0; k < LATENT; k++) norm += sum[k] * sum[k];
    const fm = 0.5 * (norm - squares);
    let mlp = 0;
    for (let h = 0; h < HIDDEN; h++) {
      let a = b1[h];
      const row = h * width;
      for (let i = 0; i < width; i++) a += w1[row + i] * x[i];
      if (a > 0) mlp += w2[h] * a;
    }
    return [linear, fm, mlp];
  };
}

/**
 * The deep teacher: each part standardised by its spread over `sample` (rows drawn once, from a fixed seed),
 * then weighted by PART_WEIGHTS and summed. `strength` multiplies the whole logit (the signal-to-noise ratio).
 */
export function deepTeacher(sample: Draws[], strength = 1): Teacher {
  const parts = deepParts();
  const values = sample.map((d) => parts(d));
  const stats = [0, 1, 2].map((i) => {
    const xs = values.map((v) => v[i]);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) || 1;
    return { mean, sd };
  });
  const w = [PART_WEIGHTS.linear, PART_WEIGHTS.fm, PART_WEIGHTS.mlp];
  return (d) => {
    const p = parts(d);
    let logit = 0;
    for (let i = 0; i < 3; i++) logit += (w[i] * (p[i] - stats[i].mean)) / stats[i].sd;
    return strength * logit;
  };
}
