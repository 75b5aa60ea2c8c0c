// Writes the demo models' precomputed work beside them (public/demo/models/<id>/precomputed.json, statistics.stats,
// afm.eigen, baseline.f32 and first-plan.f32): the statistics of the demo's training rows, every method's spectrum
// of every layer, AFM's leading eigenvectors of each Dense layer, the model's probabilities on the test rows and
// those of the model the studio's first plan builds (its default plan for the model), computed in Node
// exactly as the studio computes them, with the fingerprints of the model and of the encoded rows. The studio uses
// them only while the fingerprints match (src/app/precomputed.ts), so a model retrained or rows changed without
// running this again costs time, never a wrong result; tests/unit/app/precomputed.test.ts recomputes them and fails
// on a stale or wrong file. The output is the same, byte for byte, on every run. Run it after
// scripts/train-demo-models.sh.
// Usage: npx tsx scripts/precompute-demo.ts
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afmEigen, precomputedIndex, serializeEigen, type ShippedPlan } from '../src/app/precomputed';
import { keptLayers, Studio } from '../src/app/studio';
import { defaultPlan } from '../src/ui/defaults';
import { NODE_LOADER } from '../src/cli/shared/io';
import { serializeStatistics } from '../src/core/compress/statistics';
import { pathFile } from '../src/node/files';
import { tf } from '../src/tf/tfjs';

const DEMO = 'public/demo';
const manifest = JSON.parse(readFileSync(join(DEMO, 'demo.json'), 'utf8')) as {
  data: { train: string; test: string };
  models: { id: string; path: string; precomputed?: string }[];
};

/**
 * AFM eigenvectors shipped per Dense layer: the studio's default dense rank for the demo models is 64 (a sixth
 * of the widest layer, rounded down to a power of two); a larger rank computes the eigenvectors in the worker.
 */
const EIGEN_COLUMNS = 64;

/** Rounds spectra to 7 decimals: a smaller, stable file (the test allows for it). */
const rounded = (xs: number[]) => xs.map((x) => Math.round(x * 1e7) / 1e7);

await tf.setBackend('wasm');
for (const entry of manifest.models) {
  const dir = dirname(join(DEMO, entry.path));
  const modelFiles = readdirSync(dir).filter((f) => f === 'model.json' || f.endsWith('.bin'));
  const studio = new Studio(NODE_LOADER);
  // The studio's demo order: the rows first, then the model (the rows are encoded as the model's encoding says).
  const opened = await studio.openFiles([
    pathFile(join(DEMO, manifest.data.train)),
    pathFile(join(DEMO, manifest.data.test)),
    ...modelFiles.map((f) => pathFile(join(dir, f))),
  ]);
  await studio.prepare();
  const { rows, c } = studio.ws.ready();
  const baseline = { file: 'baseline.f32', test: rows.test };
  const index = precomputedIndex(c, rows.train, { statistics: 'statistics.stats', eigen: 'afm.eigen', baseline });
  const probs = await studio.predict();
  const f32 = (x: Float32Array) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  writeFileSync(join(dir, baseline.file), f32(probs));
  // The studio's first plan for this model, built and scored as Studio.evaluate does.
  const plan = defaultPlan(opened.model!.inventory);
  const { model, built, resolved } = await studio.buildPlan(plan);
  const planProbs = await model.probabilities(studio.ws.ready().meta.encoding, rows.test);
  model.dispose();
  const first: ShippedPlan = {
    plan,
    params: built.params,
    kept: keptLayers(resolved),
    fused: built.fused.length,
    file: 'first-plan.f32',
  };
  writeFileSync(join(dir, first.file), f32(planProbs));
  index.plans = [first];
  index.spectra = index.spectra.map((s) => ({ ...s, explained: rounded(s.explained) }));
  writeFileSync(join(dir, 'statistics.stats'), new Uint8Array(serializeStatistics(c.statistics!, c.fingerprint)));
  writeFileSync(join(dir, 'afm.eigen'), new Uint8Array(serializeEigen(afmEigen(c, EIGEN_COLUMNS))));
  writeFileSync(join(dir, 'precomputed.json'), `${JSON.stringify(index)}\n`);
  console.log(`${entry.id}: ${index.rowCount} rows, model ${index.model}, rows ${index.rows}`);
  studio.ws.model?.dispose();
}
