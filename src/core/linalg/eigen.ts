/**
 * Symmetric eigensolver: Householder tridiagonalisation, divide and conquer on the tridiagonal matrix,
 * blocked back-transformation. Eigenvalues descending. Pure module.
 *
 * The input is scaled by its largest entry first, so matrices of any magnitude (1e-150 .. 1e150) behave the
 * same, and all internal tolerances are relative to ‖A‖. Accuracy is the usual backward-stable one: residual
 * and loss of orthogonality are a small multiple of n·ε; eigenvalues much smaller than ε·‖A‖ (the numerical
 * null space of a rank-deficient covariance) come out as noise of that size, possibly slightly negative.
 */
import { StudioError } from '../errors';
import { checkMatrix, frobenius, gemmNN, maxAbs, transpose, type NumArray } from './matrix';
import { applyQ, tridiagonalize } from './tridiagonal';
import { tridiagEig } from './tridiagEig';

/** Eigen-decomposition A = V diag(values) Vᵀ of a symmetric matrix. */
export interface SymEig {
  /** Order of the matrix. */
  n: number;
  /** All n eigenvalues, descending. */
  values: Float64Array;
  /** n×cols row-major: column j is the unit eigenvector of values[j]. */
  vectors: Float64Array;
  /** Number of eigenvector columns: n unless fewer were asked for. */
  cols: number;
  /** The transpose of `vectors` (cols×n: row j = eigenvector j), when asked for with `transposed`. */
  vectorsT?: Float64Array;
}

/** Options of {@link symEig}. */
export interface SymEigOptions {
  /** Compute only the eigenvectors of the `vectors` largest eigenvalues (saves the back-transformation work). */
  vectors?: number;
  /** Also return the eigenvectors as rows (`vectorsT`). */
  transposed?: boolean;
}

/**
 * Eigenvalues (descending) and eigenvectors (columns) of the symmetric n×n row-major matrix `a`, which is
 * not modified. An input that is not exactly symmetric is treated as (A + Aᵀ)/2.
 */
export function symEig(a: NumArray, n: number, options: SymEigOptions = {}): SymEig {
  if (!Number.isInteger(n) || n < 0)
    throw new StudioError('INVALID_ARGUMENT', `Matrix order must be a non-negative integer, got ${n}.`);
  checkMatrix('The matrix to decompose', a, n * n);
  const cols = Math.max(0, Math.min(n, options.vectors ?? n));
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * cols);
  const result: SymEig = { n, values, vectors, cols };
  const scale = maxAbs(a.length === n * n ? a : a.subarray(0, n * n));
  if (scale === 0) {
    // The zero matrix: every vector is an eigenvector; return the identity.
    for (let j = 0; j < cols; j++) vectors[j * cols + j] = 1;
  } else {
    const t = tridiagonalize(a, n, 1 / scale);
    const d = t.d.slice(),
      e = t.e.slice();
    const zt = tridiagEig(d, e, n); // ascending, rows = eigenvectors of T
    // Z (n×cols): column j = eigenvector of the j-th largest eigenvalue = row n-1-j of zt (tiled transpose).
    const TILE = 32;
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(cols, j0 + TILE);
      for (let r0 = 0; r0 < n; r0 += TILE) {
        const r1 = Math.min(n, r0 + TILE);
        for (let j = j0; j < j1; j++) {
          const src = (n - 1 - j) * n;
          for (let r = r0; r < r1; r++) vectors[r * cols + j] = zt[src + r];
        }
      }
    }
    applyQ(t, vectors, cols);
    for (let j = 0; j < n; j++) values[j] = d[n - 1 - j] * scale;
  }
  if (options.transposed) result.vectorsT = transpose(vectors, n, cols);
  return result;
}

/** ‖A V − V Λ‖_F / ‖A‖_F over the computed eigenvector columns (0 for the zero matrix). */
export function eigResidual(a: NumArray, n: number, eig: SymEig): number {
  const { cols, vectors, values } = eig;
  const a64 = a instanceof Float64Array ? a : Float64Array.from(a);
  const r = new Float64Array(n * cols);
  gemmNN(n, cols, n, 1, a64, 0, n, vectors, 0, cols, r, 0, cols);
  for (let i = 0; i < n; i++) {
    const row = i * cols;
    for (let j = 0; j < cols; j++) r[row + j] -= vectors[row + j] * values[j];
  }
  const na = frobenius(a64.subarray(0, n * n));
  return na === 0 ? frobenius(r) : frobenius(r) / na;
}
