/**
 * The NumPy reference that `bench` compares with computes what CTR Studio computes: the same statistics and
 * spectra on the same model and rows (checked through the covariance traces and top eigenvalues it reports).
 * Skipped where python3 with NumPy is missing (bench then prints a note instead of ratios).
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { agreement, runReference } from '../../../src/cli/commands/benchReference';
import { MODEL_KINDS } from '../../../src/core/model/spec';
import { tf } from '../../../src/tf/tfjs';
import { buildModel } from '../../../src/tf/zooModels';
import { compressorOf } from '../../helpers/compressor';
import { smallSpec, syntheticEncoding, syntheticRows } from '../../helpers/synthetic';

const hasNumpy = (() => {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe.skipIf(!hasNumpy)('NumPy reference of the compression pipeline', () => {
  for (const kind of MODEL_KINDS.filter((k) => k === 'deepfm' || k === 'dnn')) {
    it(`${kind}: same statistics and spectra as CTR Studio, and timings for every stage`, async () => {
      const enc = syntheticEncoding();
      const rows = syntheticRows(enc, 3000);
      const c = await compressorOf(buildModel(smallSpec(kind, enc)));
      await c.collect(enc, rows);
      const plan = { method: 'afm', denseRank: 4, embeddingRank: 2 };
      c.decomposeAll(plan.method);
      const ref = await runReference(c.model, c, enc, rows, plan, 1);
      expect(ref.skipped).toBeUndefined();
      expect(Object.keys(ref.check!).sort()).toEqual(c.compressible.map((l) => l.name).sort());
      for (const k of ['statistics', 'decomposition', 'slicing', 'total'] as const)
        expect(ref.ms![k]).toBeGreaterThan(0);
      expect(ref.eig400Ms).toBeGreaterThan(0);
      expect(ref.eig1024Ms).toBeGreaterThan(0);
      expect(agreement(c, ref, plan.method)).toBeLessThan(1e-4);
    }, 120_000);
  }
});
