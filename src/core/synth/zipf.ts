/**
 * Zipf-distributed integers in 1..n (P(k) ∝ k^-s, s > 1) by rejection-inversion (Hörmann & Derflinger 1996):
 * constant expected time whatever n, so 10-million-id vocabularies cost no more than small ones.
 */
import type { Rng } from '../random';

export function zipfSampler(n: number, s: number, rng: Rng): () => number {
  if (!(s > 1)) throw new RangeError('zipfSampler needs an exponent above 1');
  const h = (x: number) => Math.pow(x, -s);
  // H is an antiderivative of h; Hinv its inverse.
  const H = (x: number) => (Math.pow(x, 1 - s) - 1) / (1 - s);
  const Hinv = (y: number) => Math.pow(1 + y * (1 - s), 1 / (1 - s));
  const hx1 = H(1.5) - 1;
  const hn = H(n + 0.5);
  const sq = 2 - Hinv(H(2.5) - h(2));
  return () => {
    for (;;) {
      const u = hn + rng() * (hx1 - hn);
      const x = Hinv(u);
      const k = Math.min(n, Math.max(1, Math.round(x)));
      if (k - x <= sq || u >= H(k + 0.5) - h(k)) return k;
    }
  };
}
