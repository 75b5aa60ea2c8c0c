/**
 * Speed and accuracy benchmark of the linear-algebra code (for `ctr-studio bench`), plus the seeded random
 * test matrices it and the tests use. Pure module: runs the same in Node and in a browser worker.
 */
import { createRng, type Rng } from '../random';
import { eigResidual, symEig } from './eigen';
import { gemmNN, orthogonalityError } from './matrix';
import { addBatch, createMoments } from './moments';
import { svd } from './svd';

/** Standard normal deviate from a uniform generator (Box–Muller). */
export function randomNormal(rng: Rng): number {
  const u = 1 - rng(); // (0, 1]: log stays finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** rows×cols matrix of independent N(0, 1) entries from `seed`. */
export function randomMatrix(rows: number, cols: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const a = new Float64Array(rows * cols);
  for (let i = 0; i < a.length; i++) a[i] = randomNormal(rng);
  return a;
}

/** Symmetric n×n matrix with N(0, 1) entries on and above the diagonal, from `seed`. */
export function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const x = randomNormal(rng);
      a[i * n + j] = x;
      a[j * n + i] = x;
    }
  }
  return a;
}

/** What {@link benchLinalg} measured. Times are medians over the runs, after one warm-up run. */
export interface LinalgBench {
  /** Full symmetric eigen-decomposition of a random 400×400 matrix, ms. */
  eig400Ms: number;
  /** The same for 1024×1024, ms. */
  eig1024Ms: number;
  /** ‖AV − VΛ‖_F / ‖A‖_F for the 400 case. */
  eig400Residual: number;
  /** ‖AV − VΛ‖_F / ‖A‖_F for the 1024 case. */
  eig1024Residual: number;
  /** ‖VᵀV − I‖_F for the 400 case. */
  eig400Orthogonality: number;
  /** ‖VᵀV − I‖_F for the 1024 case. */
  eig1024Orthogonality: number;
  /** Moments accumulation throughput at dimension 400, batches of 512 rows, rows per second. */
  momentsRowsPerSec: number;
  /** Thin SVD of a random 400×400 matrix, ms. */
  svd400Ms: number;
  /** Thin SVD of a random 20000×64 matrix (embedding-table shape), ms. */
  svdTall64Ms: number;
  /** Dense 1024×1024 matrix product speed, GFLOP/s. */
  matmulGflops: number;
  /** Timed runs behind each median. */
  runs: number;
}

/** Options of {@link benchLinalg}. */
export interface BenchOptions {
  /** Timed runs per measurement (≥ 1; default 3). */
  runs?: number;
  /** Called after each measurement with its name, so a caller can show progress. */
  onProgress?: (step: string) => void;
}

/**
 * Median wall time (ms) of `runs` calls of f after one untimed warm-up call; yields to the event loop between calls.
 */
async function timeMedian(runs: number, f: () => void): Promise<number> {
  f();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  return times[Math.floor((times.length - 1) / 2)];
}

/** Runs the linear-algebra benchmark (about 10 s on a 2-core machine with the default 3 runs). */
export async function benchLinalg(options: BenchOptions = {}): Promise<LinalgBench> {
  const runs = Math.max(1, Math.floor(options.runs ?? 3));
  const progress = options.onProgress ?? (() => {});

  const eigCase = async (n: number, seed: number) => {
    const a = randomSymmetric(n, seed);
    const ms = await timeMedian(runs, () => symEig(a, n));
    const e = symEig(a, n);
    progress(`eig ${n}`);
    return { ms, residual: eigResidual(a, n, e), orth: orthogonalityError(e.vectors, n, n) };
  };
  const e400 = await eigCase(400, 400);
  const e1024 = await eigCase(1024, 1024);

  const dim = 400,
    batch = 512,
    batches = 20;
  const data = new Float32Array(randomMatrix(batch, dim, 7));
  const momentsMs = await timeMedian(runs, () => {
    const m = createMoments(dim);
    for (let b = 0; b < batches; b++) addBatch(m, data, batch);
  });
  progress('moments');

  const sq = randomMatrix(400, 400, 11);
  const svd400Ms = await timeMedian(runs, () => svd(sq, 400, 400));
  const tall = randomMatrix(20000, 64, 13);
  const svdTall64Ms = await timeMedian(runs, () => svd(tall, 20000, 64));
  progress('SVD');

  const n = 1024,
    x = randomMatrix(n, n, 17),
    y = randomMatrix(n, n, 19),
    z = new Float64Array(n * n);
  const mmMs = await timeMedian(runs, () => gemmNN(n, n, n, 1, x, 0, n, y, 0, n, z, 0, n));
  progress('matmul');

  return {
    eig400Ms: e400.ms,
    eig1024Ms: e1024.ms,
    eig400Residual: e400.residual,
    eig1024Residual: e1024.residual,
    eig400Orthogonality: e400.orth,
    eig1024Orthogonality: e1024.orth,
    momentsRowsPerSec: (batch * batches) / (momentsMs / 1000),
    svd400Ms,
    svdTall64Ms,
    matmulGflops: (2 * n * n * n) / (mmMs * 1e6),
    runs,
  };
}
