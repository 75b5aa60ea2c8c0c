/**
 * The planted teachers of `ctr-studio synth`: the logistic one is additive over fields (what logistic regression
 * represents), the deep one is not (pairwise and higher-order interactions); the deep one is the same for files
 * of any seed; both give the click rate asked for, and the teacher's AUC is printed by the command.
 */
import { describe, expect, it } from 'vitest';
import { plantedTeacher, synthCriteo } from '../../../src/core/synth/criteo';
import type { Draws } from '../../../src/core/synth/teacher';

const draws = (ids: (number | null)[]): Draws => ({ counts: new Array(13).fill(3), ids });
const base = Array.from({ length: 26 }, (_, f) => f + 1);
/** The interaction contrast of fields 0 and 1: t(a,b) − t(a',b) − t(a,b') + t(a',b'); 0 for an additive teacher. */
function contrast(t: (d: Draws) => number): number {
  const at = (a: number, b: number) => t(draws([a, b, ...base.slice(2)]));
  return at(5, 9) - at(6, 9) - at(5, 10) + at(6, 10);
}

describe('planted teachers', () => {
  const opts = { rows: 1, seed: 1, cardinalityScale: 0.001 };

  it('the logistic teacher is additive over fields; the deep teacher is not', () => {
    expect(Math.abs(contrast(plantedTeacher(opts).teacher))).toBeLessThan(1e-12);
    const deep = plantedTeacher({ ...opts, teacher: 'deep' }).teacher;
    const contrasts = [5, 50, 500].map((s) => contrast((d) => deep({ ...d, ids: d.ids.map((x) => x! + s) })));
    expect(Math.max(...contrasts.map(Math.abs))).toBeGreaterThan(0.01);
  });

  it('the deep teacher and its bias are the same for files of any seed', () => {
    const a = plantedTeacher({ ...opts, teacher: 'deep', seed: 1 });
    const b = plantedTeacher({ ...opts, teacher: 'deep', seed: 99 });
    expect(b.bias).toBe(a.bias);
    const d = draws(base);
    expect(b.teacher(d)).toBe(a.teacher(d));
  });

  it('gives about the click rate asked for, and labels that follow the teacher', () => {
    const probs: number[] = [];
    const labels: number[] = [];
    const lines = [
      ...synthCriteo({
        rows: 20_000,
        seed: 3,
        cardinalityScale: 0.001,
        teacher: 'deep',
        clickRate: 0.3,
        onLabel: (p, l) => {
          probs.push(p);
          labels.push(l);
        },
      }),
    ].flat();
    expect(lines).toHaveLength(20_000);
    expect(lines.every((l, i) => l.startsWith(`${labels[i]}\t`))).toBe(true);
    const rate = labels.reduce((s, l) => s + l, 0) / labels.length;
    expect(Math.abs(rate - 0.3)).toBeLessThan(0.02);
    // Rows the teacher scores high are clicked more often.
    const high = labels.filter((_, i) => probs[i] > 0.5);
    const low = labels.filter((_, i) => probs[i] < 0.1);
    expect(high.reduce((s, l) => s + l, 0) / high.length).toBeGreaterThan(low.reduce((s, l) => s + l, 0) / low.length);
  });
});
