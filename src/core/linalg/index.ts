/**
 * Pure TypeScript dense linear algebra on row-major Float64Array matrices: streaming moments, symmetric
 * eigen-decomposition, thin SVD, and the matrix helpers they share. No tfjs, no DOM, no dependencies.
 */
export {
  type Moments,
  createMoments,
  addBatch,
  mergeMoments,
  mergeMomentsInto,
  covariance,
  serializeMoments,
  deserializeMoments,
} from './moments';
export { type BlockMoments, U32, blockMoments, momentsFromSums, shiftedGramBound } from './shiftedGram';
export { float32Gram, gramWidth, hasFloat32Gram } from './float32Gram';
export { type SymEig, type SymEigOptions, symEig, eigResidual } from './eigen';
export { type LazySymEig, lazySymEig } from './lazyEig';
export { type Svd, svd } from './svd';
export {
  type NumArray,
  EPS,
  gemmNN,
  gemmTN,
  mirrorUpper,
  matmul,
  matmulTN,
  matmulNT,
  gram,
  transpose,
  identity,
  frobenius,
  maxAbs,
  dot,
  orthogonalityError,
} from './matrix';
export { type Tridiagonal, tridiagonalize, applyQ } from './tridiagonal';
export { tridiagEig } from './tridiagEig';
export { type LinalgBench, type BenchOptions, benchLinalg, randomNormal, randomMatrix, randomSymmetric } from './bench';
