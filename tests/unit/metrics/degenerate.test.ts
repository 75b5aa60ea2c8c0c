/**
 * Degenerate evaluations are said: constant, nearly constant and saturated scores, a test split with one class,
 * and comparisons that cannot tell anything (both models degenerate, or Δ AUC 0 with a zero-width interval while
 * the logits differ). A healthy model (the demo DeepFM on the demo test rows) gets no warning.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { delong, evaluationWarnings, sigmoid } from '../../../src/core/metrics';
import { createRng } from '../../../src/core/random';
import { tf } from '../../../src/tf/tfjs';
import { predictLogits } from '../../../src/tf/predict';
import { openDemoModel } from '../../helpers/demo';

const N = 2000;
const rng = createRng(3);
const labels = Float32Array.from({ length: N }, (_, i) => (i % 5 === 0 ? 1 : 0));
/** Logits that rank clicks above non-clicks most of the time. */
const healthy = Float32Array.from(labels, (y) => -1.5 + 1.2 * y + rng() * 2);
const fill = (v: number) => new Float32Array(N).fill(v);
const ORIGINAL = 'the original model';
const COMPRESSED = 'the compressed model';

/** Every warning is one sentence: a capital first letter, one final period, no period followed by a space. */
function expectSentences(ws: string[]): void {
  for (const w of ws) {
    expect(w).toMatch(/^[A-Z].*\.$/);
    expect(w.slice(0, -1)).not.toMatch(/\.\s/);
  }
}

describe('evaluationWarnings: one model', () => {
  it('says nothing about a model that ranks', () => {
    expect(evaluationWarnings(labels, { name: 'the model', logits: healthy })).toEqual([]);
    expect(evaluationWarnings(labels, { name: 'the model', probabilities: healthy.map(sigmoid) })).toEqual([]);
  });

  it('says a model scoring every row the same ranks nothing, and what to check', () => {
    const ws = evaluationWarnings(labels, { name: 'the model', logits: fill(-1.2) });
    expect(ws).toHaveLength(1);
    expect(ws[0]).toMatch(/^The model gives all 2000 test rows the same score/);
    expect(ws[0]).toMatch(/AUC of exactly 0\.5/);
    expect(ws[0]).toMatch(/columns constant in the training rows but not in the test rows/);
    expect(ws[0]).toMatch(/schema/);
    expectSentences(ws);
  });

  it('says a model whose scores differ only in a few rows, or by a hair, is nearly constant', () => {
    const few = fill(-2);
    for (let i = 0; i < 10; i++) few[i * 100] = 3 * rng();
    const hair = Float32Array.from(healthy, (z) => -2 + z * 1e-5);
    for (const logits of [few, hair]) {
      const ws = evaluationWarnings(labels, { name: 'the model', logits });
      expect(ws).toHaveLength(1);
      expect(ws[0]).toMatch(/^The model gives at least 98% of the 2000 test rows nearly the same score/);
      expectSentences(ws);
    }
  });

  it('says a model saturated at 0 or 1 on (almost) every row cannot be trusted, from logits or probabilities', () => {
    const huge = Float32Array.from(healthy, (z) => 700 + 60 * z); // distinct logits, every probability 1
    const probs = huge.map(sigmoid);
    expect(new Set(probs).size).toBe(1);
    for (const scores of [{ logits: huge }, { probabilities: probs }]) {
      const ws = evaluationWarnings(labels, { name: 'the model', ...scores });
      expect(ws).toHaveLength(1);
      expect(ws[0]).toMatch(/^The model gives 100\.0% of the 2000 test rows a click probability within 1e-6 of 0 or 1/);
      expect(ws[0]).toMatch(/far outside their training range/);
      expectSentences(ws);
    }
    // Saturated at 0 counts too; a model saturated on fewer than 99% of the rows is not flagged as such.
    expect(evaluationWarnings(labels, { name: 'the model', logits: fill(-40) })[0]).toMatch(/within 1e-6 of 0 or 1/);
    const most = Float32Array.from(healthy, (z, i) => (i % 50 === 0 ? z : 30 + z));
    expect(evaluationWarnings(labels, { name: 'the model', logits: most })).toEqual([]);
  });

  it('says a test split with one class gives no AUC', () => {
    for (const [y, what] of [
      [0, 'non-clicks'],
      [1, 'clicks'],
    ] as const) {
      const ws = evaluationWarnings(new Float32Array(40).fill(y), { name: 'the model', logits: healthy.slice(0, 40) });
      expect(ws).toEqual([
        `All 40 test rows are ${what}, so no AUC can be measured on them; ` +
          'use test rows with both clicks and non-clicks.',
      ]);
    }
  });
});

describe('evaluationWarnings: a comparison', () => {
  it('says nothing about a compression that changes the ranking a little', () => {
    const after = Float32Array.from(healthy, (z) => z + 0.05 * (rng() - 0.5));
    const d = delong(labels, healthy, after);
    expect(d.se).toBeGreaterThan(0);
    expect(
      evaluationWarnings(labels, { name: ORIGINAL, logits: healthy }, { name: COMPRESSED, logits: after }, d),
    ).toEqual([]);
  });

  it('says a comparison of two saturated models cannot tell anything, with the logit gap', () => {
    const before = Float32Array.from(healthy, (z) => 700 + z);
    const after = Float32Array.from(healthy, (z) => 1460 + z);
    const pa = before.map(sigmoid);
    const pb = after.map(sigmoid);
    const d = delong(labels, pa, pb);
    expect([d.diff, d.low, d.high]).toEqual([0, 0, 0]);
    const ws = evaluationWarnings(labels, { name: ORIGINAL, logits: before }, { name: COMPRESSED, logits: after }, d);
    expect(ws).toHaveLength(3);
    expect(ws[0]).toMatch(/^The original model gives 100\.0%/);
    expect(ws[1]).toMatch(/^The compressed model gives 100\.0%/);
    expect(ws[2]).toMatch(
      /^The comparison of the compressed model with the original model cannot tell anything: both give \(nearly\)/,
    );
    expect(ws[2]).toMatch(/logits differ by up to 760/);
    expect(ws[2]).toMatch(/AUC change of \+0\.0000 \[\+0\.0000, \+0\.0000\] comes from ties/);
    expectSentences(ws);
  });

  it('says a comparison of two constant models cannot tell anything, with or without the interval', () => {
    const ws = evaluationWarnings(labels, { name: ORIGINAL, logits: fill(0.3) }, { name: COMPRESSED, logits: fill(1) });
    expect(ws).toHaveLength(3);
    expect(ws[2]).toMatch(/cannot tell anything: .*logits differ by up to 0\.700.* any AUC change comes from ties/);
    expectSentences(ws);
  });

  it('says Δ AUC 0 with a zero-width interval cannot see a change that keeps every pair in order', () => {
    const after = Float32Array.from(healthy, (z) => 3 * z - 2); // same order, other logits
    const d = delong(labels, healthy, after);
    expect([d.diff, d.low, d.high]).toEqual([0, 0, 0]);
    const ws = evaluationWarnings(labels, { name: ORIGINAL, logits: healthy }, { name: COMPRESSED, logits: after }, d);
    expect(ws).toHaveLength(1);
    expect(ws[0]).toMatch(/^The compressed model orders every \(click, non-click\) pair of the test rows exactly as/);
    expect(ws[0]).toMatch(/compare their log losses instead\.$/);
    // The very same model is no news: no warning.
    const same = delong(labels, healthy, healthy);
    expect(
      evaluationWarnings(labels, { name: ORIGINAL, logits: healthy }, { name: COMPRESSED, logits: healthy }, same),
    ).toEqual([]);
  });
});

describe('evaluationWarnings on the demo', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('says nothing about the demo DeepFM on the demo test rows', async () => {
    const demo = await openDemoModel('deepfm');
    const logits = await predictLogits(demo.model, demo.encoding, demo.test);
    expect(evaluationWarnings(demo.test.labels, { name: 'the model', logits })).toEqual([]);
    const probabilities = logits.map(sigmoid);
    expect(evaluationWarnings(demo.test.labels, { name: 'the model', probabilities })).toEqual([]);
  });
});
