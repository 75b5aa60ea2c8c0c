import { describe, expect, it } from 'vitest';
import { float32ToFloat16Bits } from '../../../src/core/layers/quantize';

/** Exact value of half bits (independent reference, straight from IEEE 754). */
function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const hex = (h: number) => '0x' + h.toString(16).toUpperCase().padStart(4, '0');

describe('float32ToFloat16Bits', () => {
  it.each([
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [2 ** -24, 0x0001], // smallest subnormal
    [1023 * 2 ** -24, 0x03ff], // largest subnormal
    [2 ** -14, 0x0400], // smallest normal
    [0.1, 0x2e66], // float32 0.1 = 0x3DCCCCCD: mantissa 0x4CCCCD >> 13 = 0x266, rest 0xCCD < 0x1000
    [0.5, 0x3800],
    [-1.5, 0xbe00],
    [0, 0x0000],
    [-0, 0x8000],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
  ])('%s → hand-checked bits', (x, bits) => {
    expect(hex(float32ToFloat16Bits(x))).toBe(hex(bits));
  });

  it.each([
    // ties go to the even neighbour
    [1 + 2 ** -11, 0x3c00], // halfway 1 (0x3C00) / 1+2^-10 (0x3C01) → even 0x3C00
    [1 + 3 * 2 ** -11, 0x3c02], // halfway 0x3C01 / 0x3C02 → even 0x3C02
    [2049, 0x6800], // ulp 2 in [2048, 4096): halfway 2048 / 2050 → 2048
    [2051, 0x6802], // halfway 2050 (0x6801) / 2052 (0x6802) → 0x6802
    [2 ** -25, 0x0000], // halfway 0 / smallest subnormal → 0
    [3 * 2 ** -25, 0x0002], // halfway 1 / 2 subnormal units → 2
    [1023.5 * 2 ** -24, 0x0400], // halfway largest subnormal (odd) / smallest normal → carries into the exponent
    [-(1 + 2 ** -11), 0xbc00],
    // just off the tie: nearest
    [1 + 2 ** -11 + 2 ** -20, 0x3c01],
    [2 ** -25 + 2 ** -40, 0x0001],
    [2 ** -26, 0x0000],
  ])('tie / near-tie %s → %s', (x, bits) => {
    expect(hex(float32ToFloat16Bits(x))).toBe(hex(bits));
  });

  it('overflows to ±Infinity exactly from the 65520 tie on; 65519 still rounds to 65504', () => {
    expect(hex(float32ToFloat16Bits(65519))).toBe('0x7BFF');
    expect(hex(float32ToFloat16Bits(65520))).toBe('0x7C00');
    expect(hex(float32ToFloat16Bits(-65520))).toBe('0xFC00');
    expect(hex(float32ToFloat16Bits(1e6))).toBe('0x7C00');
    expect(hex(float32ToFloat16Bits(3.4e38))).toBe('0x7C00');
  });

  it('maps NaN to a quiet NaN and float32 subnormals to ±0', () => {
    const h = float32ToFloat16Bits(NaN);
    expect(h & 0x7c00).toBe(0x7c00);
    expect(h & 0x3ff).not.toBe(0);
    expect(Number.isNaN(halfValue(h))).toBe(true);
    expect(float32ToFloat16Bits(1e-45)).toBe(0);
    expect(float32ToFloat16Bits(-1e-45)).toBe(0x8000);
  });

  it('rounds its argument to float32 first (documented: 1 + 2^-11 + 2^-40 is the float32 tie 1 + 2^-11)', () => {
    expect(hex(float32ToFloat16Bits(1 + 2 ** -11 + 2 ** -40))).toBe('0x3C00');
  });

  it('round-trips every finite half exactly', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue;
      expect(float32ToFloat16Bits(halfValue(h))).toBe(h);
    }
  });

  it('sends every midpoint between consecutive positive halves to the even one', () => {
    for (let h = 0; h < 0x7bff; h++) {
      const mid = (halfValue(h) + halfValue(h + 1)) / 2; // exact in float32 (needs at most 12 significant bits)
      expect(Math.fround(mid)).toBe(mid);
      const want = h % 2 === 0 ? h : h + 1;
      if (float32ToFloat16Bits(mid) !== want)
        throw new Error(`midpoint of ${hex(h)}: got ${hex(float32ToFloat16Bits(mid))}, want ${hex(want)}`);
      if (float32ToFloat16Bits(-mid) !== (want | 0x8000)) throw new Error(`negative midpoint of ${hex(h)}`);
    }
  });

  it('picks the nearest half for random float32 values across the whole range', () => {
    let seed = 12345;
    const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const bits = new Uint32Array(1);
    const f = new Float32Array(bits.buffer);
    for (let n = 0; n < 200000; n++) {
      // uniform over float32 bit patterns with |x| < 65520 (exponents up to 15)
      bits[0] = (Math.floor(rnd() * 2) << 31) | (Math.floor(rnd() * 143) << 23) | Math.floor(rnd() * 2 ** 23);
      const x = f[0];
      if (Math.abs(x) >= 65520) continue;
      const h = float32ToFloat16Bits(x);
      const err = Math.abs(halfValue(h) - x);
      const lower = h & 0x7fff ? h - 1 : h; // neighbours with the same sign
      const upper = (h & 0x7fff) < 0x7bff ? h + 1 : h;
      if (Math.abs(halfValue(lower) - x) < err || Math.abs(halfValue(upper) - x) < err)
        throw new Error(`${x} → ${hex(h)} is not the nearest half`);
    }
  });
});
