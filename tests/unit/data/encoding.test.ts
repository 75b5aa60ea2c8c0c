import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  chooseTransform,
  encodeBatch,
  encodingJsonSize,
  fitEncoding,
  fnv1a32,
  hashId,
  numericWidth,
  rangeRaw,
  readAll,
  readDataset,
  signLog1p,
  sliceBatch,
  sliceRaw,
  vocabSize,
  type DataSchema,
  type FeatureEncoding,
  type RawBatch,
  type VocabField,
} from '../../../src/core/data';
import { shuffledIndices, createRng } from '../../../src/core/random';
import { CRITEO_CSV200, CRITEO_TSV, studioError } from './helpers';

const schema: DataSchema = {
  format: 'delimited',
  delimiter: ',',
  hasHeader: true,
  columns: [
    { name: 'label', kind: 'label' },
    { name: 'count', kind: 'numeric' },
    { name: 'city', kind: 'categorical' },
    { name: 'price', kind: 'numeric' },
    { name: 'note', kind: 'ignore' },
    { name: 'dev', kind: 'categorical' },
  ],
};
const csv = [
  'label,count,city,price,note,dev',
  '1,0,paris,1.5,x,a',
  '0,1,paris,2.5,x,a',
  '0,2,berlin,,x,a',
  '1,1000,berlin,3.5,x,b',
  '0,,rome,0.5,x,b',
  '1,3,,2,x,c',
  '0,1,,1,x,d',
  '0,0,oslo,4,x,',
].join('\n');

let small: RawBatch;
let criteo: { schema: DataSchema; batch: RawBatch };
beforeAll(async () => {
  small = (await readAll(csv, schema)).batch;
  criteo = await readDataset(readFileSync(CRITEO_TSV, 'utf8'));
});

const vocab = (enc: FeatureEncoding, name: string) =>
  (enc.categorical.find((f) => f.name === name) as VocabField).vocab;

describe('fitEncoding', () => {
  it('builds vocabularies by descending count then first appearance, with minCount and "" as a token', () => {
    const enc = fitEncoding(small, schema);
    expect(enc.version).toBe(1);
    expect(enc.label).toBe('label');
    expect(enc.fitRows).toBe(8);
    expect(enc.categorical.map((f) => f.name)).toEqual(['city', 'dev']);
    expect(vocab(enc, 'city')).toEqual(['paris', 'berlin', '']); // 2 each, ties by first row; rome and oslo are rare
    expect(vocab(enc, 'dev')).toEqual(['a', 'b']);
    expect(vocab(fitEncoding(small, schema, { minCount: 1 }), 'city')).toEqual(['paris', 'berlin', '', 'rome', 'oslo']);
    expect(vocab(fitEncoding(small, schema, { minCount: 3 }), 'dev')).toEqual(['a']);
    expect(vocab(fitEncoding(small, schema, { minCount: 1, maxVocab: 2 }), 'city')).toEqual(['paris', 'berlin']);
    expect(vocabSize(enc.categorical[0])).toBe(4);
  });

  it('scales numerics: log for heavy-tailed counts, none otherwise, std floor for constants', () => {
    const enc = fitEncoding(small, schema);
    expect(enc.numeric.map((f) => [f.name, f.transform])).toEqual([
      ['count', 'log'],
      ['price', 'none'],
    ]);
    const prices = [1.5, 2.5, 3.5, 0.5, 2, 1, 4];
    const mean = prices.reduce((a, b) => a + b) / prices.length;
    expect(enc.numeric[1].mean).toBeCloseTo(mean, 12);
    expect(enc.numeric[1].std).toBeCloseTo(
      Math.sqrt(prices.reduce((s, p) => s + (p - mean) ** 2, 0) / prices.length),
      12,
    );
    expect(chooseTransform(Float64Array.from([0, 1, 2, 3, 1, 2, 0, 40]))).toBe('log');
    expect(chooseTransform(Float64Array.from([-1, -2, 0, 1, 5, 100, 3, 2]))).toBe('log'); // Criteo's I2
    expect(chooseTransform(Float64Array.from([0, 1, 2, 3, 4]))).toBe('none'); // no tail
    expect(chooseTransform(Float64Array.from([0.5, 1, 200]))).toBe('log'); // decimals with a tail (prices)
    expect(chooseTransform(Float64Array.from([0.5, 1, 2.5, 3]))).toBe('none');
    expect(chooseTransform(Float64Array.from([-50, 1, 200]))).toBe('none'); // really negative
    expect(chooseTransform(new Float64Array(0))).toBe('none');
    const constant = fitEncoding(sliceRaw(small, [0, 7]), schema); // count 0, 0 and price 1.5, 4
    expect(constant.numeric[0]).toMatchObject({ mean: 0, std: 1 });
    expect(signLog1p(-1)).toBeCloseTo(-Math.log(2), 12);
  });

  it('uses Criteo log transforms on I1..I13 (except I10, which has no tail) and stays well under 1 MB', () => {
    const enc = fitEncoding(criteo.batch, criteo.schema);
    expect(enc.numeric.filter((f) => f.transform === 'none').map((f) => f.name)).toEqual(['I10']);
    expect(enc.categorical).toHaveLength(26);
    expect(enc.categorical.every((f) => f.kind === 'vocab')).toBe(true);
    expect(encodingJsonSize(enc)).toBeLessThan(200_000);
  });

  it('is deterministic, gives the same ids to values renamed one to one; shuffled rows keep the vocabularies', () => {
    const a = fitEncoding(criteo.batch, criteo.schema);
    const b = fitEncoding(criteo.batch, criteo.schema);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    // Hex codes renamed to integers (as a log with integer-coded categories has them): the same id per row.
    const renamed = {
      ...criteo.batch,
      categorical: criteo.batch.categorical.map((col) => {
        const codes = new Map<string, string>();
        return col.map((v) => (v === '' ? '' : (codes.get(v) ?? codes.set(v, String(codes.size + 1)).get(v)!)));
      }),
    };
    const ids = (enc: FeatureEncoding, batch: RawBatch) => encodeBatch(enc, batch, criteo.schema).categorical;
    expect(ids(fitEncoding(renamed, criteo.schema), renamed)).toEqual(ids(a, criteo.batch));
    const shuffled = fitEncoding(
      sliceRaw(criteo.batch, shuffledIndices(criteo.batch.rows, createRng(3))),
      criteo.schema,
    );
    const sortedVocab = (enc: FeatureEncoding) => enc.categorical.map((f) => [...(f as VocabField).vocab].sort());
    expect(sortedVocab(shuffled)).toEqual(sortedVocab(a));
    shuffled.numeric.forEach((f, i) => {
      expect(f.transform).toBe(a.numeric[i].transform);
      expect(f.mean).toBeCloseTo(a.numeric[i].mean, 9);
      expect(f.std).toBeCloseTo(a.numeric[i].std, 9);
    });
  });

  it('hashes fields with too many values into buckets', () => {
    const enc = fitEncoding(criteo.batch, criteo.schema, { hashAbove: 1000, hashBuckets: 5000 });
    const hashed = enc.categorical.filter((f) => f.kind === 'hash').map((f) => f.name);
    const full = fitEncoding(criteo.batch, criteo.schema);
    expect(hashed).toEqual(full.categorical.filter((f) => (f as VocabField).vocab.length > 1000).map((f) => f.name));
    expect(hashed).toEqual(['C7', 'C11']); // 1304 and 1079 values seen at least twice
    const c7 = enc.categorical[6];
    expect(c7).toEqual({ name: 'C7', kind: 'hash', buckets: 5000 });
    expect(vocabSize(c7)).toBe(5001);
    const e = encodeBatch(enc, criteo.batch, criteo.schema);
    const ids = e.categorical[6];
    expect(Math.min(...ids)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...ids)).toBeLessThanOrEqual(5000);
    expect(ids[0]).toBe(hashId(criteo.batch.categorical[6][0], 5000));
    expect(new Set(ids).size).toBeGreaterThan(1000);
    expect(encodingJsonSize(enc)).toBeLessThan(encodingJsonSize(fitEncoding(criteo.batch, criteo.schema)));
  });

  it('throws DATA_EMPTY on no rows', async () => {
    await studioError(() => fitEncoding(rangeRaw(small, 0, 0), schema), 'DATA_EMPTY');
  });
});

describe('fnv1a32', () => {
  it('matches the reference vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('hashes the UTF-8 bytes of any string (property)', () => {
    const reference = (s: string) => {
      let h = 0x811c9dc5;
      for (const b of new TextEncoder().encode(s)) h = Math.imul(h ^ b, 0x01000193);
      return h >>> 0;
    };
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => fnv1a32(s) === reference(s)),
      { numRuns: 500 },
    );
  });
});

describe('encodeBatch', () => {
  it('maps known values to ids, unseen and rare values to 0, missing numerics to [0, 1]', async () => {
    const enc = fitEncoding(small, schema);
    const e = encodeBatch(enc, small, schema);
    expect(e.rows).toBe(8);
    expect(Array.from(e.labels)).toEqual([1, 0, 0, 1, 0, 1, 0, 0]);
    // city vocab ['paris', 'berlin', '']: ids 1, 2, 3; rome and oslo (seen once) → 0
    expect(Array.from(e.categorical[0])).toEqual([1, 1, 2, 2, 0, 3, 3, 0]);
    expect(Array.from(e.categorical[1])).toEqual([1, 1, 1, 2, 2, 0, 0, 0]);
    expect(numericWidth(enc)).toBe(4);
    expect(e.numeric.length).toBe(8 * 4);
    const [count, price] = enc.numeric;
    const row = (r: number) => Array.from(e.numeric.subarray(r * 4, r * 4 + 4));
    expect(row(2)).toEqual([Math.fround((Math.log1p(2) - count.mean) / count.std), 0, 0, 1]); // price missing
    expect(row(4)).toEqual([0, 1, Math.fround((0.5 - price.mean) / price.std), 0]); // count missing
    const unseen = encodeBatch(
      enc,
      (await readAll('label,count,city,price,note,dev\n1,5,tokyo,1,x,zz\n', schema)).batch,
      schema,
    );
    expect([unseen.categorical[0][0], unseen.categorical[1][0]]).toEqual([0, 0]);
  });

  it('encodes identically after a JSON round trip', () => {
    const enc = fitEncoding(criteo.batch, criteo.schema, { hashAbove: 2000 });
    const back = JSON.parse(JSON.stringify(enc)) as FeatureEncoding;
    expect(back).toEqual(enc);
    const a = encodeBatch(enc, criteo.batch, criteo.schema);
    const b = encodeBatch(back, criteo.batch, criteo.schema);
    const same = (x: ArrayBufferView, y: ArrayBufferView) =>
      Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength));
    expect(b.rows).toBe(a.rows);
    expect(same(b.labels, a.labels)).toBe(true);
    expect(same(b.numeric, a.numeric)).toBe(true);
    expect(b.categorical.map((c, i) => same(c, a.categorical[i]))).toEqual(a.categorical.map(() => true));
  });

  it(
    'matches columns by name: another file with the same fields encodes alike, extra ' + 'columns are ignored',
    async () => {
      const enc = fitEncoding(criteo.batch, criteo.schema);
      const csv200 = await readDataset(readFileSync(CRITEO_CSV200, 'utf8'));
      const e = encodeBatch(enc, csv200.batch, csv200.schema);
      expect(e.rows).toBe(200);
      expect(e.categorical).toHaveLength(26);
      // Reordered columns plus an extra one: same encoding.
      const cols = ['extra', 'C1', 'I1', 'label'];
      const text = [cols.join(','), 'x,68fd1e64,3,1', 'y,nope,,0'].join('\n');
      const s2: DataSchema = {
        format: 'delimited',
        delimiter: ',',
        hasHeader: true,
        columns: [
          { name: 'extra', kind: 'categorical' },
          { name: 'C1', kind: 'categorical' },
          { name: 'I1', kind: 'numeric' },
          { name: 'label', kind: 'label' },
        ],
      };
      const sub = { ...enc, categorical: enc.categorical.slice(0, 1), numeric: enc.numeric.slice(0, 1) };
      const got = encodeBatch(sub, (await readAll(text, s2)).batch, s2);
      expect(got.categorical[0][0]).toBe(vocab(enc, 'C1').indexOf('68fd1e64') + 1);
      expect(got.categorical[0][0]).toBeGreaterThan(0);
      expect(got.categorical[0][1]).toBe(0);
      expect(Array.from(got.numeric.subarray(2, 4))).toEqual([0, 1]);
    },
  );

  it('throws DATA_SCHEMA naming the columns the data lacks, or whose kind differs', async () => {
    const enc = fitEncoding(small, schema);
    const lacking: DataSchema = {
      ...schema,
      columns: schema.columns.map((c) =>
        c.name === 'dev' || c.name === 'price' ? { ...c, kind: 'ignore' as const } : c,
      ),
    };
    const b = (await readAll(csv, lacking)).batch;
    const e = await studioError(() => encodeBatch(enc, b, lacking), 'DATA_SCHEMA');
    expect(e.message).toMatch(/columns "dev", "price"/);
    const swapped: DataSchema = {
      ...schema,
      columns: schema.columns.map((c) =>
        c.name === 'city'
          ? { ...c, kind: 'numeric' as const }
          : c.name === 'count'
            ? { ...c, kind: 'categorical' as const }
            : c,
      ),
    };
    const text = csv.replace(/paris|berlin|rome|oslo/g, '1');
    const e2 = await studioError(
      async () => encodeBatch(enc, (await readAll(text, swapped)).batch, swapped),
      'DATA_SCHEMA',
    );
    expect(e2.message).toMatch(/"city", "count".*different kind/);
  });

  it('sliceBatch picks rows of every column', () => {
    const enc = fitEncoding(small, schema);
    const e = encodeBatch(enc, small, schema);
    const s = sliceBatch(e, Int32Array.from([7, 0]));
    expect(s.rows).toBe(2);
    expect(Array.from(s.labels)).toEqual([0, 1]);
    expect(Array.from(s.categorical[0])).toEqual([0, 1]);
    expect(Array.from(s.numeric)).toEqual([...e.numeric.subarray(28, 32), ...e.numeric.subarray(0, 4)]);
    expect(sliceBatch(e, [])).toEqual({
      rows: 0,
      labels: new Float32Array(0),
      categorical: [new Int32Array(0), new Int32Array(0)],
      numeric: new Float32Array(0),
    });
  });
});
