import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erf, erfc, normalCdf, normalQuantile } from '../../../src/core/metrics';

/** |actual - expected| <= tol · |expected| (relative), or <= tol when expected is 0. */
function expectRel(actual: number, expected: number, tol: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * (expected === 0 ? 1 : Math.abs(expected)));
}

// Every reference value below was computed with mpmath at 40 significant digits (ncdf, erfc, erf, erfinv).
const PHI: Array<[number, number]> = [
  [0, 0.5],
  [1, 0.84134474606854294859],
  [-1, 0.15865525393145705141],
  [0.5, 0.69146246127401310364],
  [-0.5, 0.30853753872598689636],
  [-1.5, 0.066807201268858066004],
  [2.5, 0.99379033467422386483],
  [3, 0.99865010196836990547],
  [6, 0.99999999901341235496],
  [-5, 2.8665157187919391167e-7],
  [-10, 7.619853024160526066e-24],
  [-20, 2.7536241186062336951e-89],
  [-37.5, 4.6053530095819548438e-308],
];
const ERFC: Array<[number, number]> = [
  [0.5, 0.47950012218695346232],
  [1, 0.15729920705028513066],
  [2, 0.0046777349810472658379],
  [3, 0.000022090496998585441373],
  [5, 1.5374597944280348502e-12],
  [10, 2.088487583762544757e-45],
  [27, 5.237048923789255685e-319],
];
const ERF: Array<[number, number]> = [
  [0.1, 0.1124629160182848922],
  [-0.3, -0.32862675945912742764],
  [1.5, 0.96610514647531072707],
  [2.5, 0.99959304798255504106],
  [4, 0.99999998458274209972],
];
const QUANTILE: Array<[number, number]> = [
  [0.975, 1.9599639845400542355],
  [0.025, -1.9599639845400542355],
  [0.5, 0],
  [0.3, -0.52440051270804078404],
  [0.2, -0.84162123357291420518],
  [0.01, -2.3263478740408411009],
  [0.02425, -1.9729610513118848503], // the edge of Acklam's central region
  [1e-5, -4.2648907939228246285],
  [1e-20, -9.2623400897984075737],
  [1e-300, -37.047096299361199237],
];

describe('normal distribution', () => {
  it('Φ(1.959963984540054) = 0.975', () => {
    expectRel(normalCdf(1.959963984540054), 0.975, 1e-15);
    expectRel(normalCdf(-1.959963984540054), 0.025, 1e-14);
  });

  it('Φ matches reference values to 1e-13 relative, deep into the lower tail', () => {
    for (const [x, p] of PHI) expectRel(normalCdf(x), p, 1e-13);
  });

  it('erfc and erf match reference values to 1e-14 relative', () => {
    for (const [x, v] of ERFC) expectRel(erfc(x), v, x < 20 ? 1e-14 : 1e-13);
    for (const [x, v] of ERF) expectRel(erf(x), v, 1e-15);
    expect(erfc(0)).toBe(1);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(40)).toBe(0);
    expect(Number.isNaN(erfc(NaN))).toBe(true);
  });

  it('erfc is accurate on both sides of x = 1, where it switches from the series to the continued fraction', () => {
    const cases: Array<[number, number]> = [
      [0.7, 0.32219880616258152702],
      [0.9999999999999999, 0.15729920705028517217],
      [1, 0.15729920705028513066],
      [1.0000000000000002, 0.15729920705028504764],
      [1.5, 0.033894853524689272933],
      [1.98, 0.0051079996131864162428],
    ];
    for (const [x, v] of cases) expectRel(erfc(x), v, 2e-15);
  });

  it('Φ⁻¹ matches reference values to 1e-14 relative', () => {
    for (const [p, x] of QUANTILE) expectRel(normalQuantile(p), x, 1e-14);
  });

  it('Φ(Φ⁻¹(p)) = p across (0, 1), tails included', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1, noNaN: true, minExcluded: true, maxExcluded: true }), (p) => {
        // For p near 1 the reachable accuracy is absolute (Φ rounds to 1 - ulp/2), hence the mixed tolerance.
        const back = normalCdf(normalQuantile(p));
        expect(Math.abs(back - p)).toBeLessThanOrEqual(1e-14 * Math.min(p, 1 - p) + 2e-16);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      // Above x ≈ 5, Φ(x) is so close to 1 that its own rounding moves the inverse by more than 1e-9.
      fc.property(fc.double({ min: -37, max: 5, noNaN: true }), (x) => {
        expect(Math.abs(normalQuantile(normalCdf(x)) - x)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(x)));
      }),
    );
  });

  it('Φ⁻¹ is odd about 1/2 and handles the ends', () => {
    for (const p of [0.6, 0.75, 0.9, 0.99, 0.999999]) expect(normalQuantile(p)).toBe(-normalQuantile(1 - p));
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(Number.isFinite(normalQuantile(Number.MIN_VALUE))).toBe(true);
    for (const bad of [-0.1, 1.1, NaN]) expect(Number.isNaN(normalQuantile(bad))).toBe(true);
  });

  it('Φ is increasing and Φ(x) + Φ(−x) = 1', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (x, h) => {
        expect(normalCdf(x + h)).toBeGreaterThanOrEqual(normalCdf(x));
        expect(Math.abs(normalCdf(x) + normalCdf(-x) - 1)).toBeLessThanOrEqual(4e-16);
      }),
    );
  });
});
