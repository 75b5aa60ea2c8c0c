/**
 * Binding data columns to a model made elsewhere: inputs matched to columns by name, ids and values fed as
 * they are, and every column the model cannot take named in one sentence (never a guessed value).
 */
import { describe, expect, it } from 'vitest';
import {
  bindEncoding,
  describeBinding,
  encodeBatch,
  numericBlocks,
  numericWidth,
  overridesForEncoding,
  readDataset,
  vocabSize,
  type ModelInputInfo,
} from '../../../src/core/data';
import { foreignRows } from '../../helpers/foreignRows';
import { studioError } from './helpers';

/** The ONNX fixtures' inputs: C1..C4 ids into tables of 21 rows, `numeric` 6 floats. */
const FIXTURE_INPUTS: ModelInputInfo[] = [
  ...[1, 2, 3, 4].map((f) => ({ name: `C${f}`, dtype: 'int32', width: 1, table: { layer: `emb_C${f}`, rows: 21 } })),
  { name: 'numeric', dtype: 'float32', width: 6 },
];

// Rows for a model made elsewhere are read as they are (numbers numeric, text categorical), as the studio and CLI do.
const read = (csv: string, overrides = {}) => readDataset(csv, { overrides: { asIs: true, ...overrides } });

describe('bindEncoding', () => {
  it('binds id inputs by name and the one unnamed float input to the numeric columns left, in file order', async () => {
    const { schema } = await read(foreignRows(50).csv);
    const enc = bindEncoding(FIXTURE_INPUTS, schema);
    expect(enc.label).toBe('label');
    expect(enc.categorical).toEqual([1, 2, 3, 4].map((f) => ({ name: `C${f}`, kind: 'id', size: 21, input: `C${f}` })));
    expect(enc.numeric.map((f) => [f.name, f.input])).toEqual(
      ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((n) => [n, 'numeric']),
    );
    expect(numericWidth(enc)).toBe(6);
    expect([...numericBlocks(enc)]).toEqual([['numeric', { offset: 0, width: 6 }]]);
    expect(vocabSize(enc.categorical[0])).toBe(21);
    expect(describeBinding(enc)).toBe(
      "The model carries no CTR Studio encoding, so the data's columns feed its inputs " +
        'by name, as they are: C1, C2, C3, C4 as ids; n1 … n6 (6 columns) into "numeric".',
    );
  });

  it('matches names case-insensitively and binds a float input of width 1 to its own column', async () => {
    const { schema } = await read('Clicked,user_id,Price,age\n1,3,1.5,30\n0,4,2.5,41\n');
    const enc = bindEncoding(
      [
        { name: 'USER_ID', dtype: 'int32', width: 1 },
        { name: 'price', dtype: 'float32', width: 1 },
        { name: 'rest', dtype: 'float32', width: 1 },
      ],
      schema,
    );
    expect(enc.categorical).toEqual([{ name: 'user_id', kind: 'id', size: 2 ** 31 - 1, input: 'USER_ID' }]);
    expect(enc.numeric.map((f) => [f.name, f.input])).toEqual([
      ['Price', 'price'],
      ['age', 'rest'],
    ]);
    expect([...numericBlocks(enc)]).toEqual([
      ['price', { offset: 0, width: 1 }],
      ['rest', { offset: 1, width: 1 }],
    ]);
  });

  it("takes a float input that feeds an embedding table (Keras' default Input dtype) as an id input", async () => {
    const { schema } = await read('label,item\n1,3\n0,4\n');
    const enc = bindEncoding([{ name: 'item', dtype: 'float32', width: 1, table: { layer: 'emb', rows: 10 } }], schema);
    expect(enc.categorical).toEqual([{ name: 'item', kind: 'id', size: 10, input: 'item' }]);
    expect(enc.numeric).toEqual([]);
  });

  it('names what it cannot bind', async () => {
    const { schema } = await read(foreignRows(20).csv);
    const noC5 = [...FIXTURE_INPUTS, { name: 'C5', dtype: 'int32', width: 1 }];
    expect((await studioError(() => bindEncoding(noC5, schema), 'DATA_SCHEMA')).message).toMatch(
      new RegExp(
        /no column for the model's id input "C5", and a model without CTR Studio's encoding is fed /.source +
          /the columns named after its inputs; name the data's columns so/.source,
      ),
    );
    const wide = FIXTURE_INPUTS.map((i) => (i.name === 'numeric' ? { ...i, width: 13 } : i));
    expect((await studioError(() => bindEncoding(wide, schema), 'DATA_SCHEMA')).message).toMatch(
      /"numeric" takes 13 values per row, but the data has 6 numeric columns not named after another input/,
    );
    const two = [...FIXTURE_INPUTS, { name: 'dense', dtype: 'float32', width: 2 }];
    expect((await studioError(() => bindEncoding(two, schema), 'DATA_SCHEMA')).message).toMatch(
      /inputs "numeric", "dense" are not column names/,
    );
    const bag = [{ name: 'C1', dtype: 'int32', width: 5 }];
    expect((await studioError(() => bindEncoding(bag, schema), 'DATA_SCHEMA')).message).toMatch(
      /"C1" takes 5 ids per row/,
    );
    const text = await read('label,city\n1,paris\n0,rome\n');
    expect(
      (
        await studioError(
          () => bindEncoding([{ name: 'city', dtype: 'float32', width: 1 }], text.schema),
          'DATA_SCHEMA',
        )
      ).message,
    ).toMatch(/takes a number, but column "city" holds text/);
  });
});

describe('encodeBatch with a bound encoding', () => {
  it('feeds ids and values as they are, whether id columns were read as numbers or as text', async () => {
    const rows = foreignRows(200);
    const asNumbers = await read(rows.csv);
    const enc = bindEncoding(FIXTURE_INPUTS, asNumbers.schema);
    const a = encodeBatch(enc, asNumbers.batch, asNumbers.schema);
    const asText = await read(rows.csv, {
      kinds: { C1: 'categorical', C2: 'categorical', C3: 'categorical', C4: 'categorical' },
    });
    const b = encodeBatch(enc, asText.batch, asText.schema);
    for (let f = 0; f < 4; f++) {
      expect(a.categorical[f]).toEqual(rows.feeds[`C${f + 1}`].data);
      expect(b.categorical[f]).toEqual(rows.feeds[`C${f + 1}`].data);
    }
    expect(a.numeric).toEqual(rows.feeds.numeric.data);
    expect(a.labels).toEqual(rows.labels);
    // A second file is read with the binding's overrides: the same label, ids read either way.
    expect(overridesForEncoding(enc).kinds).toEqual(
      Object.fromEntries(['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((n) => [n, 'numeric'])),
    );
  });

  it('refuses ids outside the table, ids that are not integers and missing values, naming the line', async () => {
    const head = 'label,n1,n2,n3,C1,C2,C3,C4,n4,n5,n6\n';
    const { schema } = await read(foreignRows(20).csv);
    const enc = bindEncoding(FIXTURE_INPUTS, schema);
    const bad = async (line: string, kinds = {}) => {
      const d = await read(head + '1,0,0,0,1,2,3,4,0,0,0\n' + line + '\n', { kinds });
      return (await studioError(() => encodeBatch(enc, d.batch, d.schema), 'DATA_SCHEMA')).message;
    };
    expect(await bad('0,0,0,0,21,2,3,4,0,0,0')).toMatch(
      /Column "C1" holds 21 on line 3, but the model's input "C1" takes integer ids from 0 to 20/,
    );
    expect(await bad('0,0,0,0,1,-1,3,4,0,0,0')).toMatch(/Column "C2" holds -1 on line 3/);
    expect(await bad('0,0,0,0,1,2,3.5,4,0,0,0')).toMatch(/Column "C3" holds 3.5 on line 3/);
    expect(await bad('0,0,0,0,1,2,3,x7,0,0,0', { C4: 'categorical' })).toMatch(/Column "C4" holds "x7" on line 3/);
    expect(await bad('0,0,0,0,1,2,3,,0,0,0')).toMatch(/Column "C4" holds no value on line 3/);
    expect(await bad('0,0,,0,1,2,3,4,0,0,0')).toMatch(
      /Column "n2" has no value on line 3, and the model's input "numeric" takes its values as they are/,
    );
  });
});
