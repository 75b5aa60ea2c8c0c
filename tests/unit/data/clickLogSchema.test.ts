/**
 * Schema inference made for click logs: integer codes read as categories, identifiers and constants left out,
 * time stamps split into hour of day and day of week, the reasons said, and schema files that round-trip.
 */
import { describe, expect, it } from 'vitest';
import {
  classifyColumn,
  detectSchema,
  detectTimeFormat,
  encodeBatch,
  fitEncoding,
  formatSchemaTable,
  kindFromName,
  overridesForEncoding,
  overridesForSchema,
  parseTime,
  readDataset,
  schemaFieldNames,
  schemaFileOverrides,
  schemaToJson,
  type DataSchema,
} from '../../../src/core/data';
import { clickRateSignal } from '../../../src/core/data/clickRateSignal';
import { createRng } from '../../../src/core/random';
import { studioError } from './helpers';
import { demoClickLog } from './clickLogFiles';

const kinds = (s: DataSchema) => Object.fromEntries(s.columns.map((c) => [c.name, c.kind]));
const lines = (text: string) => text.split('\n').filter(Boolean);

describe('time stamps', () => {
  it('reads YYMMDDHH, long digit layouts, ISO and Unix times as hour of day and day of week', () => {
    expect(parseTime('14102100', 'yymmddhh')).toEqual({ hour: 0, weekday: 1 }); // Tuesday 21 October 2014
    expect(parseTime('14102523', 'yymmddhh')).toEqual({ hour: 23, weekday: 5 });
    expect(parseTime('20130606000104828', 'yyyymmddhhmmssSSS')).toEqual({ hour: 0, weekday: 3 });
    expect(parseTime('2014-10-21 13:05:00', 'iso')).toEqual({ hour: 13, weekday: 1 });
    expect(parseTime('2014-10-21', 'iso-date')).toEqual({ hour: null, weekday: 1 });
    expect(parseTime('1413896400', 'unix-s')).toEqual({ hour: 13, weekday: 1 });
    expect(parseTime('14023100', 'yymmddhh')).toBeNull(); // 31 February
    expect(parseTime('14102124', 'yymmddhh')).toBeNull();
  });

  it('detects a layout only when every value fits it, and Unix times only under a time-like name', () => {
    expect(detectTimeFormat('hour', ['14102100', '14102101', ''])).toBe('yymmddhh');
    expect(detectTimeFormat('when', ['20141021', '20141022'])).toBe('yyyymmdd');
    expect(detectTimeFormat('created', ['2014-10-21', '2014-10-22'])).toBe('iso-date');
    expect(detectTimeFormat('ts', ['1413896400', '1413900000'])).toBe('unix-s');
    expect(detectTimeFormat('code', ['1413896400', '1413900000'])).toBeNull();
    expect(detectTimeFormat('hour', ['14102100', '14102100'])).toBeNull(); // one value: a constant
    expect(detectTimeFormat('hour', ['14102100', '99999999'])).toBeNull();
    // Random 8-digit codes do not pass for YYMMDDHH.
    const rng = createRng(1);
    const codes = Array.from({ length: 200 }, () => String(10_000_000 + Math.floor(rng() * 89_999_999)));
    expect(detectTimeFormat('f3', codes)).toBeNull();
  });
});

describe('column kinds', () => {
  it('knows categorical and quantity names', () => {
    expect(kindFromName('C14')).toBe('categorical');
    expect(kindFromName('banner_pos')).toBe('categorical');
    expect(kindFromName('device_conn_type')).toBe('categorical');
    expect(kindFromName('slotid')).toBe('categorical');
    expect(kindFromName('I5')).toBe('numeric');
    expect(kindFromName('price')).toBe('numeric');
    expect(kindFromName('click_count')).toBe('numeric');
    expect(kindFromName('x')).toBeNull();
  });

  it('leaves out identifiers and constants, keeps "present or not", and says why', () => {
    const n = 300;
    const ids = Array.from({ length: n }, (_, i) => String(1e17 + i * 7919));
    expect(classifyColumn('x', ids)).toMatchObject({ kind: 'ignore', why: expect.stringMatching(/identifier/) });
    const text = Array.from({ length: n }, (_, i) => `u${i}`);
    expect(classifyColumn('x', text).kind).toBe('ignore');
    expect(classifyColumn('x', Array(n).fill('7'))).toMatchObject({
      kind: 'ignore',
      why: expect.stringMatching(/constant/),
    });
    expect(classifyColumn('x', Array(n).fill(''))).toMatchObject({
      kind: 'ignore',
      why: expect.stringMatching(/empty/),
    });
    expect(
      classifyColumn(
        'x',
        Array.from({ length: n }, (_, i) => (i % 3 ? '1' : '')),
      ).kind,
    ).toBe('categorical');
    // Too few rows to call anything constant or an identifier.
    expect(classifyColumn('x', ['7', '7', '7']).kind).toBe('numeric');
    const floats = Array.from({ length: n }, (_, i) => String(i * 0.37));
    expect(classifyColumn('x', floats).kind).toBe('numeric'); // distinct decimals are measurements, not ids
  });

  it('reads integer codes as categorical: few repeated levels, leading zeros, a numbering, large spread values', () => {
    const rng = createRng(2);
    const pick = <T>(xs: T[]) => xs[Math.floor(rng() * xs.length)];
    const n = 2000;
    const levels = Array.from({ length: n }, () => pick(['1005', '1002', '1010', '1012', '1001']));
    expect(classifyColumn('x', levels).kind).toBe('categorical');
    const zeros = Array.from({ length: n }, () => pick(['001', '002', '013', '120', '007', '31', '45']));
    expect(classifyColumn('x', zeros).why).toMatch(/leading zeros/);
    const numbering = Array.from({ length: n }, (_, i) => String(1 + (i % 400)));
    expect(classifyColumn('x', numbering).kind).toBe('categorical');
    const spread = Array.from({ length: n }, () => String(Math.floor(rng() * 4e9)));
    expect(
      classifyColumn(
        'x',
        spread.map((v, i) => (i % 2 ? spread[i - 1] : v)),
      ).kind,
    ).toBe('categorical');
    // A count: mostly small with a long tail.
    const counts = Array.from({ length: n }, () => String(Math.floor(Math.exp(rng() * 8)) - 1));
    expect(classifyColumn('x', counts)).toMatchObject({ kind: 'numeric', why: expect.stringMatching(/count-like/) });
  });

  it('lets the click rate tell codes from a quantity when the values alone cannot', () => {
    const rng = createRng(3);
    const n = 6000;
    // 60 codes numbered at random, each with its own click rate; and a quantity whose click rate rises with it.
    const rate = Array.from({ length: 60 }, () => 0.05 + 0.5 * rng());
    const codes: string[] = [];
    const codeLabels: number[] = [];
    const qty: string[] = [];
    const qtyLabels: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = Math.floor(rng() * 60);
      codes.push(String(c * 13 + 5));
      codeLabels.push(rng() < rate[c] ? 1 : 0);
      const x = Math.floor(rng() * 500);
      qty.push(String(x));
      qtyLabels.push(rng() < 0.05 + x / 1000 ? 1 : 0);
    }
    expect(clickRateSignal(codes, codeLabels)).toBe('codes');
    expect(clickRateSignal(qty, qtyLabels)).toBe('quantity');
    expect(clickRateSignal(qty.slice(0, 100), qtyLabels.slice(0, 100))).toBeNull(); // too few rows to tell
    const noSignal = Array.from({ length: n }, () => (rng() < 0.1 ? 1 : 0));
    expect(clickRateSignal(qty, noSignal)).toBeNull();
  });
});

describe('detectSchema on click logs', () => {
  it('calls every integer-coded Criteo column categorical, with neutral names and with Criteo names', () => {
    for (const names of ['neutral', 'criteo'] as const) {
      const s = detectSchema(lines(demoClickLog({ codes: true, names }).train));
      const f = schemaFieldNames(s);
      expect(f.categorical).toHaveLength(names === 'criteo' ? 26 : 27); // n10 (5 levels) is a code too
      expect(f.numeric).toHaveLength(names === 'criteo' ? 13 : 12);
      expect(s.notes?.every((n) => n.why.length > 0)).toBe(true);
    }
    const hex = detectSchema(lines(demoClickLog({ codes: false, names: 'neutral' }).train));
    const coded = detectSchema(lines(demoClickLog({ codes: true, names: 'neutral' }).train));
    expect(coded.columns).toEqual(hex.columns);
  });

  it('leaves out a distinct-per-row id, and a stamp whose hour and weekday carry no click signal', async () => {
    const plain = await readDataset(demoClickLog({ codes: true, names: 'neutral' }).train);
    const { train } = demoClickLog({ codes: true, names: 'neutral', idAndHour: true });
    const { schema, batch } = await readDataset(train);
    expect(kinds(schema)).toMatchObject({ id: 'ignore', hour: 'ignore' });
    const table = formatSchemaTable(schema);
    expect(table).toMatch(/id\s+ignore\s+8000\s+0%\s+a distinct integer in every row: an identifier/);
    expect(table).toMatch(/hour\s+ignore .*time stamps \(yymmddhh\); no click signal by hour of day or day of week/);
    // Nothing is added for the worse: the same encoded rows as without the two columns.
    const enc = fitEncoding(batch, schema);
    const without = fitEncoding(plain.batch, plain.schema);
    expect(encodeBatch(enc, batch, schema)).toEqual(encodeBatch(without, plain.batch, plain.schema));
  });

  it('splits a YYMMDDHH stamp into the parts that carry click signal, and reads new rows the same way', async () => {
    const rng = createRng(4);
    const lines = ['click,hour,site'];
    for (let i = 0; i < 6000; i++) {
      const day = 21 + Math.floor(rng() * 9);
      const hour = Math.floor(rng() * 24);
      const click = rng() < (hour >= 18 ? 0.35 : 0.08) ? 1 : 0; // evenings click more; weekdays do not matter
      lines.push(`${click},1410${day}${String(hour).padStart(2, '0')},s${Math.floor(rng() * 5)}`);
    }
    const { schema, batch } = await readDataset(lines.join('\n'));
    expect(schema.columns[1]).toEqual({ name: 'hour', kind: 'time', time: 'yymmddhh', parts: ['hour'] });
    expect(schema.notes?.[1].why).toBe(
      'time stamps (yymmddhh): hour of day; no click signal by day of week in the first 6,000 rows',
    );
    expect(schemaFieldNames(schema).categorical).toEqual(['hour.hour', 'site']);
    expect(new Set(batch.categorical[0]).size).toBe(24);
    // A model's encoding, and the saved schema file, read the stamp the same way again.
    const enc = fitEncoding(batch, schema);
    expect(enc.times).toEqual([{ column: 'hour', format: 'yymmddhh', parts: ['hour'] }]);
    const again = await readDataset(lines.slice(0, 30).join('\n'), { overrides: overridesForEncoding(enc) });
    expect(schemaFieldNames(again.schema).categorical).toEqual(['hour.hour', 'site']);
    const saved = schemaFileOverrides(schemaToJson(schema), 'schema.json');
    expect(detectSchema(lines.slice(0, 30), saved).columns[1]).toEqual(schema.columns[1]);
  });

  it('rejects a bad stamp as a bad row, and a column set to time whose values are not times', async () => {
    const csv = [
      'label,hour,x',
      ...Array.from({ length: 80 }, (_, i) => `${i % 2},141021${String(i % 24).padStart(2, '0')},${i % 3}`),
    ];
    const { report } = await readDataset([...csv, '1,14102199,1'].join('\n'));
    expect(report.badRows).toBe(1);
    expect(report.examples[0].reason).toMatch(/column "hour" is "14102199", not a time stamp/);
    await studioError(() => detectSchema(csv, { kinds: { x: 'time' } }), 'DATA_SCHEMA');
    // The head of a time-sorted log may hold one hour only: constant by detection, a stamp when the user says so.
    const oneHour = ['label,hour', ...Array.from({ length: 40 }, (_, i) => `${i % 2},14102100`)];
    expect(detectSchema(oneHour).columns[1].kind).toBe('ignore');
    expect(detectSchema(oneHour, { kinds: { hour: 'time' } }).columns[1]).toMatchObject({
      kind: 'time',
      time: 'yymmddhh',
    });
  });
});

describe('schema files', () => {
  it('round-trip: the saved JSON read back as overrides gives the same columns, and names what is wrong', async () => {
    const { train } = demoClickLog({ codes: true, names: 'neutral', idAndHour: true });
    const s = detectSchema(lines(train));
    const edited = JSON.parse(schemaToJson(s));
    edited.columns.find((c: { name: string }) => c.name === 'n2').kind = 'categorical';
    const again = detectSchema(lines(train), schemaFileOverrides(JSON.stringify(edited), 'schema.json'));
    expect(kinds(again)).toEqual({ ...kinds(s), n2: 'categorical' });
    expect(again.notes?.[3].why).toBe('set by you');
    const bad = async (text: string) =>
      (await studioError(() => schemaFileOverrides(text, 's.json'), 'DATA_SCHEMA')).message;
    expect(await bad('{')).toMatch(/s\.json is not valid JSON/);
    expect(await bad('{"columns":[{"name":"a","kind":"number"}]}')).toMatch(/kind "number"/);
    expect(await bad('{"columns":[{"name":"a","kind":"label"},{"name":"b","kind":"label"}]}')).toMatch(/two label/);
  });

  it("reads test rows with the training file's kinds, whatever their own rows look like", () => {
    const train = detectSchema(['label,x,y', ...Array.from({ length: 40 }, (_, i) => `${i % 2},${i % 5},${i * 0.5}`)]);
    const testLines = ['label,x,y', ...Array.from({ length: 40 }, (_, i) => `${i % 2},3,${i * 0.5}`)]; // x constant
    expect(kinds(detectSchema(testLines)).x).toBe('ignore');
    expect(kinds(detectSchema(testLines, overridesForSchema(train)))).toEqual(kinds(train));
  });
});
