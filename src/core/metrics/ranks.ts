/**
 * Sort orders and mid-ranks over plain numeric arrays, the shared core of the rank-based metrics (AUC, DeLong).
 * Pure module: no tfjs, no DOM. Callers must reject NaN first (see validate.ts): NaN has no place in an order.
 */

/** Indices 0..n-1 ordered by ascending value (a typed index sort; -0 and 0 compare equal; values must not be NaN). */
export function sortedOrder(values: ArrayLike<number>): Uint32Array {
  const n = values.length;
  const v = values instanceof Float64Array ? values : Float64Array.from(values);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    const x = v[a];
    const y = v[b];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return order;
}

/** 1-based ranks of `values` where each group of tied values shares the mean of its ranks (mid-ranks). */
export function midranks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const v = values instanceof Float64Array ? values : Float64Array.from(values);
  const order = sortedOrder(v);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    const x = v[order[i]];
    let j = i + 1;
    while (j < n && v[order[j]] === x) j++;
    // Sorted positions i..j-1 hold ranks i+1..j; their mean is exact (an integer or a half-integer).
    const r = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k]] = r;
    i = j;
  }
  return ranks;
}
