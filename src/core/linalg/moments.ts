/**
 * Streaming, mergeable mean and covariance in Float64 (AFM calibration statistics). Pure module.
 *
 * Each batch is centred on its own mean and its Gram matrix formed from the centred rows, then combined with
 * the running moments by the parallel formula of Chan, Golub and LeVeque:
 *   n = n_a + n_b,  δ = μ_b − μ_a,  μ = μ_a + δ n_b / n,  M2 = M2_a + M2_b + δ δᵀ n_a n_b / n.
 * Nothing ever subtracts two large sums, so a mean far from zero (1e6 + noise) costs no accuracy, and the
 * result does not depend on how rows were split into batches (up to rounding).
 */
import { StudioError } from '../errors';
import { gemmTN, mirrorUpper, type NumArray } from './matrix';

/** Running first and second moments of `dim`-dimensional (optionally weighted) rows. */
export interface Moments {
  /** Dimension of each row. */
  dim: number;
  /** Total weight seen (the number of rows when unweighted). */
  count: number;
  /** Weighted mean (length dim). */
  mean: Float64Array;
  /** dim×dim row-major Σ w (x − mean)(x − mean)ᵀ, symmetric. */
  m2: Float64Array;
}

/** Rows per internal chunk: bounds the centred-copy buffer, and the merge per chunk is cheap next to its Gram. */
const CHUNK = 512;

/** Empty moments for rows of length `dim`. */
export function createMoments(dim: number): Moments {
  if (!Number.isInteger(dim) || dim < 1)
    throw new StudioError('INVALID_ARGUMENT', `Moments need a positive integer dimension, got ${dim}.`);
  return { dim, count: 0, mean: new Float64Array(dim), m2: new Float64Array(dim * dim) };
}

/**
 * Adds `rows` rows (row-major rows×dim in `data`) to `m`. Optional `weights` (one per row, ≥ 0) count a row
 * that many times, e.g. an embedding row weighted by how often its id occurs; rows of weight 0 are ignored.
 */
export function addBatch(m: Moments, data: NumArray, rows: number, weights?: NumArray): void {
  const dim = m.dim;
  checkBatch(dim, data, rows, weights);
  const xc = new Float64Array(Math.min(rows, CHUNK) * dim);
  const g = new Float64Array(dim * dim);
  const mu = new Float64Array(dim);
  const sw = new Float64Array(Math.min(rows, CHUNK)); // √weight of each used row
  const src = new Int32Array(Math.min(rows, CHUNK)); // its index in `data`
  for (let r0 = 0; r0 < rows; r0 += CHUNK) {
    const r1 = Math.min(rows, r0 + CHUNK);
    // Rows with positive weight, and the chunk's total weight.
    let used = 0,
      wsum = 0;
    for (let r = r0; r < r1; r++) {
      const w = weights ? weights[r] : 1;
      if (w === 0) continue;
      src[used] = r;
      sw[used++] = Math.sqrt(w);
      wsum += w;
    }
    if (used === 0) continue;
    centreChunk(data, dim, used, src, sw, wsum, mu, xc);
    // Upper triangle of the centred Gram matrix.
    g.fill(0);
    gemmTN(dim, dim, used, 1, xc, 0, dim, xc, 0, dim, g, 0, dim, true);
    mergeInto(m, wsum, mu, g);
  }
  mirrorUpper(m.m2, dim);
}

/** Throws INVALID_ARGUMENT unless `data` holds `rows` rows of `dim` values and every weight is finite and ≥ 0. */
function checkBatch(dim: number, data: NumArray, rows: number, weights: NumArray | undefined): void {
  if (!Number.isInteger(rows) || rows < 0)
    throw new StudioError('INVALID_ARGUMENT', `Row count must be a non-negative integer, got ${rows}.`);
  if (data.length < rows * dim) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      `Batch has ${data.length} values but ${rows} rows of dimension ${dim} need ${rows * dim}.`,
    );
  }
  if (weights) {
    if (weights.length < rows)
      throw new StudioError(
        'INVALID_ARGUMENT',
        `Got ${weights.length} weights for ${rows} rows: give one weight per row.`,
      );
    for (let r = 0; r < rows; r++) {
      if (!(weights[r] >= 0) || !Number.isFinite(weights[r])) {
        throw new StudioError(
          'INVALID_ARGUMENT',
          `Row weight ${r} is ${weights[r]}: weights must be finite and non-negative.`,
        );
      }
    }
  }
}

/**
 * Centres the `used` rows data[src[t]] of a chunk: sets `mu` to their weighted mean (weight sw[t]²) and row t of
 * `xc` to √w (x − mu), refining the mean once with the mean of the residuals so centring is exact to rounding.
 */
function centreChunk(
  data: NumArray,
  dim: number,
  used: number,
  src: Int32Array,
  sw: Float64Array,
  wsum: number,
  mu: Float64Array,
  xc: Float64Array,
): void {
  // Chunk mean, then one correction pass (mean of the residuals) so centring is exact to rounding.
  mu.fill(0);
  for (let t = 0; t < used; t++) {
    const w = sw[t] * sw[t],
      off = src[t] * dim;
    for (let j = 0; j < dim; j++) mu[j] += w * data[off + j];
  }
  for (let j = 0; j < dim; j++) mu[j] /= wsum;
  for (let j = 0; j < dim; j++) {
    if (!Number.isFinite(mu[j]))
      throw new StudioError('INVALID_ARGUMENT', `Batch column ${j} contains a non-finite value (NaN or infinity).`);
  }
  for (let t = 0; t < used; t++) {
    const s = sw[t],
      off = src[t] * dim,
      row = t * dim;
    for (let j = 0; j < dim; j++) xc[row + j] = data[off + j] - mu[j];
    if (s !== 1) for (let j = 0; j < dim; j++) xc[row + j] *= s; // √w (x − μ): Gram gives Σ w (x−μ)(x−μ)ᵀ
  }
  const corr = new Float64Array(dim);
  for (let t = 0; t < used; t++) {
    const s = sw[t],
      row = t * dim;
    for (let j = 0; j < dim; j++) corr[j] += s * xc[row + j];
  }
  let shifted = false;
  for (let j = 0; j < dim; j++) {
    corr[j] /= wsum;
    if (corr[j] !== 0) shifted = true;
  }
  if (shifted) {
    for (let j = 0; j < dim; j++) mu[j] += corr[j];
    for (let t = 0; t < used; t++) {
      const s = sw[t],
        row = t * dim;
      for (let j = 0; j < dim; j++) xc[row + j] -= s * corr[j];
    }
  }
}

/** Chan's update of `m` with a batch of weight nb, mean mub and centred Gram gb (upper triangle used). */
function mergeInto(m: Moments, nb: number, mub: Float64Array, gb: Float64Array): void {
  const dim = m.dim,
    na = m.count,
    n = na + nb;
  if (na === 0) {
    m.count = nb;
    m.mean.set(mub);
    for (let i = 0; i < dim; i++) for (let j = i; j < dim; j++) m.m2[i * dim + j] = gb[i * dim + j];
    return;
  }
  const delta = new Float64Array(dim);
  for (let j = 0; j < dim; j++) delta[j] = mub[j] - m.mean[j];
  const f = (na * nb) / n,
    g = nb / n;
  for (let i = 0; i < dim; i++) {
    const di = f * delta[i],
      row = i * dim;
    for (let j = i; j < dim; j++) m.m2[row + j] += gb[row + j] + di * delta[j];
  }
  for (let j = 0; j < dim; j++) m.mean[j] += delta[j] * g;
  m.count = n;
}

/** Adds the moments `b` (its m2 full and symmetric) to `m` in place: the union of their rows. */
export function mergeMomentsInto(m: Moments, b: Moments): void {
  if (m.dim !== b.dim)
    throw new StudioError('INVALID_ARGUMENT', `Cannot merge moments of dimension ${m.dim} and ${b.dim}.`);
  if (b.count === 0) return;
  mergeInto(m, b.count, b.mean, b.m2);
  mirrorUpper(m.m2, m.dim);
}

/** The moments of the union of the rows behind `a` and `b` (neither is modified). */
export function mergeMoments(a: Moments, b: Moments): Moments {
  if (a.dim !== b.dim)
    throw new StudioError('INVALID_ARGUMENT', `Cannot merge moments of dimension ${a.dim} and ${b.dim}.`);
  const out: Moments = { dim: a.dim, count: a.count, mean: a.mean.slice(), m2: a.m2.slice() };
  if (b.count > 0) {
    mergeInto(out, b.count, b.mean, b.m2);
    mirrorUpper(out.m2, out.dim);
  }
  return out;
}

/** Population covariance M2 / count (dim×dim): the calibration covariance C of AFM. */
export function covariance(m: Moments): Float64Array {
  if (!(m.count > 0))
    throw new StudioError('INVALID_ARGUMENT', 'The covariance of zero rows is undefined: add calibration rows first.');
  const c = new Float64Array(m.dim * m.dim);
  const inv = 1 / m.count;
  for (let i = 0; i < c.length; i++) c[i] = m.m2[i] * inv;
  return c;
}

/*
 * Binary format (all little-endian), version 1:
 *   offset 0   u32  magic 0x4d525443 (the bytes "CTRM")
 *   offset 4   u16  version = 1
 *   offset 6   u16  reserved = 0
 *   offset 8   u32  dim
 *   offset 12  u32  reserved = 0
 *   offset 16  f64  count (total weight)
 *   offset 24  f64 × dim                mean
 *   then       f64 × dim·(dim+1)/2      upper triangle of m2, row by row (i ≤ j)
 */
const MAGIC = 0x4d525443;
const VERSION = 1;
const HEADER = 24;

/** Encodes moments in the compact binary format above. */
export function serializeMoments(m: Moments): ArrayBuffer {
  const dim = m.dim;
  const tri = (dim * (dim + 1)) / 2;
  const buf = new ArrayBuffer(HEADER + 8 * (dim + tri));
  const v = new DataView(buf);
  v.setUint32(0, MAGIC, true);
  v.setUint16(4, VERSION, true);
  v.setUint32(8, dim, true);
  v.setFloat64(16, m.count, true);
  let off = HEADER;
  for (let j = 0; j < dim; j++, off += 8) v.setFloat64(off, m.mean[j], true);
  for (let i = 0; i < dim; i++) for (let j = i; j < dim; j++, off += 8) v.setFloat64(off, m.m2[i * dim + j], true);
  return buf;
}

/** Decodes {@link serializeMoments} output; throws INVALID_ARGUMENT on anything else. */
export function deserializeMoments(buf: ArrayBuffer): Moments {
  const bad = (why: string) => new StudioError('INVALID_ARGUMENT', `Not a valid moments file: ${why}.`);
  if (buf.byteLength < HEADER) throw bad('too short');
  const v = new DataView(buf);
  if (v.getUint32(0, true) !== MAGIC) throw bad('wrong magic number');
  const version = v.getUint16(4, true);
  if (version !== VERSION) throw bad(`format version ${version}, expected ${VERSION}`);
  const dim = v.getUint32(8, true);
  if (dim < 1) throw bad('dimension 0');
  const tri = (dim * (dim + 1)) / 2;
  if (buf.byteLength !== HEADER + 8 * (dim + tri))
    throw bad(`size ${buf.byteLength} bytes does not match dimension ${dim}`);
  const m = createMoments(dim);
  m.count = v.getFloat64(16, true);
  if (!(m.count >= 0)) throw bad('negative or missing count');
  let off = HEADER;
  for (let j = 0; j < dim; j++, off += 8) m.mean[j] = v.getFloat64(off, true);
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++, off += 8) {
      const x = v.getFloat64(off, true);
      m.m2[i * dim + j] = x;
      m.m2[j * dim + i] = x;
    }
  }
  return m;
}
