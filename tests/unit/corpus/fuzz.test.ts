/**
 * Property-based tests of the parsers (fast-check): random bytes and random mutations of valid Criteo and CSV
 * files through readDataset (then encodeBatch), and random mutations of a valid model.json (and its weight
 * shard) through sortDrop, parseModelJson, assembleArtifacts and loadModelFromArtifacts. Whatever the input,
 * the result is a StudioError with a declared code or a valid result, in bounded time; and no row goes
 * missing: good rows + bad rows = the data lines of the file.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isStudioError } from '../../../src/core/errors';
import {
  encodeBatch,
  overridesForEncoding,
  readDataset,
  vocabSize,
  type BadRowReport,
  type ByteSource,
  type FeatureEncoding,
  type RawBatch,
} from '../../../src/core/data';
import {
  assembleArtifacts,
  parseModelJson,
  weightBytes,
  type ModelArtifacts,
} from '../../../src/core/layers/artifacts';
import { sortDrop } from '../../../src/formats/tfjs/sortDrop';
import { CORPUS_DIR, declaredErrorCodes, DEMO_MODEL } from '../../fixtures/corpus/cases';
import { CorpusRunner } from './runnerClient';

const CODES = declaredErrorCodes();
/** Longest one parser call may take on these small inputs before it counts as a hang. */
const CALL_LIMIT_MS = 3000;
/** The same for loading a model with tfjs (the first load also starts tfjs in the runner's thread). */
const LOAD_LIMIT_MS = 15_000;
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);

const demoEncoding = JSON.parse(readFileSync(join(DEMO_MODEL, 'model.json'), 'utf8')).userDefinedMetadata.ctrStudio
  .encoding as FeatureEncoding;
const criteoText = readFileSync(join(CORPUS_DIR, 'data/plain.tsv'), 'utf8').split('\n').slice(0, 24).join('\n') + '\n';
const csvText = readFileSync(join(CORPUS_DIR, 'data/bom.csv'), 'utf8').split('\n').slice(0, 24).join('\n') + '\n';
const modelText = readFileSync(join(CORPUS_DIR, 'models/base/model.json'), 'utf8');
const shardBytes = new Uint8Array(readFileSync(join(CORPUS_DIR, 'models/base/group1-shard1of1.bin')));

function withinLimit<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${CALL_LIMIT_MS} ms`)), CALL_LIMIT_MS);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** A thrown value must be a StudioError whose code is declared and whose message is one sentence. */
function expectStudioError(e: unknown, prefix: RegExp): void {
  if (!isStudioError(e)) throw new Error(`not a StudioError: ${e instanceof Error ? e.stack : String(e)}`);
  expectTyped(e.code, e.message, prefix);
}

function expectTyped(code: string, message: string, prefix: RegExp): void {
  expect(CODES.has(code), code).toBe(true);
  expect(code, message).toMatch(prefix);
  expect(message).toMatch(/[.]$/);
  expect(message).not.toMatch(/\n/);
}

// ---- data ------------------------------------------------------------------------------------------------

/** How a file reaches readDataset: whole text, whole bytes, byte chunks cut anywhere, or a Blob stream. */
type Delivery = { kind: 'string' } | { kind: 'bytes' } | { kind: 'chunks'; cuts: number[] } | { kind: 'blob' };
const delivery: fc.Arbitrary<Delivery> = fc.oneof(
  fc.constant({ kind: 'string' as const }),
  fc.constant({ kind: 'bytes' as const }),
  fc.record({ kind: fc.constant('chunks' as const), cuts: fc.array(fc.nat(), { maxLength: 8 }) }),
  fc.constant({ kind: 'blob' as const }),
);

async function* chunks(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const c of [...new Set(cuts.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b)) {
    yield bytes.subarray(start, c);
    start = c;
  }
  yield bytes.subarray(start);
}

function sourceOf(content: string | Uint8Array, d: Delivery): { source: ByteSource | string; text: string | null } {
  if (typeof content === 'string' && d.kind === 'string')
    return { source: content, text: content.replace(/^\ufeff/, '') };
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const text = new TextDecoder().decode(bytes); // drops one BOM, as the reader does
  if (d.kind === 'chunks') return { source: chunks(bytes, d.cuts), text };
  if (d.kind === 'blob') return { source: new Blob([bytes as BlobPart]).stream() as unknown as ByteSource, text };
  return { source: bytes, text };
}

/** Lines of a decoded text by the reader's rules: LF or CRLF, no final empty line. */
function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function isBlank(l: string): boolean {
  if (l.length === 0) return true;
  return [32, 9, 13, 0xa0, 0xfeff].includes(l.charCodeAt(0)) && l.trim().length === 0;
}

/** Rows are never dropped or invented: every non-blank line but the header is a good or a bad row. */
function expectAccounted(report: BadRowReport, text: string | null, hasHeader: boolean): void {
  expect(report.badRows).toBeGreaterThanOrEqual(0);
  if (text === null) return;
  const lines = linesOf(text);
  const data = lines.filter((l) => !isBlank(l)).length - (hasHeader ? 1 : 0);
  expect(report.goodRows + report.badRows).toBe(data);
  expect(report.totalLines).toBe(lines.length);
}

/** Good rows hold what they should: 0/1 labels, increasing line numbers, numbers or missing, strings. */
function expectSaneRows(batch: RawBatch, report: BadRowReport): void {
  expect(batch.rows).toBe(report.goodRows);
  const problems: string[] = [];
  for (let i = 0; i < batch.rows; i++) {
    if (batch.labels[i] !== 0 && batch.labels[i] !== 1) problems.push(`label ${batch.labels[i]} in row ${i}`);
    if (i > 0 && !(batch.lines[i] > batch.lines[i - 1]))
      problems.push(`line ${batch.lines[i]} after ${batch.lines[i - 1]}`);
  }
  for (const x of batch.numeric) if (!Number.isNaN(x) && !Number.isFinite(x)) problems.push(`numeric ${x}`);
  for (const col of batch.categorical)
    for (let i = 0; i < batch.rows; i++) if (typeof col[i] !== 'string') problems.push(`cell ${col[i]}`);
  expect(problems).toEqual([]);
}

/** Reads a file every way the product does; checks the outcome (and, with the demo encoding, encodes it). */
/** Outcomes of the current property, so one that only ever saw errors (or only successes) shows up. */
const outcomes = { read: 0, error: 0 };

async function readChecked(content: string | Uint8Array, d: Delivery, withEncoding: boolean): Promise<void> {
  const { source, text } = sourceOf(content, d);
  let read: Awaited<ReturnType<typeof readDataset>>;
  try {
    read = await withinLimit(
      readDataset(source, withEncoding ? { overrides: overridesForEncoding(demoEncoding) } : {}),
      'readDataset',
    );
  } catch (e) {
    expectStudioError(e, withEncoding ? /^(DATA_|INVALID_ARGUMENT$)/ : /^DATA_/);
    const detail = (e as { detail?: BadRowReport }).detail;
    if (detail && typeof detail.goodRows === 'number' && text !== null) {
      // DATA_EMPTY and DATA_MOSTLY_BAD carry the report; header detection is not known here, so allow both.
      const lines = linesOf(text).filter((l) => !isBlank(l)).length;
      expect([lines, lines - 1]).toContain(detail.goodRows + detail.badRows);
    }
    outcomes.error++;
    return;
  }
  outcomes.read++;
  expectAccounted(read.report, text, read.schema.hasHeader);
  expectSaneRows(read.batch, read.report);
  if (!withEncoding) return;
  try {
    const enc = encodeBatch(demoEncoding, read.batch, read.schema);
    expect(enc.rows).toBe(read.batch.rows);
    const problems: string[] = [];
    enc.categorical.forEach((ids, k) => {
      const size = vocabSize(demoEncoding.categorical[k]);
      for (const id of ids)
        if (!(id >= 0 && id < size)) problems.push(`id ${id} of ${demoEncoding.categorical[k].name}`);
    });
    for (const x of enc.numeric) if (!Number.isFinite(x)) problems.push(`encoded ${x}`);
    expect(problems).toEqual([]);
  } catch (e) {
    expectStudioError(e, /^DATA_SCHEMA$/);
  }
}

/** Text mutations: what editors, exports and truncated downloads do to files. */
type Mutation =
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'replace'; at: number; text: string }
  | { op: 'truncate'; at: number }
  | { op: 'duplicateLine'; at: number }
  | { op: 'replaceAll'; from: string; to: string };

const SPECIAL = [
  '\t',
  ',',
  ';',
  '|',
  '"',
  '""',
  '\n',
  '\r',
  '\r\n',
  '\u0000',
  ' ',
  '\ufeff',
  '\u00a0',
  'é',
  '\ud800',
  'x',
  '1',
  '0',
  '-1',
  '2',
  '1e999',
  'NaN',
  'inf',
  'label',
  'C1',
];
const piece = fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ unit: 'binary', maxLength: 6 }));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: piece }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), text: piece }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicateLine' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('replaceAll' as const),
    from: fc.constantFrom('\t', ',', '\n', '0', '1', '"'),
    to: piece,
  }),
);

function mutate(text: string, ms: Mutation[]): string {
  let t = text;
  for (const m of ms) {
    const at = 'at' in m ? m.at % (t.length + 1) : 0;
    if (m.op === 'insert') t = t.slice(0, at) + m.text + t.slice(at);
    else if (m.op === 'delete') t = t.slice(0, at) + t.slice(at + m.length);
    else if (m.op === 'replace') t = t.slice(0, at) + m.text + t.slice(at + 1);
    else if (m.op === 'truncate') t = t.slice(0, at);
    else if (m.op === 'duplicateLine') {
      const lines = t.split('\n');
      const i = at % lines.length;
      lines.splice(i, 0, lines[i]);
      t = lines.join('\n');
    } else t = t.split(m.from).join(m.to);
  }
  return t;
}

describe('data parsers under fuzzing', () => {
  it('random bytes: a StudioError or accounted, sane rows', async () => {
    outcomes.read = outcomes.error = 0;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), delivery, fc.boolean(), async (bytes, d, withEncoding) => {
        await readChecked(bytes, d.kind === 'string' ? { kind: 'bytes' } : d, withEncoding);
      }),
      { numRuns: 1000, seed: SEED },
    );
    expect(outcomes.error).toBeGreaterThan(100);
  });

  it('random text from delimiters, quotes, numbers and line breaks', async () => {
    const cell = fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ maxLength: 4 }));
    outcomes.read = outcomes.error = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(cell, { maxLength: 120 }), delivery, fc.boolean(), async (cells, d, withEncoding) => {
        await readChecked(cells.join(''), d, withEncoding);
      }),
      { numRuns: 1000, seed: SEED },
    );
    expect(outcomes.error).toBeGreaterThan(100);
  });

  it('mutations of a valid Criteo file', async () => {
    outcomes.read = outcomes.error = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        delivery,
        fc.boolean(),
        async (ms, d, withEncoding) => {
          await readChecked(mutate(criteoText, ms), d, withEncoding);
        },
      ),
      { numRuns: 600, seed: SEED },
    );
    expect(outcomes.read).toBeGreaterThan(100);
    expect(outcomes.error).toBeGreaterThan(50);
  });

  it('mutations of a valid CSV with a header (and a BOM)', async () => {
    outcomes.read = outcomes.error = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        delivery,
        fc.boolean(),
        async (ms, d, withEncoding) => {
          await readChecked(mutate(csvText, ms), d, withEncoding);
        },
      ),
      { numRuns: 600, seed: SEED },
    );
    expect(outcomes.read).toBeGreaterThan(100);
    expect(outcomes.error).toBeGreaterThan(50);
  });

  it('the unmutated files read completely (the properties above are not vacuous)', async () => {
    for (const text of [criteoText, csvText]) {
      const r = await readDataset(text, { overrides: overridesForEncoding(demoEncoding) });
      expect(r.report.badRows).toBe(0);
      expect(r.batch.rows).toBe(24 - (r.schema.hasHeader ? 1 : 0));
      expect(encodeBatch(demoEncoding, r.batch, r.schema).rows).toBe(r.batch.rows);
    }
  });
});

// ---- models ----------------------------------------------------------------------------------------------

const baseJson = () => JSON.parse(modelText) as Record<string, unknown>;

/** Every path (keys and indices) into a JSON value, depth first. */
function pathsOf(
  value: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, Array.isArray(value) ? Number(k) : k], out);
  }
  return out;
}

function setPath(root: Record<string, unknown>, path: (string | number)[], value: unknown, remove: boolean): unknown {
  if (path.length === 0) return value;
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (remove) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return root;
}

/** A structural edit of model.json: a value somewhere replaced by another JSON value, or removed. */
type JsonEdit = {
  pick: number;
  value: unknown;
  remove: boolean;
  region: 'any' | 'manifest' | 'metadata' | 'layerConfig';
};
const jsonEdit: fc.Arbitrary<JsonEdit> = fc.record({
  pick: fc.nat(),
  value: fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(
      0,
      -1,
      1,
      2,
      1.5,
      1e6,
      'float16',
      'int32',
      'bool',
      'float64',
      'uint8',
      '',
      'MysteryLayer',
      'Dense',
      null,
      [],
      {},
      [1, 2],
      ['a'],
    ),
  ),
  remove: fc.boolean(),
  region: fc.constantFrom('any', 'manifest', 'metadata', 'layerConfig'),
});

function applyEdits(edits: JsonEdit[]): unknown {
  let root: unknown = baseJson();
  for (const e of edits) {
    if (!root || typeof root !== 'object') break;
    const all = pathsOf(root);
    const want = {
      any: null,
      manifest: 'weightsManifest',
      metadata: 'userDefinedMetadata',
      layerConfig: 'modelTopology',
    }[e.region];
    const paths = want ? all.filter((p) => p[0] === want && p.length > 1) : all;
    if (paths.length === 0) continue;
    root = setPath(root as Record<string, unknown>, paths[e.pick % paths.length], structuredClone(e.value), e.remove);
  }
  return root;
}

/** What can happen to a weight shard on the way: nothing, cut, padded, a NaN written in, random bytes. */
type ShardEdit =
  | { op: 'none' }
  | { op: 'cut'; at: number }
  | { op: 'pad'; n: number }
  | { op: 'nan'; at: number }
  | { op: 'random'; bytes: Uint8Array };
const shardEdit: fc.Arbitrary<ShardEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ op: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cut' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('pad' as const), n: fc.integer({ min: 1, max: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('nan' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('random' as const),
      bytes: fc.uint8Array({ minLength: shardBytes.length, maxLength: shardBytes.length }),
    }),
  },
);

function editShard(e: ShardEdit): ArrayBuffer {
  const b = shardBytes.slice();
  if (e.op === 'cut') return b.slice(0, e.at % b.length).buffer;
  if (e.op === 'pad') {
    const out = new Uint8Array(b.length + e.n);
    out.set(b);
    return out.buffer;
  }
  if (e.op === 'nan') new DataView(b.buffer).setUint32(4 * (e.at % (b.length / 4)), 0x7fc00000, true);
  if (e.op === 'random') return e.bytes.slice().buffer;
  return b.buffer;
}

/** Artifacts that passed the checks are whole: sizes add up, names are unique, every float is finite. */
function expectValidArtifacts(a: ModelArtifacts): void {
  expect(typeof a.modelTopology).toBe('object');
  const names = a.weightSpecs.map((w) => w.name);
  expect(new Set(names).size).toBe(names.length);
  expect(a.weightData.byteLength).toBe(a.weightSpecs.reduce((s, w) => s + weightBytes(w), 0));
  const view = new DataView(a.weightData);
  let offset = 0;
  const problems: string[] = [];
  for (const w of a.weightSpecs) {
    if (!w.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) problems.push(`shape of ${w.name}`);
    const n = w.shape.reduce((x, y) => x * y, 1);
    if (!w.quantization && w.dtype === 'float32')
      for (let i = 0; i < n; i++)
        if (!Number.isFinite(view.getFloat32(offset + 4 * i, true))) problems.push(`${w.name}[${i}]`);
    offset += weightBytes(w);
  }
  expect(problems).toEqual([]);
}

/** The studio's checks before tfjs: a StudioError (MODEL_*) or valid artifacts. */
function checkedArtifacts(text: string, shard: ArrayBuffer): ModelArtifacts | null {
  try {
    const drop = sortDrop([{ name: 'model.json', text }, { name: 'group1-shard1of1.bin' }]);
    const json = parseModelJson(drop.modelJson!.text!, 'model.json');
    const a = assembleArtifacts(json, new Map(drop.shards.map((s) => [s.name, shard])), 'model.json');
    expectValidArtifacts(a);
    return a;
  } catch (e) {
    expectStudioError(e, /^MODEL_/);
    return null;
  }
}

describe('model files under fuzzing', () => {
  it('text mutations of model.json: a StudioError or valid artifacts', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), shardEdit, (ms, se) => {
        checkedArtifacts(mutate(modelText, ms), editShard(se));
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  it('structural edits of model.json and its shard: a StudioError or valid artifacts', () => {
    let valid = 0;
    fc.assert(
      fc.property(fc.array(jsonEdit, { minLength: 1, maxLength: 3 }), shardEdit, (edits, se) => {
        if (checkedArtifacts(JSON.stringify(applyEdits(edits)), editShard(se))) valid++;
      }),
      { numRuns: 600, seed: SEED },
    );
    expect(valid).toBeGreaterThan(0); // some edits leave a loadable model: the property is not only about errors
  });

  it('loading what passed the checks: a model or a StudioError, in bounded time (tfjs ' +
    'runs in a worker thread)', async () => {
    // tfjs can spin synchronously on a bad topology (it did on an inbound node naming no layer), which no
    // timer in this thread could interrupt: the runner's thread is terminated instead, and the run fails.
    const runner = new CorpusRunner(LOAD_LIMIT_MS);
    let loaded = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(jsonEdit, { minLength: 1, maxLength: 2 }), async (edits) => {
          const text = JSON.stringify(applyEdits(edits));
          if (!checkedArtifacts(text, shardBytes.slice().buffer)) return;
          const got = await runner.load(text, shardBytes);
          if (got.ok) loaded++;
          else {
            expect(got.studioError, got.message).toBe(true);
            expectTyped(got.code, got.message, /^MODEL_/);
          }
        }),
        { numRuns: 200, seed: SEED },
      );
    } finally {
      await runner.close();
    }
    expect(loaded).toBeGreaterThan(0);
  }, 120_000);
});
