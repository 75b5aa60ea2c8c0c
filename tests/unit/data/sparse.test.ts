import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  isCommentLine,
  parseFeatureMap,
  SPARSE_REASONS,
  sniffSparse,
  sparseLayout,
  splitSparse,
  type SparseLayout,
} from '../../../src/core/data/sparse';
import { parseLabelCell, parseNumericCell } from '../../../src/core/data/values';
import { CRITEO_CSV200, CRITEO_TSV, studioError } from './helpers';

/** The demo Criteo rows: label, I1..I13, C1..C26 (cells '' when missing). */
const TSV = readFileSync(CRITEO_TSV, 'utf8').trimEnd().split('\n');
const ROWS = TSV.map((l) => l.split('\t'));
const NAMES = ['label', ...Array.from({ length: 13 }, (_, i) => `I${i + 1}`)].concat(
  Array.from({ length: 26 }, (_, i) => `C${i + 1}`),
);

/** A global feature index per (column, value), in order of first use (offset so indices are not column numbers). */
function indexer(): (col: number, value: string) => number {
  const ids = new Map<string, number>();
  return (col, value) => {
    const key = `${col}\u0000${value}`;
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = 1000 + ids.size));
    return id;
  };
}

/** A deterministic permutation of tokens, so that the order of features in a line does not matter. */
const shuffle = <T>(xs: T[], seed: number): T[] =>
  xs
    .map((x, i) => ({ x, k: ((i + 1) * 2654435761 + seed * 40503) % 4093 }))
    .sort((a, b) => a.k - b.k)
    .map((e) => e.x);

/** Reads lines back with a layout detected from the first 200 of them; every line must be good. */
function readBack(lines: string[], kind: 'libfm' | 'libsvm', map?: Record<string, string>) {
  const { layout, columns } = sparseLayout(lines.slice(0, 200), kind, map);
  const cells = lines.map((l, i) => {
    const r = splitSparse(l, layout, columns.length);
    if (!r.ok) throw new Error(`line ${i + 1}: ${r.reason}`);
    return r.fields;
  });
  const column = (name: string) => {
    const j = columns.findIndex((c) => c.name === name);
    expect(j, name).toBeGreaterThanOrEqual(0);
    return cells.map((r) => r[j]);
  };
  return { layout, columns, column, labels: cells.map((r) => parseLabelCell(r[0])) };
}

/** Asserts b is a bijective relabelling of a: same equality pattern, and '' exactly where a has ''. */
function expectRelabelling(a: string[], b: string[], what: string): void {
  expect(b.length, what).toBe(a.length);
  const fwd = new Map<string, string>();
  const back = new Map<string, string>();
  const wrong: string[] = [];
  for (let i = 0; i < a.length; i++) {
    const ok = (a[i] === '') === (b[i] === '') && (fwd.get(a[i]) ?? b[i]) === b[i] && (back.get(b[i]) ?? a[i]) === a[i];
    if (!ok) wrong.push(`row ${i + 1}: ${JSON.stringify(a[i])} → ${JSON.stringify(b[i])}`);
    fwd.set(a[i], b[i]);
    back.set(b[i], a[i]);
  }
  expect(wrong.slice(0, 3), what).toEqual([]);
  expect(fwd.size, what).toBeGreaterThan(1);
}

const tsvColumn = (j: number) => ROWS.map((r) => r[j]);
const tsvLabels = ROWS.map((r) => parseLabelCell(r[0]));

describe('the demo Criteo rows as libFM', () => {
  it('one-hot for every column (labels -1/+1, field numbers 0..38, features in any order)', () => {
    const id = indexer();
    const lines = ROWS.map((r, i) => {
      const toks = r.slice(1).flatMap((v, j) => (v === '' ? [] : [`${j}:${id(j + 1, v)}:1`]));
      return `${r[0] === '1' ? '+1' : '-1'} ${shuffle(toks, i).join(' ')}`;
    });
    expect(sniffSparse(lines.slice(0, 200))).toBe('libfm');
    const { layout, columns, column, labels } = readBack(lines, 'libfm');
    expect(layout.fieldBy).toBe('field');
    expect(layout.valued).toEqual([]);
    expect(columns.map((c) => c.name)).toEqual(['label', ...Array.from({ length: 39 }, (_, j) => `field_${j}`)]);
    expect(columns.slice(1).every((c) => c.kind === 'categorical')).toBe(true);
    expect(labels).toEqual(tsvLabels);
    for (let j = 1; j < 40; j++) expectRelabelling(tsvColumn(j), column(`field_${j - 1}`), NAMES[j]);
  });

  it('integer columns as values: I fields get value columns holding the TSV numbers', () => {
    const id = indexer();
    const lines = ROWS.map((r) => {
      const toks = r.slice(1).flatMap((v, j) => {
        if (v === '') return [];
        return j < 13 ? [`${j + 1}:${id(j + 1, '')}:${v}`] : [`${j + 1}:${id(j + 1, v)}:1`];
      });
      return `${r[0]} ${toks.join(' ')}`;
    });
    const { layout, columns, column, labels } = readBack(lines, 'libfm');
    expect(layout.valued).toEqual(Array.from({ length: 13 }, (_, j) => String(j + 1)));
    expect(columns.filter((c) => c.kind === 'numeric').map((c) => c.name)).toEqual(
      Array.from({ length: 13 }, (_, j) => `field_${j + 1}_value`),
    );
    expect(labels).toEqual(tsvLabels);
    for (let j = 1; j <= 13; j++) {
      const values = column(`field_${j}_value`);
      expect(
        values.map((v) => parseNumericCell(v)),
        NAMES[j],
      ).toEqual(tsvColumn(j).map((v) => parseNumericCell(v)));
      expect(
        column(`field_${j}`).map((v) => v === ''),
        NAMES[j],
      ).toEqual(tsvColumn(j).map((v) => v === ''));
    }
    for (let j = 14; j < 40; j++) expectRelabelling(tsvColumn(j), column(`field_${j}`), NAMES[j]);
  });
});

describe('the demo Criteo rows as libSVM', () => {
  it('a fixed count per line (an index for "missing" per column): fields by position', () => {
    const id = indexer();
    const lines = ROWS.map(
      (r) =>
        `${r[0]} ${r
          .slice(1)
          .map((v, j) => `${id(j + 1, v)}:1`)
          .join(' ')}`,
    );
    expect(sniffSparse(lines.slice(0, 200))).toBe('libsvm');
    const { layout, columns, column, labels } = readBack(lines, 'libsvm');
    expect(layout.fieldBy).toBe('position');
    expect(columns.map((c) => c.name)).toEqual(['label', ...Array.from({ length: 39 }, (_, j) => `feature_${j + 1}`)]);
    expect(labels).toEqual(tsvLabels);
    for (let j = 1; j < 40; j++) {
      const b = column(`feature_${j}`);
      expect(b.includes('')).toBe(false);
      expectRelabelling(
        tsvColumn(j).map((v) => (v === '' ? '(missing)' : v)),
        b,
        NAMES[j],
      );
    }
  });

  it('missing cells left out, with a feature map (XGBoost layout), in increasing index order', async () => {
    const id = indexer();
    const lines = ROWS.map((r) => {
      const feats = r.slice(1).flatMap((v, j) => (v === '' ? [] : [id(j + 1, v)]));
      return `${r[0]} ${feats
        .sort((a, b) => a - b)
        .map((f) => `${f}:1`)
        .join(' ')}`;
    });
    const entries = ROWS.flatMap((r) =>
      r.slice(1).flatMap((v, j) => (v === '' ? [] : [`${id(j + 1, v)}\t${NAMES[j + 1]}=${v}\ti`])),
    );
    const mapText = ['# index name type', '', ...new Set(entries)];
    const map = parseFeatureMap(mapText.join('\r\n'));
    await studioError(() => sparseLayout(lines.slice(0, 200), 'libsvm'), 'DATA_SCHEMA');
    const { layout, columns, column, labels } = readBack(lines, 'libsvm', map);
    expect(layout.fieldBy).toBe('map');
    expect(columns[0].name).toBe('label');
    expect(columns.map((c) => c.name).sort()).toEqual([...NAMES].sort()); // ordered by each field's lowest index
    expect(labels).toEqual(tsvLabels);
    for (let j = 1; j < 40; j++) expectRelabelling(tsvColumn(j), column(NAMES[j]), NAMES[j]);
  });
});

describe('sniffSparse', () => {
  const head = (path: string) => readFileSync(path, 'utf8').split('\n').slice(0, 200);

  it('does not claim the Criteo TSV, the DeepCTR CSV or other delimited files', () => {
    expect(sniffSparse(head(CRITEO_TSV))).toBeNull();
    expect(sniffSparse(head(CRITEO_CSV200))).toBeNull();
    expect(sniffSparse(['1,2:3', '0,4:5'])).toBeNull();
    expect(sniffSparse(['1\t12:30', '0\t09:15', '1\t23:59'])).toBeNull(); // a TSV with a time
    expect(sniffSparse(['0', '1', '1'])).toBeNull(); // labels only
    expect(sniffSparse(['label x', 'click 1:1'])).toBeNull();
    expect(sniffSparse([])).toBeNull();
  });

  it('claims libSVM and libFM with comments, CRLF ends, blank lines and a few bad lines', () => {
    const svm = ['# made by a script', '+1 3:1 7:0.5 # first', '-1 2:1\r', '', '0 5:1e-3'];
    expect(sniffSparse(svm)).toBe('libsvm');
    expect(sniffSparse(['1 0:3:1 1:9:1\r', '0 0:4:1', '1 2:3:0.25 # c'])).toBe('libfm');
    const mostly = Array.from({ length: 19 }, (_, i) => `${i % 2} ${i}:1`);
    expect(sniffSparse([...mostly, 'oops 1:1'])).toBe('libsvm');
    expect(sniffSparse([...mostly.slice(0, 5), 'oops', 'oops 1:1'])).toBeNull();
  });
});

describe('splitSparse', () => {
  const libfm = (lines: string[]) => sparseLayout(lines, 'libfm');
  const split = (text: string, l: { layout: SparseLayout; columns: unknown[] }) =>
    splitSparse(text, l.layout, l.columns.length);

  it('maps -1/+1 and 1.0/0.0 labels, passes others on, strips comments and CR', () => {
    const l = libfm(['1 0:1:1 2:5:1']);
    const label = (t: string) => (split(t, l) as { fields: string[] }).fields[0];
    expect(['-1', '+1', '1', '0', '-1.0', '1.0', '0.0'].map((t) => label(`${t} 0:1:1`))).toEqual([
      '0',
      '+1',
      '1',
      '0',
      '0',
      '1.0',
      '0.0',
    ]);
    expect(['-1', '+1', '1.0', '0.0'].map((t) => parseLabelCell(label(`${t} 0:1:1`)))).toEqual([0, 1, 1, 0]);
    expect(parseLabelCell(label('2 0:1:1'))).toBe('bad');
    expect(parseLabelCell(label('-2 0:1:1'))).toBe('bad');
    expect(split('1 0:7:1 2:9:1 # 3:3:3 anything\r', l)).toEqual({ ok: true, fields: ['1', '7', '9'] });
    expect(split('\t0  2:009:1\r', l)).toEqual({ ok: true, fields: ['0', '', '9'] });
    expect(isCommentLine('  # only a comment')).toBe(true);
    expect(isCommentLine('1 0:1:1 # c')).toBe(false);
  });

  it('joins several features of one field in increasing order and sums their values', () => {
    const l = libfm(['1 0:1:1 1:2:0.5', '0 0:3:1 1:4:2']);
    expect(l.layout.valued).toEqual(['1']);
    expect(l.columns.map((c) => c.name)).toEqual(['label', 'field_0', 'field_1', 'field_1_value']);
    expect(split('1 0:17:1 0:3:1 0:100:1 1:5:0.5 1:2:0.25', l)).toEqual({
      ok: true,
      fields: ['1', '3|17|100', '2|5', '0.75'],
    });
    expect(split('1 1:5:0', l)).toEqual({ ok: true, fields: ['1', '', '5', '0'] });
    expect(split('1 0:5:0', l)).toEqual({ ok: true, fields: ['1', '', '', ''] }); // a stored zero is absent
  });

  it('reports malformed tokens with the token', () => {
    const l = libfm(['1 0:1:1']);
    for (const [text, tokText] of [
      ['1 0:3:x', '0:3:x'],
      ['1 0:3', '0:3'],
      ['1 a:3:1', 'a:3:1'],
      ['1 0:3:1e', '0:3:1e'],
      ['1 0:-3:1', '0:-3:1'],
      ['1 0:3:1:2', '0:3:1:2'],
    ]) {
      const r = split(text, l);
      expect(r, text).toEqual({
        ok: false,
        general: SPARSE_REASONS.token,
        reason: `token "${tokText}" is not field:index:value`,
      });
    }
    const s = sparseLayout(['1 3:1 4:1'], 'libsvm');
    expect(split('1 3:x 4:1', s)).toMatchObject({ ok: false, reason: 'token "3:x" is not index:value' });
    expect(split('1 0:3:1 4:1', s)).toMatchObject({ ok: false, general: SPARSE_REASONS.token });
  });

  it('reports features the layout does not know instead of dropping them', () => {
    expect(split('1 0:1:1 9:2:1', libfm(['1 0:1:1']))).toMatchObject({
      ok: false,
      general: SPARSE_REASONS.field,
      reason: 'field 9 is not among the fields of the first lines',
    });
    const s = sparseLayout(['1 3:1 4:1', '0 5:1 6:1'], 'libsvm');
    expect(split('1 3:1 4:1 8:1', s)).toMatchObject({ ok: false, general: SPARSE_REASONS.count });
    expect(split('1 3:1', s)).toMatchObject({ ok: false, general: SPARSE_REASONS.count });
    const m = sparseLayout(['1 3:1 4:1'], 'libsvm', { 3: 'a', 4: 'b' });
    expect(split('1 4:1 3:1', m)).toEqual({ ok: true, fields: ['1', '3', '4'] });
    expect(split('1 3:1 77:1', m)).toMatchObject({
      ok: false,
      general: SPARSE_REASONS.index,
      reason: 'feature index 77 is not in the feature map',
    });
    expect(split('1 0:1:2.5', libfm(['1 0:1:1']))).toMatchObject({ ok: false, general: SPARSE_REASONS.value });
  });
});

describe('layouts', () => {
  it('are plain data: a JSON copy splits the same; large libFM field numbers; libFM with a feature map', () => {
    const l = sparseLayout(['1 100000:5:1 3:1:2', '0 3:2:1'], 'libfm');
    const copy = JSON.parse(JSON.stringify(l.layout)) as SparseLayout;
    for (const layout of [l.layout, copy]) {
      expect(splitSparse('1 3:9:4 100000:6:1', layout, 4)).toEqual({ ok: true, fields: ['1', '9', '6', '4'] });
      expect(splitSparse('1 99999:6:1', layout, 4)).toMatchObject({ ok: false, general: SPARSE_REASONS.field });
    }
    expect(() => splitSparse('1 3:9:4', l.layout, 3)).toThrow(/columns/);
    const m = sparseLayout(['1 0:5:1 1:6:1'], 'libfm', { 5: 'ad', 6: 'user', 7: 'ad' });
    expect(m.columns.map((c) => c.name)).toEqual(['label', 'ad', 'user']);
    expect(splitSparse('0 9:7:1 9:6:1', m.layout, 3)).toEqual({ ok: true, fields: ['0', '7', '6'] });
  });

  it('libSVM by position keeps a stored zero as an absent feature of its position', () => {
    const s = sparseLayout(['1 3:1 4:1', '0 5:1 6:1'], 'libsvm');
    expect(splitSparse('1 3:0 4:1', s.layout, 3)).toEqual({ ok: true, fields: ['1', '', '4'] });
  });
});

describe('sparseLayout and parseFeatureMap', () => {
  it('refuses libSVM lines with different feature counts and no feature map, naming --feature-map', async () => {
    const e = await studioError(() => sparseLayout(['1 1:1 2:1', '0 1:1'], 'libsvm'), 'DATA_SCHEMA');
    expect(e.message).toMatch(/different numbers of features.*--feature-map FILE.*libFM/);
    await studioError(() => sparseLayout(['x', '# c'], 'libsvm'), 'DATA_SCHEMA');
    await studioError(() => sparseLayout(['1', '0'], 'libfm'), 'DATA_SCHEMA');
    await studioError(() => sparseLayout(['1 5:1'], 'libsvm', { 1: 'a' }), 'DATA_SCHEMA');
    await studioError(() => sparseLayout(['1 1:2', '0 2:1'], 'libsvm', { 1: 'a', 2: 'a_value' }), 'DATA_SCHEMA');
  });

  it('orders libFM fields by number and map fields by their lowest index', () => {
    expect(sparseLayout(['1 10:1:1 2:1:1', '0 0:1:1'], 'libfm').layout.fields).toEqual(['0', '2', '10']);
    const map = parseFeatureMap('0 C2=x i\n1 C1=y i\n2 C2=z i\n7 I1 q\n');
    expect(map).toEqual({ 0: 'C2', 1: 'C1', 2: 'C2', 7: 'I1' });
    const { layout, columns } = sparseLayout(['1 0:1 7:3', '0 1:1 7:1'], 'libsvm', map);
    expect(layout.fields).toEqual(['C2', 'C1', 'I1']);
    expect(columns.map((c) => `${c.name}:${c.kind}`)).toEqual([
      'label:label',
      'C2:categorical',
      'C1:categorical',
      'I1:categorical',
      'I1_value:numeric',
    ]);
  });

  it('reads index/field lines, skips comments, rejects malformed lines naming the line', async () => {
    expect(parseFeatureMap('# featmap\n\n003 user # the user\n4\tad=1\r\n')).toEqual({ 3: 'user', 4: 'ad' });
    for (const [text, line] of [
      ['0 a\nx b', 2],
      ['0 a\n\n1', 3],
      ['0 a i extra', 1],
      ['0 =x', 1],
      ['0 a\n0 b', 2],
    ] as const) {
      const e = await studioError(() => parseFeatureMap(text), 'DATA_SCHEMA');
      expect(e.message, text).toContain(`Line ${line} `);
    }
    await studioError(() => parseFeatureMap('# nothing\n'), 'DATA_SCHEMA');
  });
});
