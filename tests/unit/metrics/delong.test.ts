import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auc, aucWithCI, delong, normalCdf, placements } from '../../../src/core/metrics';
import { codeOf } from '../../helpers/errors';

/** Closeness in relative terms (absolute near 0). */
function expectNear(actual: number, expected: number, tol = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

/** The 97.5% normal quantile, from mpmath at 40 digits: sqrt(2) * erfinv(0.95) = 1.9599639845400542355. */
const Z975 = 1.9599639845400542;

/**
 * DeLong straight from the definitions, O(m n): placement values by pair counting, the 2x2 covariance matrices
 * S10 and S01 with denominators m - 1 and n - 1, and Var(B - A) = [1, -1] (S10/m + S01/n) [1, -1]ᵀ.
 */
function delongDirect(labels: number[], a: number[], b: number[]) {
  const pos = labels.flatMap((y, i) => (y === 1 ? [i] : []));
  const neg = labels.flatMap((y, i) => (y === 0 ? [i] : []));
  const m = pos.length;
  const n = neg.length;
  const psi = (x: number, y: number) => (x > y ? 1 : x === y ? 0.5 : 0);
  const comps = (s: number[]) => {
    const v10 = pos.map((i) => neg.reduce((t, j) => t + psi(s[i], s[j]), 0) / n);
    const v01 = neg.map((j) => pos.reduce((t, i) => t + psi(s[i], s[j]), 0) / m);
    return { v10, v01, auc: v10.reduce((t, v) => t + v, 0) / m };
  };
  const A = comps(a);
  const B = comps(b);
  const cov = (u: number[], mu: number, w: number[], mw: number) =>
    u.reduce((t, x, k) => t + (x - mu) * (w[k] - mw), 0) / (u.length - 1);
  const s10 = (P: typeof A, Q: typeof A) => cov(P.v10, P.auc, Q.v10, Q.auc);
  const s01 = (P: typeof A, Q: typeof A) => cov(P.v01, P.auc, Q.v01, Q.auc);
  const varA = s10(A, A) / m + s01(A, A) / n;
  const varB = s10(B, B) / m + s01(B, B) / n;
  const covAB = s10(A, B) / m + s01(A, B) / n;
  return { A, B, varA, varB, covAB, varDiff: varA + varB - 2 * covAB };
}

/** Rows with at least two clicks and two non-clicks, scored by two models with integer scores (many ties). */
const twoModels = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: -3, max: 3 })), {
    minLength: 4,
    maxLength: 60,
  })
  .map((r) => {
    const labels = r.map(([y]) => y);
    labels[0] = labels[1] = 1;
    labels[2] = labels[3] = 0;
    return { labels, a: r.map(([, s]) => s), b: r.map(([, , s]) => s) };
  });

describe('delong: a 3-click, 3-non-click case worked by hand', () => {
  // Rows 0-2 are clicks (m = 3), rows 3-5 non-clicks (n = 3). ψ(x, y) = 1 if x > y, 1/2 if x = y, else 0.
  const labels = [1, 1, 1, 0, 0, 0];
  const A = [0.8, 0.6, 0.3, /* non-clicks */ 0.6, 0.2, 0.1];
  const B = [0.7, 0.2, 0.9, /* non-clicks */ 0.4, 0.8, 0.2];
  //
  // Model A. V10 (per click, share of the non-clicks {0.6, 0.2, 0.1} it beats):
  //   0.8 → 3/3 = 1,   0.6 → (½ + 1 + 1)/3 = 5/6,   0.3 → (0 + 1 + 1)/3 = 2/3.          mean = 15/18 = 5/6
  // V01 (per non-click, share of the clicks {0.8, 0.6, 0.3} above it):
  //   0.6 → (1 + ½ + 0)/3 = 1/2,   0.2 → 1,   0.1 → 1.                                    mean = 5/6 = AUC_A
  // Model B. V10 (non-clicks {0.4, 0.8, 0.2}):
  //   0.7 → (1 + 0 + 1)/3 = 2/3,   0.2 → (0 + 0 + ½)/3 = 1/6,   0.9 → 1.                 mean = 11/18
  // V01 (clicks {0.7, 0.2, 0.9}):
  //   0.4 → (1 + 0 + 1)/3 = 2/3,   0.8 → (0 + 0 + 1)/3 = 1/3,   0.2 → (1 + ½ + 1)/3 = 5/6. mean = 11/18 = AUC_B
  //
  // Deviations from the means: V10_A − 5/6 = (1/6, 0, −1/6);  V10_B − 11/18 = (1/18, −8/18, 7/18)
  //                            V01_A − 5/6 = (−1/3, 1/6, 1/6); V01_B − 11/18 = (1/18, −5/18, 4/18)
  // S10 (divide sums of products by m − 1 = 2):
  //   AA = (1/36 + 0 + 1/36)/2 = 1/36;   BB = (1 + 64 + 49)/324/2 = 57/324 = 19/108;
  //   AB = (1/108 + 0 − 7/108)/2 = −1/36
  // S01 (divide by n − 1 = 2):
  //   AA = (1/9 + 1/36 + 1/36)/2 = 1/12;  BB = (1 + 25 + 16)/324/2 = 21/324 = 7/108;
  //   AB = (−1/54 − 5/108 + 4/108)/2 = −1/72
  // Var(AUC_A) = S10_AA/3 + S01_AA/3 = 1/108 + 1/36 = 1/27
  // Var(AUC_B) = (19/108 + 7/108)/3 = 13/162
  // Cov(A, B)  = (−1/36 − 1/72)/3 = −1/72
  // Var(B − A) = 1/27 + 13/162 + 2/72 = 47/324, so se = √47/18 ≈ 0.38087
  // diff = 11/18 − 5/6 = −2/9;  z = (−2/9)/(√47/18) = −4/√47 ≈ −0.58346
  // p = 2Φ(−4/√47) = erfc(4/√94) = 0.55958369977524269512 (mpmath, 40 digits)
  // 95% CI = −2/9 ± 1.9599639845400542 · √47/18 = (−0.96871…, 0.52427…), inside [−1, 1] so not clipped.

  it('has the hand-computed structural components', () => {
    const a = placements(labels, A);
    const b = placements(labels, B);
    [1, 5 / 6, 2 / 3].forEach((v, i) => expectNear(a.v10[i], v));
    [1 / 2, 1, 1].forEach((v, j) => expectNear(a.v01[j], v));
    [2 / 3, 1 / 6, 1].forEach((v, i) => expectNear(b.v10[i], v));
    [2 / 3, 1 / 3, 5 / 6].forEach((v, j) => expectNear(b.v01[j], v));
    expectNear(a.auc, 5 / 6);
    expectNear(b.auc, 11 / 18);
  });

  it('matches the hand-computed variances and test to 1e-12', () => {
    const direct = delongDirect(labels, A, B);
    expectNear(direct.varA, 1 / 27);
    expectNear(direct.varB, 13 / 162);
    expectNear(direct.covAB, -1 / 72);
    expectNear(direct.varDiff, 47 / 324);

    const r = delong(labels, A, B);
    expectNear(r.aucA, 5 / 6);
    expectNear(r.aucB, 11 / 18);
    expectNear(r.diff, -2 / 9);
    expectNear(r.se, Math.sqrt(47) / 18);
    expectNear(r.z, -4 / Math.sqrt(47));
    expectNear(r.p, 0.5595836997752427);
    expectNear(r.low, -2 / 9 - (Z975 * Math.sqrt(47)) / 18);
    expectNear(r.high, -2 / 9 + (Z975 * Math.sqrt(47)) / 18);

    const ciA = aucWithCI(labels, A);
    expectNear(ciA.auc, 5 / 6);
    expectNear(ciA.se, 1 / Math.sqrt(27));
    expectNear(ciA.low, 5 / 6 - Z975 / Math.sqrt(27));
    expect(ciA.high).toBe(1); // 5/6 + 0.377 is clipped to 1
    expectNear(aucWithCI(labels, B).se, Math.sqrt(13 / 162));
  });
});

describe('delong: published pROC reference values (aSAH data, DeLong method)', () => {
  // pROC's test suite (tests/testthat/test-var.R, test-ci.auc.R) states, for roc(aSAH$outcome, ...):
  //   ndka: AUC 0.611957994579946, var 0.0031908105493913, 95% CI (0.501244999271703, 0.722670989888189)
  //   wfns: AUC 0.823678861788618, var 0.00146991470882363
  // AUC and DeLong's variance depend only on how clicks and non-clicks interleave, so any scores with the same
  // interleaving give the same numbers. The scores below were rebuilt from the placement values that pROC
  // publishes for aSAH (tests/testthat/helper-deLongPlacementsCpp-expected.R); recomputing placements from them
  // reproduces every published value to 1e-12 (checked offline, with exact fractions).
  // ndka: 41 poor outcomes (label 1) then 72 good (label 0), scores on an integer rank scale.
  const ndkaCases = [
    42, 26, 32, 40, 4, 10, 20, 48, 52, 48, 48, 16, 36, 44, 6, 8, 34, 2, 56, 44, 18, 20, 24, 34, 46, 29, 44, 8, 54, 39,
    4, 13, 44, 4, 12, 48, 22, 36, 50, 20, 40,
  ];
  const ndkaControls = [
    1, 9, 7, 19, 5, 39, 5, 43, 33, 43, 41, 51, 11, 5, 25, 5, 5, 55, 27, 15, 15, 43, 3, 7, 5, 13, 31, 7, 37, 49, 7, 5,
    25, 11, 7, 31, 47, 45, 17, 23, 53, 5, 41, 15, 19, 19, 37, 3, 41, 25, 11, 19, 43, 19, 23, 7, 15, 19, 47, 9, 25, 29,
    49, 21, 25, 11, 47, 17, 35, 45, 5, 33,
  ];
  // wfns is a 1-5 grade; counts per grade, read off the same placements:
  //   poor (41): 2, 12, 1, 8, 18      good (72): 37, 20, 3, 8, 4
  const grades = (counts: number[]) => counts.flatMap((c, g) => Array<number>(c).fill(g + 1));

  it('ndka: AUC, variance and 95% CI', () => {
    const labels = [...ndkaCases.map(() => 1), ...ndkaControls.map(() => 0)];
    const r = aucWithCI(labels, [...ndkaCases, ...ndkaControls]);
    expectNear(r.auc, 0.611957994579946);
    expectNear(r.se * r.se, 0.0031908105493913);
    expectNear(r.low, 0.501244999271703);
    expectNear(r.high, 0.722670989888189);
  });

  it('wfns: AUC and variance', () => {
    const poor = grades([2, 12, 1, 8, 18]);
    const good = grades([37, 20, 3, 8, 4]);
    const labels = [...poor.map(() => 1), ...good.map(() => 0)];
    const r = aucWithCI(labels, [...poor, ...good]);
    expectNear(r.auc, 0.823678861788618);
    expectNear(r.se * r.se, 0.00146991470882363);
  });
});

describe('delong: properties', () => {
  it('the fast algorithm equals the O(n²) placement-value definition on random tied data', () => {
    fc.assert(
      fc.property(twoModels, ({ labels, a, b }) => {
        const direct = delongDirect(labels, a, b);
        const r = delong(labels, a, b);
        expectNear(r.aucA, direct.A.auc);
        expectNear(r.aucB, direct.B.auc);
        expectNear(r.se * r.se, Math.max(0, direct.varDiff));
        expectNear(aucWithCI(labels, a).se ** 2, direct.varA);
        expectNear(aucWithCI(labels, b).se ** 2, direct.varB);
        const pa = placements(labels, a);
        direct.A.v10.forEach((v, i) => expectNear(pa.v10[i], v));
        direct.A.v01.forEach((v, j) => expectNear(pa.v01[j], v));
        if (r.se > 0) {
          expectNear(r.z, r.diff / r.se);
          expectNear(r.p, 2 * normalCdf(-Math.abs(r.diff / r.se)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with auc()', () => {
    fc.assert(
      fc.property(twoModels, ({ labels, a, b }) => {
        const r = delong(labels, a, b);
        expect(r.aucA).toBe(auc(labels, a));
        expect(r.aucB).toBe(auc(labels, b));
        expect(r.diff).toBe(r.aucB - r.aucA);
      }),
    );
  });

  it('identical models: diff 0, se 0, z 0, p 1, CI [0, 0]', () => {
    fc.assert(
      fc.property(twoModels, ({ labels, a }) => {
        expect(delong(labels, a, a)).toEqual({
          aucA: auc(labels, a),
          aucB: auc(labels, a),
          diff: 0,
          se: 0,
          z: 0,
          p: 1,
          low: 0,
          high: 0,
        });
        // A strictly increasing transform ranks every pair the same way, so it is the same model to DeLong.
        const r = delong(
          labels,
          a,
          a.map((s) => Math.exp(s)),
        );
        expect([r.diff, r.se, r.p, r.low, r.high]).toEqual([0, 0, 1, 0, 0]);
      }),
    );
  });

  it('swapping A and B flips the signs of diff, z and the CI, and keeps se and p', () => {
    fc.assert(
      fc.property(twoModels, ({ labels, a, b }) => {
        const ab = delong(labels, a, b);
        const ba = delong(labels, b, a);
        const neg = (x: number) => 0 - x; // 0 - 0 is +0, so equal AUCs compare as 0 both ways
        expect(ba.diff).toBe(neg(ab.diff));
        expect(ba.se).toBe(ab.se);
        expect(ba.p).toBe(ab.p);
        expect(ba.z).toBe(neg(ab.z));
        expect(ba.low).toBe(neg(ab.high));
        expect(ba.high).toBe(neg(ab.low));
      }),
    );
  });

  it('matches the closed form for 0/1 scores: Var = [TPR(1−TPR)/(m−1) + FPR(1−FPR)/(n−1)] / 4', () => {
    // With scores in {0, 1}, a click scored 1 beats the non-clicks scored 0 and ties those scored 1, so
    // V10 ∈ {1 − FPR/2, (1 − FPR)/2}: two values 1/2 apart, the higher for a share TPR of the m clicks, whose
    // sample variance is (1/4)·TPR(1 − TPR)·m/(m − 1). Likewise V01 ∈ {(1 + TPR)/2, TPR/2}, the lower for a
    // share FPR of the n non-clicks: (1/4)·FPR(1 − FPR)·n/(n − 1). Dividing by m and n gives the formula.
    fc.assert(
      fc.property(
        twoModels,
        fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 60, maxLength: 60 }),
        ({ labels }, bits) => {
          const s = labels.map((_, i) => bits[i]);
          const m = labels.filter((y) => y === 1).length;
          const n = labels.length - m;
          const tpr = labels.filter((y, i) => y === 1 && s[i] === 1).length / m;
          const fpr = labels.filter((y, i) => y === 0 && s[i] === 1).length / n;
          const r = aucWithCI(labels, s);
          expectNear(r.auc, (1 + tpr - fpr) / 2);
          expectNear(r.se ** 2, ((tpr * (1 - tpr)) / (m - 1) + (fpr * (1 - fpr)) / (n - 1)) / 4);
        },
      ),
    );
  });

  it('is unchanged by strictly increasing transforms of either model', () => {
    fc.assert(
      fc.property(twoModels, ({ labels, a, b }) => {
        const r = delong(labels, a, b);
        const t = delong(
          labels,
          a.map((s) => 3 * s - 1),
          b.map((s) => s ** 3),
        );
        expect(t).toEqual(r);
      }),
    );
  });

  it('a wider confidence level gives a wider interval', () => {
    const labels = [1, 1, 1, 0, 0, 0, 1, 0];
    const a = [5, 3, 2, 4, 1, 0, 2, 2];
    const b = [4, 4, 1, 3, 2, 1, 3, 0];
    const r90 = delong(labels, a, b, 0.9);
    const r99 = delong(labels, a, b, 0.99);
    expect(r99.low).toBeLessThan(r90.low);
    expect(r99.high).toBeGreaterThan(r90.high);
    expectNear(r90.high - r90.diff, 1.6448536269514727 * r90.se); // qnorm(0.95) = sqrt(2)·erfinv(0.9), mpmath
  });
});

describe('delong: input errors', () => {
  it('needs two rows of each class, a confidence in (0, 1) and numeric scores', () => {
    expect(codeOf(() => delong([1, 0, 0], [1, 2, 3], [3, 2, 1]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => aucWithCI([1, 1, 0], [1, 2, 3]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => delong([1, 1, 1, 1], [1, 2, 3, 4], [1, 2, 3, 4]))).toBe('DATA_ONE_CLASS');
    expect(codeOf(() => delong([1, 1, 0, 0], [1, 2, 3, 4], [1, 2, 3, 4], 1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => aucWithCI([1, 1, 0, 0], [1, 2, 3, 4], 0))).toBe('INVALID_ARGUMENT');
    expect(() => delong([1, 1, 0, 0], [1, 2, 3, 4], [1, NaN, 3, 4])).toThrow(/score of model B in row 2 is NaN/);
    expect(() => delong([1, 1, 0, 0], [1, 2, 3, 4], [1, 2, 3])).toThrow(/4 labels but 3 scores of model B/);
  });
});
