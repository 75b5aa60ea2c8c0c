/**
 * AFM's statistics of one model as plain data, and the `.stats` file that carries them between processes or
 * machines (scale-out: each shard's statistics are computed apart, then merged).
 *
 * File format (little-endian), version 1:
 *   bytes 0-7   magic "CTRSTATS"
 *   bytes 8-11  u32 format version (1)
 *   bytes 12-15 u32 length H of the JSON header
 *   H bytes     UTF-8 JSON: { model: fingerprint, rows, layers: [{ name, kind: 'dense', bytes } |
 *               { name, kind: 'embedding', vocab, bytes }] }
 *   then, per layer in header order: a Dense layer's input moments (linalg serializeMoments: count, mean,
 *   upper triangle of the centred sum of outer products, all Float64), or an embedding's id counts
 *   (vocab × Float64).
 * Merging is Chan's pairwise update for moments and a sum for counts; merging per-shard files in order gives
 * the same bits as `compress` reading the same shards in the same order in one process (it folds per file too).
 */
import { StudioError } from '../errors';
import { deserializeMoments, mergeMoments, serializeMoments, type Moments } from '../linalg';

/** Statistics of the compressible layers of one model over some rows. */
export interface LayerStatistics {
  rows: number;
  /** Moments of each Dense layer's input. */
  denseInputs: Map<string, Moments>;
  /** How often each id of each embedding table was looked up. */
  idCounts: Map<string, Float64Array>;
  /**
   * Gradient statistics, when a method needs them: per layer, Σ over calibration batches of the squared loss
   * gradients of its weights, per output (Dense) or per id (table).
   */
  fisher?: Map<string, Float64Array>;
}

const MAGIC = 'CTRSTATS';
const VERSION = 1;

interface Header {
  model: string;
  rows: number;
  layers: (
    | { name: string; kind: 'dense'; bytes: number }
    | { name: string; kind: 'embedding'; vocab: number; bytes: number }
  )[];
}

/** Encodes statistics with the fingerprint of the model they belong to. */
export function serializeStatistics(s: LayerStatistics, modelFingerprint: string): ArrayBuffer {
  const blobs: { name: string; kind: 'dense' | 'embedding'; data: ArrayBuffer; vocab?: number }[] = [];
  for (const [name, m] of s.denseInputs) blobs.push({ name, kind: 'dense', data: serializeMoments(m) });
  for (const [name, c] of s.idCounts)
    blobs.push({ name, kind: 'embedding', vocab: c.length, data: Float64Array.from(c).buffer });
  const header: Header = {
    model: modelFingerprint,
    rows: s.rows,
    layers: blobs.map((b) =>
      b.kind === 'dense'
        ? { name: b.name, kind: 'dense', bytes: b.data.byteLength }
        : { name: b.name, kind: 'embedding', vocab: b.vocab!, bytes: b.data.byteLength },
    ),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const total = 16 + json.length + blobs.reduce((t, b) => t + b.data.byteLength, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const v = new DataView(out.buffer);
  v.setUint32(8, VERSION, true);
  v.setUint32(12, json.length, true);
  out.set(json, 16);
  let at = 16 + json.length;
  for (const b of blobs) {
    out.set(new Uint8Array(b.data), at);
    at += b.data.byteLength;
  }
  return out.buffer;
}

/** Decodes a `.stats` file; anything else is one clear sentence naming the file. */
export function parseStatistics(
  buf: ArrayBuffer,
  fileName = 'statistics file',
): { model: string; stats: LayerStatistics } {
  const bad = (why: string) =>
    new StudioError(
      'INVALID_ARGUMENT',
      `${fileName} is not a CTR Studio statistics file (${why}); write it with ctr-studio stats.`,
    );
  if (buf.byteLength < 16) throw bad('too short');
  const bytes = new Uint8Array(buf);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw bad('wrong magic bytes');
  const v = new DataView(buf);
  const version = v.getUint32(8, true);
  if (version !== VERSION) throw bad(`format version ${version}, this CTR Studio reads version ${VERSION}`);
  const hlen = v.getUint32(12, true);
  if (16 + hlen > buf.byteLength) throw bad('truncated header');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + hlen))) as Header;
  } catch {
    throw bad('unreadable header');
  }
  const stats: LayerStatistics = { rows: header.rows, denseInputs: new Map(), idCounts: new Map() };
  let at = 16 + hlen;
  for (const l of header.layers ?? []) {
    if (at + l.bytes > buf.byteLength) throw bad(`truncated at layer ${l.name}`);
    const part = buf.slice(at, at + l.bytes);
    if (l.kind === 'dense') stats.denseInputs.set(l.name, deserializeMoments(part));
    else {
      if (l.bytes !== l.vocab * 8) throw bad(`layer ${l.name} has ${l.bytes} bytes for ${l.vocab} ids`);
      stats.idCounts.set(l.name, new Float64Array(part));
    }
    at += l.bytes;
  }
  if (at !== buf.byteLength) throw bad(`${buf.byteLength - at} bytes after the last layer`);
  return { model: header.model, stats };
}

/** Merges the statistics of two disjoint sets of rows of the same model (a new object; inputs untouched). */
export function mergeStatistics(a: LayerStatistics, b: LayerStatistics): LayerStatistics {
  const sameKeys = (x: Map<string, unknown>, y: Map<string, unknown>) =>
    x.size === y.size && [...x.keys()].every((k) => y.has(k));
  if (!sameKeys(a.denseInputs, b.denseInputs) || !sameKeys(a.idCounts, b.idCounts)) {
    throw new StudioError(
      'INVALID_ARGUMENT',
      "The statistics files cover different layers; compute every shard's statistics " +
        'with the same model and the same CTR Studio version.',
    );
  }
  const denseInputs = new Map<string, Moments>();
  for (const [name, m] of a.denseInputs) denseInputs.set(name, mergeMoments(m, b.denseInputs.get(name)!));
  const idCounts = new Map<string, Float64Array>();
  for (const [name, c] of a.idCounts) {
    const d = b.idCounts.get(name)!;
    if (d.length !== c.length)
      throw new StudioError(
        'INVALID_ARGUMENT',
        `The statistics files disagree on the vocabulary of ${name}; they were computed with different models.`,
      );
    idCounts.set(
      name,
      c.map((x, i) => x + d[i]),
    );
  }
  const fisher = a.fisher && b.fisher ? mergeSums(a.fisher, b.fisher) : undefined;
  return { rows: a.rows + b.rows, denseInputs, idCounts, ...(fisher ? { fisher } : {}) };
}

/** Per-layer sums added element by element (gradient statistics are sums over rows). */
function mergeSums(a: Map<string, Float64Array>, b: Map<string, Float64Array>): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const [name, x] of a) {
    const y = b.get(name);
    if (y && y.length === x.length)
      out.set(
        name,
        x.map((v, i) => v + y[i]),
      );
  }
  return out;
}

/** A fingerprint of a model's topology and weights (two 32-bit FNV-1a lanes), to match statistics to models. */
export function modelFingerprint(topology: unknown, weightData: ArrayBuffer): string {
  const lanes: [number, number] = [0x811c9dc5, 0x01000193 ^ 0x5bd1e995];
  hashInto(lanes, new TextEncoder().encode(JSON.stringify(topology)));
  hashInto(lanes, new Uint8Array(weightData));
  const [a, b] = lanes;
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/**
 * Feeds bytes to the two lanes. The lanes are locals in the loop (not variables captured by a closure), which
 * a cold engine runs several times faster: the demo hashes 3.6 MB while it opens.
 */
function hashInto(lanes: [number, number], bytes: Uint8Array): void {
  let [a, b] = lanes;
  for (let i = 0; i < bytes.length; i++) {
    const x = bytes[i];
    a = Math.imul(a ^ x, 0x01000193);
    b = Math.imul(b ^ x, 0x5bd1e995) ^ (b >>> 15);
  }
  lanes[0] = a;
  lanes[1] = b;
}
