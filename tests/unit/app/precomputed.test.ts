/**
 * The demo's precomputed work (public/demo/models/<id>/precomputed.json, statistics.stats, afm.eigen,
 * baseline.f32, written by scripts/precompute-demo.ts) is what the studio would compute: recomputed here from the
 * demo's model and rows, it matches the shipped files (fingerprints exactly; statistics, spectra, eigenvectors
 * and the original's test probabilities within rounding), so
 * a retrained model or changed rows without running the script again fails here. The studio uses it only when
 * the fingerprints match, and scores a plan the same with it as without it.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  afmEigen,
  mismatch,
  parseEigen,
  rowsFingerprint,
  serializeEigen,
  shippedBaseline,
  shippedPlan,
  type Precomputed,
  type PrecomputedIndex,
} from '../../../src/app/precomputed';
import { keptLayers, Studio } from '../../../src/app/studio';
import { defaultPlan } from '../../../src/ui/defaults';
import type { ModelInfo } from '../../../src/app/types';
import { NODE_LOADER } from '../../../src/cli/shared/io';
import { parseStatistics } from '../../../src/core/compress/statistics';
import { pathFile } from '../../../src/node/files';
import { tf } from '../../../src/tf/tfjs';

const DEMO = 'public/demo';

const buffer = (path: string) => {
  const b = readFileSync(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};

/** The shipped files of one demo model, read as the studio reads them. */
function shipped(id: string): Precomputed {
  const dir = `${DEMO}/models/${id}`;
  const index = JSON.parse(readFileSync(`${dir}/precomputed.json`, 'utf8')) as PrecomputedIndex;
  return {
    index,
    statistics: parseStatistics(buffer(`${dir}/${index.statistics}`)).stats,
    eigen: parseEigen(buffer(`${dir}/${index.eigen}`)),
    baseline: new Float32Array(buffer(`${dir}/${index.baseline!.file}`)),
    planProbs: new Map((index.plans ?? []).map((e) => [e.file, new Float32Array(buffer(`${dir}/${e.file}`))])),
  };
}

/** The demo opened as the studio opens it: its rows, then the model (its description kept for the test). */
const opened = new WeakMap<Studio, ModelInfo>();
async function openDemo(id: string): Promise<Studio> {
  const studio = new Studio(NODE_LOADER);
  const files = await studio.openFiles([
    pathFile(`${DEMO}/criteo/train.tsv`),
    pathFile(`${DEMO}/criteo/test.tsv`),
    pathFile(`${DEMO}/models/${id}/model.json`),
    pathFile(`${DEMO}/models/${id}/group1-shard1of1.bin`),
  ]);
  opened.set(studio, files.model!);
  return studio;
}

const maxRelDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return a.length === b.length ? diff / Math.max(scale, 1e-300) : Number.POSITIVE_INFINITY;
};

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe.each(['deepfm', 'dcnv2'])('the demo %s: shipped work', (id) => {
  it('is what the studio computes from the demo model and rows: fingerprints, statistics, spectra', async () => {
    const studio = await openDemo(id);
    const p = shipped(id);
    const prepared = await studio.prepare(); // no precomputed work given: computed here
    expect(prepared.precomputed).toBeUndefined();
    const { c, rows } = studio.ws.ready();
    const stale = 'stale: run npx tsx scripts/precompute-demo.ts';
    expect(mismatch(p, c, rows.train), stale).toBeNull();
    const fresh = c.statistics!;
    expect(p.statistics.rows).toBe(fresh.rows);
    expect([...p.statistics.denseInputs.keys()].sort()).toEqual([...fresh.denseInputs.keys()].sort());
    for (const [name, m] of fresh.denseInputs) {
      const s = p.statistics.denseInputs.get(name)!;
      expect(s.count).toBe(m.count);
      expect(maxRelDiff(m.mean, s.mean), name).toBeLessThan(1e-6);
      expect(maxRelDiff(m.m2, s.m2), name).toBeLessThan(1e-6);
    }
    for (const [name, counts] of fresh.idCounts)
      expect(Array.from(p.statistics.idCounts.get(name)!)).toEqual(Array.from(counts));
    expect(p.index.spectra.map((s) => `${s.method}:${s.layer}`)).toEqual(
      prepared.spectra.map((s) => `${s.method}:${s.layer}`),
    );
    prepared.spectra.forEach((s, i) => {
      expect(maxRelDiff(s.explained, p.index.spectra[i].explained), s.layer).toBeLessThan(1e-6);
    });
    const probs = await studio.predict();
    const baseline = shippedBaseline(p, c, rows.test);
    expect(baseline, stale).not.toBeNull();
    expect(maxRelDiff(probs, baseline!)).toBeLessThan(1e-6);
    const eigen = afmEigen(c, 64);
    expect([...p.eigen!.keys()]).toEqual([...eigen.keys()]);
    for (const [name, e] of eigen) {
      const s = p.eigen!.get(name)!;
      expect(s.cols).toBe(e.cols);
      expect(maxRelDiff(e.values, s.values), name).toBeLessThan(1e-6);
      // Eigenvectors up to sign (the leading ones are well separated in these layers).
      for (let j = 0; j < e.cols; j++) {
        const n = e.values.length;
        let dot = 0;
        for (let r = 0; r < n; r++) dot += e.vectors[r * e.cols + j] * s.vectors[r * s.cols + j];
        expect(Math.abs(dot), `${name} column ${j}`).toBeGreaterThan(1 - 1e-6);
      }
    }
  });

  it('is used when it matches: the same plan scores the same as computing everything', async () => {
    const plan = { method: 'afm', denseRank: 64, embeddingRank: 4 };
    const computed = await openDemo(id);
    await computed.prepare();
    const expected = await computed.evaluate(plan);
    // The first plan shipped is the studio's default, and its scores are what building its model gives.
    const first = shipped(id).index.plans![0];
    const ready = computed.ws.ready();
    expect(first.plan).toEqual(defaultPlan(opened.get(computed)!.inventory));
    const { model, built, resolved } = await computed.buildPlan(first.plan);
    const probs = await model.probabilities(ready.meta.encoding, ready.rows.test);
    model.dispose();
    expect([first.params, first.kept, first.fused]).toEqual([built.params, keptLayers(resolved), built.fused.length]);
    expect(maxRelDiff(probs, shipped(id).planProbs!.get(first.file)!)).toBeLessThan(1e-6);
    const studio = await openDemo(id);
    studio.precomputed = async () => shipped(id);
    const base = await studio.baseline();
    expect(Math.abs(base.auc - (await computed.baseline()).auc)).toBeLessThan(1e-6);
    const prepared = await studio.prepare();
    expect(prepared.precomputed).toBe(true);
    const result = await studio.evaluate(plan);
    expect(result.params).toBe(expected.params);
    expect(Math.abs(result.auc - expected.auc)).toBeLessThan(1e-6);
    expect([result.kept, result.fused]).toEqual([expected.kept, expected.fused]);
    expect(Math.abs(result.delong.low - expected.delong.low)).toBeLessThan(1e-6);
    // A rank past the shipped eigenvectors computes them, and agrees too.
    const larger = { ...plan, denseRank: 100 };
    expect(Math.abs((await studio.evaluate(larger)).auc - (await computed.evaluate(larger)).auc)).toBeLessThan(1e-6);
  });
});

describe('shipped work that does not match', () => {
  it('is ignored (computed instead) for another model, other rows or another format', async () => {
    const studio = await openDemo('deepfm');
    const p = shipped('deepfm');
    const { c, rows } = studio.ws.ready();
    expect(mismatch(shipped('dcnv2'), c, rows.train)).toMatch(/another model/);
    expect(mismatch({ ...p, index: { ...p.index, rows: '0' } }, c, rows.train)).toMatch(/other rows/);
    expect(mismatch({ ...p, index: { ...p.index, format: 0 } }, c, rows.train)).toMatch(/format/);
    expect(shippedBaseline(shipped('dcnv2'), c, rows.test)).toBeNull();
    expect(shippedBaseline(p, c, rows.train)).toBeNull();
    const first = p.index.plans![0].plan;
    expect(shippedPlan(p, c, rows.test, first)).not.toBeNull();
    expect(shippedPlan(p, c, rows.test, { ...first, denseRank: 32 })).toBeNull();
    expect(shippedPlan(p, c, rows.test, { ...first, activation: true })).toBeNull();
    expect(shippedPlan(p, c, rows.train, first)).toBeNull();
    expect(shippedPlan(shipped('dcnv2'), c, rows.test, first)).toBeNull();
    const test = rows.test;
    expect(rowsFingerprint(test)).not.toBe(p.index.rows);
    studio.precomputed = async () => shipped('dcnv2');
    expect((await studio.prepare()).precomputed).toBeUndefined();
  });

  it('round-trips the eigenvector file and refuses a truncated one', () => {
    const p = shipped('deepfm');
    const bytes = serializeEigen(p.eigen!);
    const again = parseEigen(bytes);
    expect([...again.keys()]).toEqual([...p.eigen!.keys()]);
    expect(() => parseEigen(bytes.slice(0, bytes.byteLength - 8))).toThrow(/not a CTR Studio eigenvector file/);
  });
});
