/**
 * Work shipped beside a model (the demo's, in public/demo/models/<id>/): the statistics of its training rows
 * (a `.stats` file, src/core/compress/statistics.ts), every method's spectrum of every layer, the leading
 * eigenvectors of AFM's Dense decompositions (an `.eigen` file, below), the original model's click
 * probabilities on the test rows (Float32, little-endian) and those of the model a plan (the studio's first)
 * builds, with the fingerprints of the model and of the encoded rows they were computed from. The studio uses
 * them only when both fingerprints match what is open (and, for a plan's scores, the plan is the one asked), so a
 * stale file (a retrained model, other rows, another encoding) is ignored and the work is done as without it.
 * Written by scripts/precompute-demo.ts; checked against a fresh computation by tests/unit/app/precomputed.test.ts.
 */
import type { EncodedBatch } from '../core/data';
import { cumulativeExplained } from '../core/compress/decomposition';
import { METHODS } from '../core/compress/methods';
import { denseAfmFromEigen, type GivenEigen } from '../core/compress/methods/afm';
import { StudioError } from '../core/errors';
import { modelFingerprint, parseStatistics, type LayerStatistics } from '../core/compress/statistics';
import type { ModelCompressor } from './modelCompressor';
import type { LayerSpectrum } from './types';
import type { UniformPlan } from '../core/compress/plan';

/** Bumped whenever what is shipped, or how it is computed, changes: files of another format are ignored. */
export const PRECOMPUTED_FORMAT = 1;

/** The JSON index (precomputed.json) beside the model: what was computed, from what, and where it is. */
export interface PrecomputedIndex {
  format: number;
  /** Fingerprint of the model (Compressor.fingerprint). */
  model: string;
  /** Fingerprint of the encoded training rows (rowsFingerprint). */
  rows: string;
  rowCount: number;
  /** The `.stats` file, relative to the index. */
  statistics: string;
  /** The `.eigen` file (AFM's leading eigenvectors of each Dense layer), relative to the index. */
  eigen?: string;
  /** The original model's probabilities on the test rows (their fingerprint and count), relative to the index. */
  baseline?: { file: string; rows: string; rowCount: number };
  /** Plans scored on the same test rows as the baseline: the built model's size and probabilities (a file). */
  plans?: ShippedPlan[];
  spectra: LayerSpectrum[];
}

/** A plan's built model as {@link Studio.evaluate} reports it, with its probabilities on the test rows. */
export interface ShippedPlan {
  plan: UniformPlan;
  params: number;
  kept: string[];
  fused: number;
  file: string;
}

/** The index with its files read. */
export interface Precomputed {
  index: PrecomputedIndex;
  statistics: LayerStatistics;
  eigen?: Map<string, GivenEigen>;
  baseline?: Float32Array;
  /** Each shipped plan's probabilities, by file name. */
  planProbs?: Map<string, Float32Array>;
}

/** Fetches a precomputed index and its statistics (null when either is missing or unreadable). */
export type PrecomputedLoader = () => Promise<Precomputed | null>;

/** A fingerprint of encoded rows: labels, every id column and the numeric block, in order. */
export function rowsFingerprint(b: EncodedBatch): string {
  let fp = rowsFingerprints.get(b);
  if (fp === undefined) rowsFingerprints.set(b, (fp = hashRows(b)));
  return fp;
}
/** Each batch's fingerprint, computed once (the rows of an opened file do not change). */
const rowsFingerprints = new WeakMap<EncodedBatch, string>();

function hashRows(b: EncodedBatch): string {
  const parts = [b.labels, ...b.categorical, b.numeric];
  const bytes = new Uint8Array(parts.reduce((t, p) => t + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += p.byteLength;
  }
  return modelFingerprint({ rows: b.rows, categorical: b.categorical.length, numeric: b.numeric.length }, bytes.buffer);
}

/** The methods whose decompositions the studio prepares (those whose statistics are in hand). */
export function preparedMethods(c: ModelCompressor) {
  return METHODS.filter((m) => !m.needs || c.has(m.needs) || (c.dataFree && m.dataFree.table));
}

/** Each compressible layer's spectrum under each prepared method (computing the decompositions it needs). */
export function spectraOf(c: ModelCompressor): LayerSpectrum[] {
  const methods = preparedMethods(c);
  return c.compressible.flatMap((l) =>
    methods
      .filter((m) => c.methodFor(m.id, l.kind).id === m.id)
      .map((m) => {
        const d = c.decomposition(l.name, m.id);
        return {
          layer: l.name,
          method: m.id,
          explained: Array.from(cumulativeExplained(d.spectrum).subarray(0, d.maxRank + 1)),
        };
      }),
  );
}

/** The index of statistics in hand (collected over `rows`) and their spectra, for the files named. */
export function precomputedIndex(
  c: ModelCompressor,
  rows: EncodedBatch,
  files: { statistics: string; eigen?: string; baseline?: { file: string; test: EncodedBatch } },
): PrecomputedIndex {
  return {
    format: PRECOMPUTED_FORMAT,
    model: c.fingerprint,
    rows: rowsFingerprint(rows),
    rowCount: rows.rows,
    statistics: files.statistics,
    ...(files.eigen ? { eigen: files.eigen } : {}),
    ...(files.baseline
      ? {
          baseline: {
            file: files.baseline.file,
            rows: rowsFingerprint(files.baseline.test),
            rowCount: files.baseline.test.rows,
          },
        }
      : {}),
    spectra: spectraOf(c),
  };
}

/** The leading `cols` eigenvectors (at most) of AFM's decomposition of each compressible Dense layer. */
export function afmEigen(c: ModelCompressor, cols: number): Map<string, GivenEigen> {
  const out = new Map<string, GivenEigen>();
  for (const l of c.compressible) {
    if (l.kind !== 'dense') continue;
    const d = c.decomposition(l.name, 'afm');
    const basis = d.basis!;
    const k = Math.min(cols, basis.cols);
    const n = d.spectrum.length;
    const vectors = new Float64Array(n * k);
    for (let r = 0; r < n; r++) vectors.set(basis.vectors.subarray(r * basis.cols, r * basis.cols + k), r * k);
    out.set(l.name, { values: d.spectrum, vectors, cols: k });
  }
  return out;
}

/** Uses precomputed work that matches (see mismatch): its statistics, and its eigenvectors as AFM's. */
export function applyPrecomputed(c: ModelCompressor, p: Precomputed): void {
  c.useStatistics(p.statistics);
  for (const [name, given] of p.eigen ?? []) {
    const l = c.layer(name);
    if (l.kind !== 'dense') continue;
    const maxRank = Math.min(l.shape.dOut, l.breakEvenRank);
    const w = c.target.denseWeights(name);
    c.useDecomposition(denseAfmFromEigen(name, w, p.statistics.denseInputs.get(name)!, maxRank, given));
  }
}

const EIGEN_MAGIC = 'CTREIGEN';

/**
 * The `.eigen` file, little-endian: magic "CTREIGEN", u32 version 1, u32 length H of a UTF-8 JSON header
 * `{ layers: [{ name, n, cols }] }`, then per layer n eigenvalues and the n × cols eigenvectors (Float64).
 */
export function serializeEigen(eigen: Map<string, GivenEigen>): ArrayBuffer {
  const layers = [...eigen].map(([name, e]) => ({ name, n: e.values.length, cols: e.cols }));
  const json = new TextEncoder().encode(JSON.stringify({ layers }));
  const body = [...eigen.values()].reduce((t, e) => t + (e.values.length + e.vectors.length) * 8, 0);
  const out = new Uint8Array(16 + json.length + body);
  out.set(new TextEncoder().encode(EIGEN_MAGIC), 0);
  new DataView(out.buffer).setUint32(8, 1, true);
  new DataView(out.buffer).setUint32(12, json.length, true);
  out.set(json, 16);
  let at = 16 + json.length;
  for (const e of eigen.values()) {
    for (const part of [e.values, e.vectors]) {
      out.set(new Uint8Array(Float64Array.from(part).buffer), at);
      at += part.length * 8;
    }
  }
  return out.buffer;
}

export function parseEigen(buf: ArrayBuffer, fileName = 'eigen file'): Map<string, GivenEigen> {
  const bad = () => new StudioError('INVALID_ARGUMENT', `${fileName} is not a CTR Studio eigenvector file.`);
  const bytes = new Uint8Array(buf);
  if (buf.byteLength < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== EIGEN_MAGIC) throw bad();
  const v = new DataView(buf);
  if (v.getUint32(8, true) !== 1) throw bad();
  const hlen = v.getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + hlen))) as {
    layers: { name: string; n: number; cols: number }[];
  };
  const out = new Map<string, GivenEigen>();
  let at = 16 + hlen;
  const take = (count: number) => {
    if (at + count * 8 > buf.byteLength) throw bad();
    const a = new Float64Array(buf.slice(at, at + count * 8));
    at += count * 8;
    return a;
  };
  for (const l of header.layers) out.set(l.name, { values: take(l.n), vectors: take(l.n * l.cols), cols: l.cols });
  if (at !== buf.byteLength) throw bad();
  return out;
}

/** Why precomputed work does not belong to this model and these rows, or null when it does. */
export function mismatch(p: Precomputed, c: ModelCompressor, rows: EncodedBatch): string | null {
  const { index } = p;
  if (index.format !== PRECOMPUTED_FORMAT) return `format ${index.format}, not ${PRECOMPUTED_FORMAT}`;
  if (index.model !== c.fingerprint) return 'computed for another model';
  if (index.rowCount !== rows.rows || index.rows !== rowsFingerprint(rows)) return 'computed on other rows';
  if (p.statistics.rows !== rows.rows) return 'statistics of another number of rows';
  return null;
}

/** The original model's shipped probabilities on these test rows, or null when they are not this model's or rows'. */
export function shippedBaseline(p: Precomputed, c: ModelCompressor, test: EncodedBatch): Float32Array | null {
  const b = p.index.baseline;
  if (!b || !p.baseline || p.index.format !== PRECOMPUTED_FORMAT || p.index.model !== c.fingerprint) return null;
  if (b.rowCount !== test.rows || p.baseline.length !== test.rows || b.rows !== rowsFingerprint(test)) return null;
  return p.baseline;
}

/** A plan as a key: the same plan whatever the order or the defaults of its fields. */
export function planKey(p: UniformPlan): string {
  const overrides = Object.entries(p.overrides ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([
    p.method,
    p.denseRank,
    p.embeddingRank,
    overrides,
    p.statistics ?? 'one-pass',
    p.activation ?? false,
  ]);
}

/**
 * The shipped scores of this plan's model on these test rows (with its size), or null unless the plan, the model
 * and the test rows are those they were computed for.
 */
export function shippedPlan(
  p: Precomputed,
  c: ModelCompressor,
  test: EncodedBatch,
  plan: UniformPlan,
): (ShippedPlan & { probs: Float32Array }) | null {
  if (!shippedBaseline(p, c, test)) return null; // the same model and test rows
  const key = planKey(plan);
  const entry = p.index.plans?.find((e) => planKey(e.plan) === key);
  const probs = entry && p.planProbs?.get(entry.file);
  return entry && probs && probs.length === test.rows ? { ...entry, probs } : null;
}

/** A loader of the index at `indexUrl` (absolute) and its `.stats` file, fetched once, on first use. */
export function urlPrecomputed(indexUrl: string, fetcher: (url: string) => Promise<Response>): PrecomputedLoader {
  let pending: Promise<Precomputed | null> | null = null;
  const load = async (): Promise<Precomputed | null> => {
    const res = await fetcher(indexUrl);
    if (!res.ok) return null;
    const index = (await res.json()) as PrecomputedIndex;
    const file = async (name: string) => {
      const res = await fetcher(new URL(name, indexUrl).href);
      if (!res.ok) throw new StudioError('FILE_NOT_FOUND', `${name} could not be fetched (HTTP ${res.status}).`);
      return res.arrayBuffer();
    };
    const plans = index.plans ?? [];
    const [stats, eigen, baseline, ...planFiles] = await Promise.all([
      file(index.statistics),
      index.eigen ? file(index.eigen) : null,
      index.baseline ? file(index.baseline.file) : null,
      ...plans.map((e) => file(e.file)),
    ]);
    return {
      index,
      statistics: parseStatistics(stats, index.statistics).stats,
      ...(eigen && index.eigen ? { eigen: parseEigen(eigen, index.eigen) } : {}),
      ...(baseline ? { baseline: new Float32Array(baseline) } : {}),
      planProbs: new Map(plans.map((e, i) => [e.file, new Float32Array(planFiles[i]!)])),
    };
  };
  return () => {
    pending ??= load().catch(() => null);
    return pending;
  };
}
