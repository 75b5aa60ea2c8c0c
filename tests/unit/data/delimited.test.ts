import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DELIMITERS,
  REASON_TEXT_AFTER_QUOTE,
  REASON_UNCLOSED_QUOTE,
  detectDelimiter,
  formatDelimited,
  readAll,
  readLines,
  splitDelimited,
  type DataSchema,
} from '../../../src/core/data';
import { chunked, utf8 } from './helpers';

const fields = (line: string, d = ',') => {
  const r = splitDelimited(line, d);
  if (!r.ok) throw new Error(r.reason);
  return r.fields;
};

describe('splitDelimited', () => {
  it('splits plain fields, keeping empty ones', () => {
    expect(fields('a,b,c')).toEqual(['a', 'b', 'c']);
    expect(fields(',a,,')).toEqual(['', 'a', '', '']);
    expect(fields('')).toEqual(['']);
    expect(fields('a\tb\t', '\t')).toEqual(['a', 'b', '']);
    expect(fields('a;b|c', ';')).toEqual(['a', 'b|c']);
  });

  it('handles quoted fields with delimiters, tabs and "" escapes', () => {
    expect(fields('"a,b",c')).toEqual(['a,b', 'c']);
    expect(fields('"a\tb"\tc', '\t')).toEqual(['a\tb', 'c']);
    expect(fields('"say ""hi""",x')).toEqual(['say "hi"', 'x']);
    expect(fields('"",""')).toEqual(['', '']);
    expect(fields('x,"a,b"')).toEqual(['x', 'a,b']);
    expect(fields('x,"a,b",')).toEqual(['x', 'a,b', '']);
    expect(fields('""""')).toEqual(['"']);
  });

  it('keeps a quote inside an unquoted field literally', () => {
    expect(fields('5" screen,b')).toEqual(['5" screen', 'b']);
    expect(fields('a, "b"')).toEqual(['a', ' "b"']);
  });

  it('rejects an unclosed quote (no multi-line records) and text after a closing quote', () => {
    expect(splitDelimited('a,"b,c', ',')).toEqual({ ok: false, reason: REASON_UNCLOSED_QUOTE });
    expect(REASON_UNCLOSED_QUOTE).toMatch(/line breaks/);
    expect(splitDelimited('"a"b,c', ',')).toEqual({ ok: false, reason: REASON_TEXT_AFTER_QUOTE });
  });
});

describe('formatDelimited', () => {
  it('quotes only what needs quoting and writes a lone empty cell as ""', () => {
    expect(formatDelimited(['a', 'b,c', 'd"e', ''], ',')).toBe('a,"b,c","d""e",');
    expect(formatDelimited(['a,b', 'c\td'], '\t')).toBe('a,b\t"c\td"');
    expect(formatDelimited([''], ',')).toBe('""');
  });
});

describe('detectDelimiter', () => {
  it('finds comma, tab, semicolon and pipe', () => {
    expect(detectDelimiter(['a,b,c', '1,2,3'])).toBe(',');
    expect(detectDelimiter(['a\tb\tc', '1\t2,5\t3'])).toBe('\t');
    expect(detectDelimiter(['a;b;c', '1;2,5;3', '4;5,1;6'])).toBe(';');
    expect(detectDelimiter(['a|b', '1|2'])).toBe('|');
  });

  it('ignores delimiters inside quotes and prefers the consistent one', () => {
    expect(detectDelimiter(['"x;y",b,c', '"1;2;3",2,3', '"4;4",5,6'])).toBe(',');
    expect(detectDelimiter(['label;text', '1;a,b', '0;c', '1;d,e,f'])).toBe(';');
    expect(detectDelimiter(['single'])).toBe(',');
    expect(detectDelimiter([])).toBe(',');
  });
});

// Cells of random text, rich in the characters that matter: quotes, every delimiter, spaces, multi-byte chars.
const cellChar = fc.oneof(
  fc.constantFrom('"', ',', '\t', ';', '|', ' ', 'a', 'Z', '0', '.', 'é', '€', '😀', '\u00a0', '""'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter((c) => !/[\r\n\uFEFF]/.test(c)),
);
const cell = fc.string({ unit: cellChar, maxLength: 8 });
const table = fc
  .integer({ min: 1, max: 5 })
  .chain((cols) => fc.array(fc.array(cell, { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 6 }));
const csvCase = fc.record({
  rows: table,
  delimiter: fc.constantFrom(...DELIMITERS),
  eol: fc.constantFrom('\n', '\r\n'),
  bom: fc.boolean(),
  finalEol: fc.boolean(),
  cuts: fc.array(fc.nat(), { maxLength: 6 }),
});

function toFile(c: { rows: string[][]; delimiter: string; eol: string; bom: boolean; finalEol: boolean }): Uint8Array {
  const text = c.rows.map((r) => formatDelimited(r, c.delimiter)).join(c.eol) + (c.finalEol ? c.eol : '');
  return utf8((c.bom ? '\uFEFF' : '') + text);
}

describe('CSV round trip (property)', () => {
  it('format → random chunking → readLines → splitDelimited gives the cells back', async () => {
    await fc.assert(
      fc.asyncProperty(csvCase, async (c) => {
        const bytes = toFile(c);
        const got: string[][] = [];
        for await (const l of readLines(
          chunked(
            bytes,
            c.cuts.map((x) => x % (bytes.length + 1)),
          ),
        )) {
          const r = splitDelimited(l.text, c.delimiter);
          expect(r.ok).toBe(true);
          if (r.ok) got.push(r.fields);
        }
        expect(got).toEqual(c.rows);
      }),
      { numRuns: 300 },
    );
  });

  it('the row reader returns the same cells as categorical columns next to a label', async () => {
    await fc.assert(
      fc.asyncProperty(
        csvCase,
        fc.array(fc.constantFrom('0', '1', '1.0'), { minLength: 6, maxLength: 6 }),
        async (c, labels) => {
          const cols = c.rows[0].length;
          const schema: DataSchema = {
            format: 'delimited',
            delimiter: c.delimiter,
            hasHeader: false,
            columns: [
              { name: 'y', kind: 'label' },
              ...Array.from({ length: cols }, (_, i) => ({ name: `c${i}`, kind: 'categorical' as const })),
            ],
          };
          const bytes = toFile({ ...c, rows: c.rows.map((r, i) => [labels[i], ...r]) });
          const { batch, report } = await readAll(
            chunked(
              bytes,
              c.cuts.map((x) => x % (bytes.length + 1)),
            ),
            schema,
            { batchSize: 4 },
          );
          expect(report.badRows).toBe(0);
          expect(batch.rows).toBe(c.rows.length);
          expect(Array.from(batch.lines)).toEqual(c.rows.map((_, i) => i + 1));
          expect(Array.from(batch.labels)).toEqual(c.rows.map((_, i) => (labels[i] === '0' ? 0 : 1)));
          for (let j = 0; j < cols; j++) expect(batch.categorical[j]).toEqual(c.rows.map((r) => r[j]));
        },
      ),
      { numRuns: 200 },
    );
  });
});
