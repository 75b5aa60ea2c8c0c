import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  criteoColumns,
  describeSchema,
  detectSchema,
  looksLikeIdName,
  sameFeatureColumns,
  schemaFieldNames,
  type DataSchema,
} from '../../../src/core/data';
import { CRITEO_CSV200, CRITEO_TSV, studioError } from './helpers';

const head = (path: string, n = 200) => readFileSync(path, 'utf8').split('\n').slice(0, n);
const kinds = (s: DataSchema) => Object.fromEntries(s.columns.map((c) => [c.name, c.kind]));

describe('detectSchema: Criteo', () => {
  it('detects the Criteo TSV (no header, tab, 40 columns, 0/1 first)', () => {
    const s = detectSchema(head(CRITEO_TSV));
    expect(s).toMatchObject({ format: 'criteo', delimiter: '\t', hasHeader: false, columns: criteoColumns() });
    expect(s.notes?.[1]).toMatchObject({ why: 'the Criteo layout', distinct: expect.any(Number) });
    const f = schemaFieldNames(s);
    expect(f.label).toBe('label');
    expect(f.numeric).toEqual(Array.from({ length: 13 }, (_, i) => `I${i + 1}`));
    expect(f.categorical).toEqual(Array.from({ length: 26 }, (_, i) => `C${i + 1}`));
    expect(describeSchema(s)).toBe('criteo, tab, no header: label "label" + 13 numeric + 26 categorical');
  });

  it('detects the 200-row DeepCTR CSV as delimited with the Criteo field names', () => {
    const s = detectSchema(head(CRITEO_CSV200));
    expect(s.format).toBe('delimited');
    expect(s.delimiter).toBe(',');
    expect(s.hasHeader).toBe(true);
    expect(s.columns).toEqual(criteoColumns());
  });

  it('forcing the Criteo format needs 40 columns', async () => {
    await studioError(() => detectSchema(['1\t2\t3'], { format: 'criteo' }), 'DATA_SCHEMA');
    const s = detectSchema(
      head(CRITEO_TSV, 5).map((l) => l.replace(/\t/g, ',')),
      { format: 'criteo', delimiter: ',' },
    );
    expect(s.format).toBe('criteo');
    expect(s.delimiter).toBe(',');
  });

  it('names a headerless 40-column comma file like Criteo, but calls it delimited', () => {
    const s = detectSchema(head(CRITEO_TSV, 5).map((l) => l.replace(/\t/g, ',')));
    expect(s.format).toBe('delimited');
    expect(s.columns).toEqual(criteoColumns());
  });
});

describe('detectSchema: delimited files', () => {
  const csv = [
    'user_id,price,Click,city,score',
    '17,3.5,0,Paris,0.1',
    '18,4,1,Berlin,0.9',
    '17,,0,,0.5',
    '19,2.25,1,Paris,0.2',
  ];

  it('finds the label by name (case-insensitive), numeric and categorical columns, id-like columns', () => {
    const s = detectSchema(csv);
    expect(s.hasHeader).toBe(true);
    expect(kinds(s)).toEqual({
      user_id: 'categorical',
      price: 'numeric',
      Click: 'label',
      city: 'categorical',
      score: 'numeric',
    });
  });

  it('prefers label over the other label names', () => {
    expect(kinds(detectSchema(['target,label,x', '0,1,a', '1,0,b'])).label).toBe('label');
  });

  it('finds the only 0/1 column when no column is named like a label', () => {
    const s = detectSchema(['a,b,c', '3,0,x', '4,1,y', '5,1.0,z', '6,,w']);
    expect(kinds(s)).toEqual({ a: 'numeric', b: 'label', c: 'categorical' });
  });

  it('throws DATA_NO_LABEL when several columns hold only 0/1, or none does', async () => {
    const e = await studioError(() => detectSchema(['a,b,c', '0,1,x', '1,0,y']), 'DATA_NO_LABEL');
    expect(e.message).toMatch(/"a", "b"/);
    expect(e.message).toMatch(/name the label column/);
    await studioError(() => detectSchema(['a,b', '3,x', '4,y']), 'DATA_NO_LABEL');
    await studioError(() => detectSchema(['a,b', '3,x'], { labelColumn: 'nope' }), 'DATA_NO_LABEL');
  });

  it('treats integer id-like columns as categorical, other integers as numeric', () => {
    const s = detectSchema([
      'label,id,itemId,adid,userID,paid,valid,count,grid',
      '0,1,2,3,4,5,6,7,8',
      '1,9,8,7,6,5,4,3,2',
    ]);
    expect(kinds(s)).toMatchObject({
      id: 'categorical',
      itemId: 'categorical',
      adid: 'categorical',
      userID: 'categorical',
      paid: 'numeric',
      valid: 'numeric',
      count: 'numeric',
      grid: 'numeric',
    });
    expect(kinds(detectSchema(['label,user_id', '0,1.5', '1,2.5'])).user_id).toBe('numeric'); // not integers
    expect(looksLikeIdName('session-id')).toBe(true);
    expect(looksLikeIdName('Paid')).toBe(false);
  });

  it('calls a column numeric when nearly all values are numbers, categorical otherwise', () => {
    const rows = Array.from({ length: 100 }, (_, i) => `${i % 2},${(i * 7) % 60}.5,${i % 10 === 0 ? 'x' : i}`);
    rows[5] = '1,oops,5';
    const s = detectSchema(['label,mostly,often', ...rows]);
    expect(kinds(s)).toMatchObject({ mostly: 'numeric', often: 'categorical' });
    expect(kinds(detectSchema(['label,empty,na', '0,,NA', '1,,null'])).empty).toBe('categorical');
  });

  it('detects semicolon, pipe and tab files, quoted headers, and strips spaces around header names', () => {
    expect(kinds(detectSchema(['label;"a;b"', '0;1,5', '1;2,5']))).toEqual({ label: 'label', 'a;b': 'categorical' });
    expect(detectSchema(['label|x', '0|1', '1|2']).delimiter).toBe('|');
    expect(detectSchema(['label\tx', '0\t1', '1\t2'])).toMatchObject({ format: 'delimited', delimiter: '\t' });
    expect(detectSchema([' label , x ', '0,1', '1,2']).columns.map((c) => c.name)).toEqual(['label', 'x']);
  });

  it('names the columns of a headerless non-Criteo file col1..colN', () => {
    const s = detectSchema(['3,0,abc', '4,1,def']);
    expect(s.hasHeader).toBe(false);
    expect(s.columns).toEqual([
      { name: 'col1', kind: 'numeric' },
      { name: 'col2', kind: 'label' },
      { name: 'col3', kind: 'categorical' },
    ]);
  });

  it('skips blank lines in the sample', () => {
    expect(detectSchema(['', 'label,x', '  ', '0,a', '1,b', '']).hasHeader).toBe(true);
  });
});

describe('detectSchema: overrides and header errors', () => {
  const csv = ['a,b,c,d', '0,1,x,5', '1,0,y,6', '1,1,z,7'];

  it('lets overrides win: label column, kinds, delimiter', () => {
    const s = detectSchema(csv, { labelColumn: 'B', kinds: { d: 'categorical', c: 'ignore', a: 'numeric' } });
    expect(kinds(s)).toEqual({ a: 'numeric', b: 'label', c: 'ignore', d: 'categorical' });
    expect(kinds(detectSchema(csv, { kinds: { a: 'label' } })).a).toBe('label');
    expect(kinds(detectSchema(csv, { kinds: { a: 'numeric' } })).b).toBe('label'); // a is no longer a candidate
    const semi = detectSchema(['label;x,y', '0;1,2'], { delimiter: ';' });
    expect(semi.columns.map((c) => c.name)).toEqual(['label', 'x,y']);
  });

  it('relabels a Criteo file and drops the old label from the features', () => {
    const s = detectSchema(head(CRITEO_TSV, 20), { labelColumn: 'I10' });
    expect(kinds(s)).toMatchObject({ label: 'ignore', I10: 'label', I1: 'numeric', C1: 'categorical' });
  });

  it('rejects overrides naming absent columns and two labels', async () => {
    await studioError(() => detectSchema(csv, { kinds: { nope: 'numeric' } }), 'DATA_SCHEMA');
    await studioError(() => detectSchema(csv, { kinds: { a: 'label', b: 'label' } }), 'INVALID_ARGUMENT');
    await studioError(() => detectSchema(csv, { delimiter: '' }), 'INVALID_ARGUMENT');
  });

  it('rejects duplicate and empty header names with DATA_HEADER', async () => {
    const dup = await studioError(() => detectSchema(['label,x,x', '0,a,b']), 'DATA_HEADER');
    expect(dup.message).toMatch(/"x" twice \(columns 2 and 3\)/);
    const empty = await studioError(() => detectSchema([',label,x', '1,0,a']), 'DATA_HEADER');
    expect(empty.message).toMatch(/Column 1/);
  });

  it('throws DATA_EMPTY for no lines and for a header without rows or a named label', async () => {
    await studioError(() => detectSchema([]), 'DATA_EMPTY');
    await studioError(() => detectSchema(['', '  ']), 'DATA_EMPTY');
    await studioError(() => detectSchema(['a,b,c']), 'DATA_EMPTY');
    expect(detectSchema(['label,b,c']).hasHeader).toBe(true); // the reader reports DATA_EMPTY later
  });
});

describe('sameFeatureColumns', () => {
  it('compares feature column names, case, order, kinds and the label aside', () => {
    const criteo = detectSchema(head(CRITEO_TSV));
    const csv = detectSchema(head(CRITEO_CSV200)); // DeepCTR's sample: the Criteo columns, with a header
    expect(sameFeatureColumns(criteo, csv)).toBe(true);
    const a = detectSchema(['label,user,price', '1,u1,2.5', '0,u2,3.5']);
    expect(sameFeatureColumns(a, detectSchema(['Clicked,PRICE,User', '1,2.5,u1', '0,3.5,u2']))).toBe(true);
    expect(sameFeatureColumns(a, detectSchema(['label,user,price,age', '1,u1,2.5,3', '0,u2,3.5,4']))).toBe(false);
    expect(sameFeatureColumns(a, criteo)).toBe(false);
  });
});
