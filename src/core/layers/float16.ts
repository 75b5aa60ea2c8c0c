/** IEEE half precision (float16) ↔ numbers: the one place the project encodes and decodes halves. Pure. */

// Scratch views to read a float32's bits.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half bits of Math.fround(x), round-to-nearest-even: subnormals, ±0, ±Inf, NaN → 0x7E00, overflow → ±Inf. */
export function float32ToFloat16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 127; // unbiased exponent (float32 subnormals give −127: far below half's range)
  if (e > 15) return sign | 0x7c00;
  if (e >= -14) {
    // Normal half: keep 10 of the 23 mantissa bits, round on the other 13. A carry may ripple into the
    // exponent, up to 0x7C00 (= Infinity for values ≥ 65520), which is the correct IEEE result.
    let h = ((e + 15) << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1) !== 0)) h += 1;
    return sign | h;
  }
  if (e < -25) return sign; // |x| < 2^-25: below half the smallest subnormal (2^-24), rounds to ±0
  // Subnormal half: units of 2^-24. |x| = m · 2^(e−23) with the 24-bit significand m, so units = m >> (−e−1).
  const m = mant | 0x800000;
  const shift = -e - 1; // 14 … 24
  let h = m >>> shift;
  const rest = m & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rest > half || (rest === half && (h & 1) !== 0)) h += 1; // may become 0x400, the smallest normal
  return sign | h;
}

/** The exact value of half-precision bits (tfjs' table decoder gives the same float32). */
export function float16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
