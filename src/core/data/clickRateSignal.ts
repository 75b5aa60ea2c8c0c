/**
 * Whether an integer column behaves like codes or like a quantity, judged by the labels: predict each row's
 * click from the other rows (leave one out) once by its exact value and once by its neighbours in value order
 * (equal-count bins). A quantity's click rate changes smoothly with the value, so its neighbours predict as
 * well as the value itself; codes' neighbours are unrelated categories, so the exact value predicts better.
 * A paired test on the per-row log losses decides, and says nothing when the sample cannot tell (few clicks,
 * no signal either way). Pure module.
 */
import { isMissingCell, parseNumericCell } from './values';

/** Pseudo-rows of the overall click rate added to every group (shrinks small groups toward it). */
const PRIOR_ROWS = 20;
/** |t| of the paired difference needed to decide. */
const DECISIVE_T = 3;
/** Fewest labelled rows, and fewest clicks and non-clicks, for the test to speak. */
const MIN_ROWS = 400;
const MIN_EACH_CLASS = 20;

/** t of the paired difference above which a derived feature (hour of day, ...) carries click signal. */
const SIGNAL_T = 2;

const EPS = 1e-6;
function logLossOf(p: number, y: number): number {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return y === 1 ? -Math.log(q) : -Math.log(1 - q);
}

/** Leave-one-out click rate of each row's group, shrunk toward `prior`. */
function looRates(group: Int32Array, ys: Float64Array, groups: number, prior: number): Float64Array {
  const n = new Float64Array(groups);
  const pos = new Float64Array(groups);
  for (let i = 0; i < ys.length; i++) {
    n[group[i]]++;
    pos[group[i]] += ys[i];
  }
  const out = new Float64Array(ys.length);
  for (let i = 0; i < ys.length; i++) {
    const g = group[i];
    out[i] = (pos[g] - ys[i] + PRIOR_ROWS * prior) / (n[g] - 1 + PRIOR_ROWS);
  }
  return out;
}

/**
 * 'codes' when rows are predicted better by their exact value, 'quantity' when as well or better by their
 * neighbours in value order, null when the sample cannot tell. `labels[i]` is 0 or 1 (anything else: row skipped).
 */
export function clickRateSignal(values: readonly string[], labels: ArrayLike<number>): 'codes' | 'quantity' | null {
  const xs: number[] = [];
  const yl: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const y = labels[i];
    if ((y !== 0 && y !== 1) || isMissingCell(values[i])) continue;
    const x = parseNumericCell(values[i]);
    if (x === undefined || Number.isNaN(x)) continue;
    xs.push(x);
    yl.push(y);
  }
  const rows = xs.length;
  const clicks = yl.reduce((s, y) => s + y, 0);
  if (rows < MIN_ROWS || clicks < MIN_EACH_CLASS || rows - clicks < MIN_EACH_CLASS) return null;
  const order = Array.from({ length: rows }, (_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const ys = Float64Array.from(order, (i) => yl[i]);
  const sorted = order.map((i) => xs[i]);
  // Groups by exact value, and equal-count bins that never split a value.
  const byValue = new Int32Array(rows);
  const byBin = new Int32Array(rows);
  const bins = Math.max(4, Math.min(40, Math.round(Math.sqrt(rows) / 2)));
  const perBin = rows / bins;
  let valueGroup = 0;
  let bin = 0;
  for (let k = 1; k < rows; k++) {
    if (sorted[k] !== sorted[k - 1]) {
      valueGroup++;
      if (k >= (bin + 1) * perBin) bin++;
    }
    byValue[k] = valueGroup;
    byBin[k] = bin;
  }
  const prior = clicks / rows;
  const exact = looRates(byValue, ys, valueGroup + 1, prior);
  const near = looRates(byBin, ys, bin + 1, prior);
  let sum = 0;
  let sumSq = 0;
  for (let k = 0; k < rows; k++) {
    const d = logLossOf(near[k], ys[k]) - logLossOf(exact[k], ys[k]); // > 0: the exact value predicts better
    sum += d;
    sumSq += d * d;
  }
  const mean = sum / rows;
  const sd = Math.sqrt(Math.max(0, sumSq / rows - mean * mean));
  if (sd === 0) return null;
  const t = mean / (sd / Math.sqrt(rows));
  if (t > DECISIVE_T) return 'codes';
  if (t < -DECISIVE_T) return 'quantity';
  return null;
}

/**
 * Whether a categorical feature we derive ourselves (hour of day, day of week) carries click signal in the sample:
 * each row predicted by its level's leave-one-out click rate against the overall rate, a paired test on the log
 * losses. 'signal' when the levels predict better, 'none' when they do not, null when the sample cannot tell.
 */
export function levelSignal(levels: readonly string[], labels: ArrayLike<number>): 'signal' | 'none' | null {
  const ids = new Map<string, number>();
  const group: number[] = [];
  const ysList: number[] = [];
  for (let i = 0; i < levels.length; i++) {
    const y = labels[i];
    if ((y !== 0 && y !== 1) || levels[i] === '') continue;
    let g = ids.get(levels[i]);
    if (g === undefined) ids.set(levels[i], (g = ids.size));
    group.push(g);
    ysList.push(y);
  }
  const rows = ysList.length;
  const clicks = ysList.reduce((s, y) => s + y, 0);
  if (rows < MIN_ROWS || clicks < MIN_EACH_CLASS || rows - clicks < MIN_EACH_CLASS) return null;
  const ys = Float64Array.from(ysList);
  const prior = clicks / rows;
  const byLevel = looRates(Int32Array.from(group), ys, ids.size, prior);
  let sum = 0;
  let sumSq = 0;
  for (let k = 0; k < rows; k++) {
    const d = logLossOf(prior, ys[k]) - logLossOf(byLevel[k], ys[k]); // > 0: the level predicts better
    sum += d;
    sumSq += d * d;
  }
  const mean = sum / rows;
  const sd = Math.sqrt(Math.max(0, sumSq / rows - mean * mean));
  return sd > 0 && mean / (sd / Math.sqrt(rows)) > SIGNAL_T ? 'signal' : 'none';
}
