/**
 * Synthetic click logs in Criteo's TSV layout (label, I1..I13, C1..C26), seeded, for benchmarks of any size:
 * categorical ids drawn from Zipf distributions over the real Criteo Kaggle cardinalities (up to ten million
 * ids per field), hashed to 8 hex digits as Criteo does; integer features from log-normal counts with
 * Criteo's missing rates; labels from a planted teacher: a logistic model with a weight per id (a hash of
 * field and id, so it needs no table) and per numeric feature, its bias set for about 22% clicks.
 * The demo models can score these rows (most ids are unseen to them: out of vocabulary). Pure.
 */
import { createRng, type Rng } from '../random';
import { zipfSampler } from './zipf';

/** Distinct values per categorical field in the full Criteo Kaggle training set. */
export const CRITEO_CARDINALITIES = [
  1460, 583, 10131227, 2202608, 305, 24, 12517, 633, 3, 93145, 5683, 8351593, 3194, 27, 14992, 5461306, 10, 5652, 2173,
  4, 7046547, 18, 15, 286181, 105, 142572,
];
/** Share of missing values per integer field, as in the real data (SOURCE.md of the demo rows). */
const MISSING_I = [0.448, 0, 0.204, 0.198, 0.049, 0.251, 0.049, 0.001, 0.049, 0.448, 0.049, 0.774, 0.198];
const MISSING_C = [
  0, 0, 0.036, 0.036, 0, 0.133, 0, 0, 0, 0, 0, 0.036, 0, 0, 0, 0.036, 0, 0, 0.45, 0.45, 0.036, 0.818, 0, 0.036, 0.45,
  0.45,
];

export interface SynthOptions {
  rows: number;
  seed: number;
  /** Zipf exponent of the ids (Criteo's heads are heavy: 1.1 to 1.3). */
  zipf?: number;
  /** Multiplies every cardinality (e.g. 0.01 for small vocabularies). */
  cardinalityScale?: number;
  /** Target share of clicks. */
  clickRate?: number;
}

function hash32(a: number, b: number, c: number): number {
  let h =
    Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^
    Math.imul(b + 0x632be5ab, 0xc2b2ae35) ^
    Math.imul(c + 0x27d4eb2f, 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A weight in about [−w, w] for an id, from its hash (no table: any vocabulary size). */
function idWeight(field: number, id: number, scale: number): number {
  return ((hash32(field, id, 7) / 4294967296) * 2 - 1) * scale;
}

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

interface Row {
  logit: number;
  cells: string[];
}

function makeRowSource(opts: SynthOptions) {
  const rng = createRng(opts.seed);
  const scale = opts.cardinalityScale ?? 1;
  const cards = CRITEO_CARDINALITIES.map((c) => Math.max(2, Math.round(c * scale)));
  const samplers = cards.map((n) => zipfSampler(n, opts.zipf ?? 1.15, rng));
  const fieldScale = cards.map((_, f) => 0.25 + 0.75 * (hash32(f, 0, 3) / 4294967296));
  const numWeight = MISSING_I.map((_, j) => ((hash32(100 + j, 0, 5) / 4294967296) * 2 - 1) * 0.3);
  return (): Row => {
    let logit = 0;
    const cells = new Array<string>(39);
    for (let j = 0; j < 13; j++) {
      if (rng() < MISSING_I[j]) {
        cells[j] = '';
        continue;
      }
      const v = Math.max(0, Math.floor(Math.exp(1.5 + 1.4 * gaussian(rng))) - 1);
      cells[j] = String(v);
      logit += numWeight[j] * (Math.log1p(v) - 2);
    }
    for (let f = 0; f < 26; f++) {
      if (rng() < MISSING_C[f]) {
        cells[13 + f] = '';
        continue;
      }
      const id = samplers[f]();
      cells[13 + f] = hash32(f, id, 1).toString(16).padStart(8, '0');
      logit += idWeight(f, id, fieldScale[f]);
    }
    return { logit, cells };
  };
}

/** The bias that gives about the target click rate for these teacher logits (by bisection on a sample). */
function calibrateBias(logits: number[], rate: number): number {
  let lo = -20;
  let hi = 20;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    const mean = logits.reduce((s, l) => s + 1 / (1 + Math.exp(-(l + mid))), 0) / logits.length;
    if (mean > rate) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

/** Lines of the synthetic file (no trailing newline on each), in chunks of up to `chunk` lines. */
export function* synthCriteo(opts: SynthOptions, chunk = 10_000): Generator<string[]> {
  const probe = makeRowSource({ ...opts, seed: opts.seed ^ 0x5eed });
  const bias = calibrateBias(
    Array.from({ length: 4000 }, () => probe().logit),
    opts.clickRate ?? 0.22,
  );
  const next = makeRowSource(opts);
  const labelRng = createRng(opts.seed ^ 0x1abe1);
  for (let done = 0; done < opts.rows; ) {
    const n = Math.min(chunk, opts.rows - done);
    const lines = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const r = next();
      const p = 1 / (1 + Math.exp(-(r.logit + bias)));
      lines[i] = `${labelRng() < p ? 1 : 0}\t${r.cells.join('\t')}`;
    }
    done += n;
    yield lines;
  }
}
