/**
 * The streaming row reader: the real Criteo demo files, bad rows counted with line and reason, empty files,
 * headers and cancellation, and the batch helpers (concatRaw, sliceRaw, rangeRaw).
 */
import { createReadStream, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BAD_REASONS,
  REASON_UNCLOSED_QUOTE,
  concatRaw,
  criteoSchema,
  detectSchema,
  rangeRaw,
  readAll,
  readBatches,
  readDataset,
  sliceRaw,
  type BadRowReport,
  type DataSchema,
  type RawBatch,
} from '../../../src/core/data';
import { CRITEO_CSV200, CRITEO_TSV, fixedChunks, studioError, utf8 } from './helpers';

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0);
const countNaN = (b: RawBatch, col: number, width: number) => {
  let n = 0;
  for (let r = 0; r < b.rows; r++) if (Number.isNaN(b.numeric[r * width + col])) n++;
  return n;
};

describe('reading the real Criteo files', () => {
  it('reads all 8000 rows of the demo TSV from a file stream', async () => {
    const { schema, batch, report } = await readDataset(createReadStream(CRITEO_TSV, { highWaterMark: 1000 }));
    expect(schema.format).toBe('criteo');
    expect(report).toEqual({ totalLines: 8000, goodRows: 8000, badRows: 0, examples: [], byReason: {} });
    expect(batch.rows).toBe(8000);
    expect(sum(batch.labels)).toBe(1728); // counted with `cut -f1 | sort | uniq -c`
    expect(batch.numeric.length).toBe(8000 * 13);
    expect(batch.categorical).toHaveLength(26);
    expect(batch.lines[0]).toBe(1);
    expect(batch.lines[7999]).toBe(8000);
    // First row: 0 1 1 5 0 1382 4 15 2 181 1 2 <empty> 2 68fd1e64 80e26c9b ...
    expect(Array.from(batch.numeric.subarray(0, 13))).toEqual([1, 1, 5, 0, 1382, 4, 15, 2, 181, 1, 2, NaN, 2]);
    expect(batch.categorical[0][0]).toBe('68fd1e64');
    expect(batch.categorical[21][0]).toBe(''); // C22 missing
    expect(countNaN(batch, 0, 13)).toBe(8000 - 4388); // I1 present in 4388 rows
    expect(Math.min(...Array.from({ length: 8000 }, (_, r) => batch.numeric[r * 13 + 1]))).toBe(-2); // I2
  });

  it('yields batches of the requested size, with the report as the return value', async () => {
    const text = readFileSync(CRITEO_TSV, 'utf8');
    const gen = readBatches(text, criteoSchema(), { batchSize: 3000 });
    const sizes: number[] = [];
    let report: BadRowReport | undefined;
    for (;;) {
      const step = await gen.next();
      if (step.done) {
        report = step.value;
        break;
      }
      sizes.push(step.value.rows);
      expect(step.value.labels.length).toBe(step.value.rows);
      expect(step.value.categorical[3].length).toBe(step.value.rows);
    }
    expect(sizes).toEqual([3000, 3000, 2000]);
    expect(report?.goodRows).toBe(8000);
  });

  it('reads the 200-row CSV with its header', async () => {
    const { schema, batch, report } = await readDataset(readFileSync(CRITEO_CSV200));
    expect(schema.hasHeader).toBe(true);
    expect(report.goodRows).toBe(200);
    expect(report.totalLines).toBe(201);
    expect(sum(batch.labels)).toBe(49);
    expect(batch.lines[0]).toBe(2);
    // 0,,3,260.0,,17668.0,,,33.0,,,,0.0,,05db9164,...
    expect(Array.from(batch.numeric.subarray(0, 13))).toEqual([
      NaN,
      3,
      260,
      NaN,
      17668,
      NaN,
      NaN,
      33,
      NaN,
      NaN,
      NaN,
      0,
      NaN,
    ]);
    expect(batch.categorical[0][0]).toBe('05db9164');
  });
});

describe('bad rows', () => {
  const schema: DataSchema = {
    format: 'delimited',
    delimiter: ',',
    hasHeader: true,
    columns: [
      { name: 'label', kind: 'label' },
      { name: 'n', kind: 'numeric' },
      { name: 'skip', kind: 'ignore' },
      { name: 'c', kind: 'categorical' },
    ],
  };
  const file = [
    'label,n,skip,c', // 1
    '0,1.5,zz,a', // 2 good
    '1,2', // 3 wrong column count
    'yes,3,zz,b', // 4 label yes
    '2,3,zz,b', // 5 label 2
    '1,abc,zz,b', // 6 numeric text
    '', // 7 blank: not a row
    ',4,zz,b', // 8 empty label
    '1,"5,zz,b', // 9 unclosed quote
    '1.0,NA,"z,z","x,y"', // 10 good: 1.0 label, NA missing, quoted cells
    '0.0, 7 ,zz,', // 11 good
    '1,1e999,zz,b', // 12 not finite
    ...Array.from({ length: 8 }, (_, i) => `${i % 2},${i},zz,c${i}`), // 13..20 good
    '', // 21: a blank trailing line (the join adds the CRLF that ends line 20)
    '',
  ].join('\r\n');

  it('counts each bad row with its line and reason, never including it', async () => {
    const { batch, report } = await readAll(file, schema);
    expect(Array.from(batch.lines)).toEqual([2, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(report.totalLines).toBe(21);
    expect(report.goodRows).toBe(11);
    expect(report.badRows).toBe(7);
    expect(report.examples).toEqual([
      { line: 3, reason: 'expected 4 columns but found 2' },
      { line: 4, reason: 'the label "yes" is not 0 or 1' },
      { line: 5, reason: 'the label "2" is not 0 or 1' },
      { line: 6, reason: 'column "n" is "abc", not a number' },
      { line: 8, reason: 'the label (column "label") is empty' },
      { line: 9, reason: REASON_UNCLOSED_QUOTE },
      { line: 12, reason: 'column "n" is "1e999", not a number' },
    ]);
    expect(report.byReason).toEqual({
      [BAD_REASONS.columns]: 1,
      [BAD_REASONS.labelValue]: 2,
      [BAD_REASONS.notNumber]: 2,
      [BAD_REASONS.labelEmpty]: 1,
      [REASON_UNCLOSED_QUOTE]: 1,
    });
    expect(Array.from(batch.labels.subarray(0, 3))).toEqual([0, 1, 0]);
    expect(Array.from(batch.numeric.subarray(0, 3))).toEqual([1.5, NaN, 7]);
    expect(batch.categorical).toHaveLength(1);
    expect(batch.categorical[0].slice(0, 3)).toEqual(['a', 'x,y', '']);
  });

  it('keeps only the first 20 examples but counts all', async () => {
    const lines = ['label,n,skip,c', ...Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? 'x,1,2,3' : '1,1,2,3'))];
    const { report } = await readAll(lines.join('\n'), schema);
    expect(report.badRows).toBe(34);
    expect(report.examples).toHaveLength(20);
    expect(report.examples[0].line).toBe(2);
  });

  it('throws DATA_MOSTLY_BAD naming the count, the most common reason and the first bad line', async () => {
    const lines = ['label,n,skip,c', '0,1,2,a', '1,2,3,b', '0;1;2;a', '5,1,2,a', '1;2;3;b', '0;3;4;c'];
    const e = await studioError(() => readAll(lines.join('\n'), schema), 'DATA_MOSTLY_BAD');
    expect(e.message).toMatch(
      new RegExp(
        /^4 of 6 data rows were rejected; the most common reason is "wrong number of columns" \(3 rows\), /.source +
          /first seen at line 4/.source,
      ),
    );
    expect((e as unknown as { detail: BadRowReport }).detail.badRows).toBe(4);
    const all = await studioError(() => readAll('label,n,skip,c\nx,1,2,3\n', schema), 'DATA_MOSTLY_BAD');
    expect(all.message).toMatch(/^All 1 data rows were rejected/);
  });

  it('accepts exactly half bad', async () => {
    const { report } = await readAll('label,n,skip,c\n0,1,2,a\nx,1,2,a\n', schema);
    expect([report.goodRows, report.badRows]).toEqual([1, 1]);
  });
});

describe('empty files, headers, cancellation', () => {
  it('throws DATA_EMPTY for an empty or blank file', async () => {
    await studioError(() => readDataset(''), 'DATA_EMPTY');
    await studioError(() => readDataset('\n\r\n  \n'), 'DATA_EMPTY');
    await studioError(() => readAll('', criteoSchema()), 'DATA_EMPTY');
    await studioError(() => readDataset(fixedChunks(new Uint8Array(0), 4)), 'DATA_EMPTY');
  });

  it('throws DATA_EMPTY for a header-only file', async () => {
    const e = await studioError(() => readDataset('label,a,b\n'), 'DATA_EMPTY');
    expect(e.message).toMatch(/no data rows/);
    await studioError(() => readDataset('x,a,b\n'), 'DATA_EMPTY');
    await studioError(() => readDataset('\uFEFFlabel,a,b'), 'DATA_EMPTY');
  });

  it('rejects a header that does not match the schema', async () => {
    const schema = detectSchema(['label,a,b', '0,1,x']);
    await studioError(() => readAll('label,b,a\n0,1,x\n', schema), 'DATA_HEADER');
    await studioError(() => readAll('label,a\n0,1\n', schema), 'DATA_HEADER');
    expect((await readAll('label , a,b\n0,1,x\n', schema)).report.goodRows).toBe(1);
  });

  it('throws CANCELLED when the signal aborts, mid-stream too', async () => {
    const ac = new AbortController();
    ac.abort();
    await studioError(() => readDataset(readFileSync(CRITEO_TSV, 'utf8'), { signal: ac.signal }), 'CANCELLED');
    const ac2 = new AbortController();
    const bytes = readFileSync(CRITEO_TSV);
    async function* slow() {
      let i = 0;
      for await (const c of fixedChunks(bytes, 64 * 1024)) {
        if (++i === 5) ac2.abort();
        yield c;
      }
    }
    await studioError(() => readAll(slow(), criteoSchema(), { signal: ac2.signal }), 'CANCELLED');
  });

  it('gives the same result for a stream in odd chunks as for the whole string', async () => {
    const bytes = readFileSync(CRITEO_CSV200);
    const a = await readDataset(fixedChunks(bytes, 777), { sampleLines: 10 });
    const b = await readDataset(bytes.toString('utf8'));
    expect(a.schema.columns).toEqual(b.schema.columns);
    expect(a.batch).toEqual(b.batch);
    expect(a.report).toEqual(b.report);
  });

  it('detects a BOM-prefixed CRLF file', async () => {
    const { schema, batch } = await readDataset(utf8('\uFEFFclick,price\r\n1,2\r\n0,3\r\n'));
    expect(schema.columns[0]).toEqual({ name: 'click', kind: 'label' });
    expect(Array.from(batch.numeric)).toEqual([2, 3]);
  });
});

describe('batch helpers', () => {
  it('concatRaw, sliceRaw and rangeRaw agree with a single read', async () => {
    const text = readFileSync(CRITEO_CSV200, 'utf8');
    const schema = detectSchema(text.split('\n').slice(0, 50));
    const whole = (await readAll(text, schema)).batch;
    const parts: RawBatch[] = [];
    const gen = readBatches(text, schema, { batchSize: 64 });
    for await (const b of gen) parts.push(b);
    expect(parts.map((p) => p.rows)).toEqual([64, 64, 64, 8]);
    expect(concatRaw(parts)).toEqual(whole);
    expect(rangeRaw(whole, 10, 20)).toEqual(
      sliceRaw(
        whole,
        Array.from({ length: 10 }, (_, i) => 10 + i),
      ),
    );
    const picked = sliceRaw(whole, [5, 0]);
    expect(Array.from(picked.lines)).toEqual([7, 2]);
    expect(Array.from(picked.numeric.subarray(13, 26))).toEqual(Array.from(whole.numeric.subarray(0, 13)));
    expect(concatRaw([], schema).rows).toBe(0);
    expect(() => sliceRaw(whole, [200])).toThrow(RangeError);
  });
});
