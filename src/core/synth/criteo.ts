/**
 * Synthetic click logs in Criteo's TSV layout (label, I1..I13, C1..C26), seeded, for benchmarks of any size:
 * categorical ids drawn from Zipf distributions over the real Criteo Kaggle cardinalities (up to ten million
 * ids per field), hashed to 8 hex digits as Criteo does; integer features from log-normal counts with
 * Criteo's missing rates; labels from a planted teacher (./teacher.ts): by default a logistic model with a
 * weight per id (a hash of field and id, so it needs no table) and per numeric feature, or the deep teacher;
 * its bias set for about 22% clicks.
 * The demo models can score these rows (most ids are unseen to them: out of vocabulary). Pure.
 */
import { createRng, type Rng } from '../random';
import { zipfSampler } from './zipf';
import { deepTeacher, hash32, logisticTeacher, type Draws, type Teacher, type TeacherKind } from './teacher';

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
  /** Which planted teacher labels the rows (default logistic). */
  teacher?: TeacherKind;
  /** Multiplies the deep teacher's logit (its signal against the label noise); default 1. */
  strength?: number;
  /** Told every row's teacher probability and drawn label (the teacher's own AUC is the Bayes limit). */
  onLabel?: (probability: number, label: 0 | 1) => void;
}

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

interface Row {
  draws: Draws;
  cells: string[];
}

const cardinalities = (opts: SynthOptions) =>
  CRITEO_CARDINALITIES.map((c) => Math.max(2, Math.round(c * (opts.cardinalityScale ?? 1))));

function makeRowSource(opts: SynthOptions) {
  const rng = createRng(opts.seed);
  const samplers = cardinalities(opts).map((n) => zipfSampler(n, opts.zipf ?? 1.15, rng));
  return (): Row => {
    const cells = new Array<string>(39);
    const counts = new Array<number | null>(13).fill(null);
    const ids = new Array<number | null>(26).fill(null);
    for (let j = 0; j < 13; j++) {
      if (rng() < MISSING_I[j]) {
        cells[j] = '';
        continue;
      }
      const v = Math.max(0, Math.floor(Math.exp(1.5 + 1.4 * gaussian(rng))) - 1);
      cells[j] = String(v);
      counts[j] = v;
    }
    for (let f = 0; f < 26; f++) {
      if (rng() < MISSING_C[f]) {
        cells[13 + f] = '';
        continue;
      }
      const id = samplers[f]();
      cells[13 + f] = hash32(f, id, 1).toString(16).padStart(8, '0');
      ids[f] = id;
    }
    return { draws: { counts, ids }, cells };
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

/**
 * The teacher and its bias for these options. The deep teacher is standardised and calibrated on rows of a
 * fixed seed, so files of any seed share it; the logistic teacher calibrates on rows of the file's own seed,
 * as earlier versions did (its files stay the same bit for bit).
 */
export function plantedTeacher(opts: SynthOptions): { teacher: Teacher; bias: number } {
  const deep = opts.teacher === 'deep';
  const probe = makeRowSource({ ...opts, seed: deep ? 0x5eed : opts.seed ^ 0x5eed });
  const sample = Array.from({ length: deep ? 20_000 : 4000 }, () => probe().draws);
  const teacher = deep ? deepTeacher(sample, opts.strength ?? 1) : logisticTeacher(cardinalities(opts));
  const bias = calibrateBias(
    sample.slice(0, 4000).map((d) => teacher(d)),
    opts.clickRate ?? 0.22,
  );
  return { teacher, bias };
}

/** Lines of the synthetic file (no trailing newline on each), in chunks of up to `chunk` lines. */
export function* synthCriteo(opts: SynthOptions, chunk = 10_000): Generator<string[]> {
  const { teacher, bias } = plantedTeacher(opts);
  const next = makeRowSource(opts);
  const labelRng = createRng(opts.seed ^ 0x1abe1);
  for (let done = 0; done < opts.rows; ) {
    const n = Math.min(chunk, opts.rows - done);
    const lines = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const r = next();
      const p = 1 / (1 + Math.exp(-(teacher(r.draws) + bias)));
      const label = labelRng() < p ? 1 : 0;
      opts.onLabel?.(p, label);
      lines[i] = `${label}\t${r.cells.join('\t')}`;
    }
    done += n;
    yield lines;
  }
}
