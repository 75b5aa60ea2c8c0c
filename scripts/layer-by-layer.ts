/**
 * Where a method loses AUC: each compressible Dense layer compressed alone (every other layer kept), then all
 * together, at a few ranks, for AFM, SVD, Fisher-weighted SVD and Fisher-weighted AFM; with each layer's
 * pre-activation output variance explained on the calibration rows. Prints two markdown tables.
 *
 *   npx tsx scripts/layer-by-layer.ts [--model M] [--train FILE] [--test FILE] [--ranks 2,4,8]
 *
 * Defaults: the demo DeepFM and its rows. Embedding tables are kept, so only the Dense layers differ.
 */
import { parseArgs } from 'node:util';
import { scoreBaseline } from '../src/app/sweep';
import type { UniformPlan } from '../src/core/compress/plan';
import { delong } from '../src/core/metrics';
import { openCompression } from '../src/cli/shared/compression';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'public/demo/models/deepfm' },
    train: { type: 'string', default: 'public/demo/criteo/train.tsv' },
    test: { type: 'string', default: 'public/demo/criteo/test.tsv' },
    ranks: { type: 'string', default: '2,4,8' },
  },
});
const METHODS = ['afm', 'svd', 'fisher-svd', 'fisher-afm'];
const ranks = values.ranks.split(',').map(Number);

const s = await openCompression({ model: values.model, train: values.train, test: values.test } as never);
const c = s.compressor;
const encoding = s.loaded.meta.encoding;
const test = await s.testRows();
await c.collect(encoding, await s.calibration(), { gradients: true });
const base = await scoreBaseline(c, encoding, test);
const dense = c.inventory.filter((l) => l.kind === 'dense' && l.compressible).map((l) => l.name);

/** The plan that compresses `only` (a layer, or every Dense layer) at rank r with the method. */
const planFor = (method: string, r: number, only: string | null): UniformPlan => ({
  method,
  denseRank: only ? null : r,
  embeddingRank: null,
  ...(only ? { overrides: Object.fromEntries(dense.map((d) => [d, d === only ? r : null])) } : {}),
});

async function aucOf(plan: UniformPlan): Promise<number> {
  const model = await c.load(c.build(c.uniformPlan(plan), { fuse: true }));
  try {
    return delong(test.labels, base.probs, await model.probabilities(encoding, test)).aucB;
  } finally {
    model.dispose();
  }
}

console.log(`${values.model}: original test AUC ${base.auc.toFixed(4)} on ${test.rows} rows\n`);
console.log(`| rank | compressed | ${METHODS.map((m) => `${m} AUC`).join(' | ')} |`);
console.log(`|---|---|${METHODS.map(() => '---').join('|')}|`);
for (const r of ranks) {
  for (const only of [...dense, null]) {
    const aucs: string[] = [];
    for (const m of METHODS) aucs.push((await aucOf(planFor(m, r, only))).toFixed(4));
    console.log(`| ${r} | ${only ?? 'all Dense layers'} | ${aucs.join(' | ')} |`);
  }
}
console.log(`\n| rank | layer | ${METHODS.map((m) => `${m}: output variance explained`).join(' | ')} |`);
console.log(`|---|---|${METHODS.map(() => '---').join('|')}|`);
for (const r of ranks) {
  for (const name of dense) {
    const shares = METHODS.map((m) => {
      // A layer kept (the rank is at or above its break-even rank) has no error to show.
      const e = c.replacementErrors(c.uniformPlan(planFor(m, r, name))).get(name);
      return e ? `${(100 * e.explainedVariance).toFixed(1)}%` : 'kept';
    });
    console.log(`| ${r} | ${name} | ${shares.join(' | ')} |`);
  }
}
