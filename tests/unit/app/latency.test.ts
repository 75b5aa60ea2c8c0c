/**
 * The studio's latency: at batch 1 and 2048, LATENCY_RUNS timed runs of the original and of the plan's model
 * (taking turns), each reported with its median and every run's time, so the chart can show the spread.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../../src/app/studio';
import { LATENCY_RUNS, latency } from '../../../src/app/studioJobs';
import { NODE_LOADER } from '../../../src/cli/shared/io';
import { pathFile } from '../../../src/node/files';
import { tf } from '../../../src/tf/tfjs';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('latency in the studio', () => {
  it('is the median of the timed runs, with every run kept', async () => {
    const studio = new Studio(NODE_LOADER);
    const dir = 'public/demo/models/deepfm';
    await studio.openFiles([
      pathFile('public/demo/criteo/train.tsv'),
      pathFile('public/demo/criteo/test.tsv'),
      pathFile(`${dir}/model.json`),
      pathFile(`${dir}/group1-shard1of1.bin`),
    ]);
    await studio.prepare();
    const out = await latency(studio, { method: 'afm', denseRank: 32, embeddingRank: 4 });
    expect(out.map((l) => l.batchSize)).toEqual([1, 2048]);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    for (const l of out) {
      expect([l.originalRuns.length, l.compressedRuns.length]).toEqual([LATENCY_RUNS, LATENCY_RUNS]);
      expect(l.originalMsPerBatch).toBe(median(l.originalRuns));
      expect(l.compressedMsPerBatch).toBe(median(l.compressedRuns));
      expect(Math.min(...l.compressedRuns)).toBeGreaterThan(0);
      const rows = Math.min(l.batchSize, 2000);
      expect(l.compressedRowsPerSec).toBeCloseTo((rows / l.compressedMsPerBatch) * 1000, 6);
    }
  });
});
