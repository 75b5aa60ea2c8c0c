/**
 * The per-line part of reading libSVM / libFM click logs (see sparse.ts for the layout and the columns): a scanner
 * over char codes (no regex, no allocation per token) that turns one line into its cells. Pure module.
 */
import { quoteCell } from './values';

/** How the features of a sparse file are grouped into columns. Plain data (serialisable). */
export interface SparseLayout {
  kind: 'libfm' | 'libsvm';
  /** 'field': libFM field numbers; 'position': the j-th feature of a line; 'map': a feature map (index → field). */
  fieldBy: 'field' | 'position' | 'map';
  /** Field keys in column order (libFM field numbers as text, positions '1'..'k', or map field names). */
  fields: string[];
  /** Fields that also get a numeric value column, in column order. */
  valued: string[];
  /** Feature index → field key, for fieldBy 'map'. */
  map?: Record<string, string>;
}

/** A column of a sparse layout. */
export interface SparseColumn {
  name: string;
  kind: 'label' | 'categorical' | 'numeric';
}

/** The cells of a line, or why it is a bad row: `general` is the grouping key, `reason` the specific text. */
export type SparseSplit = { ok: true; fields: string[] } | { ok: false; reason: string; general: string };

/** General bad-row reasons of {@link splitSparse} (keys for a bad-row report's byReason). */
export const SPARSE_REASONS = {
  token: 'a token is not index:value (libSVM) or field:index:value (libFM)',
  field: 'a feature belongs to a field not seen in the first lines',
  index: 'a feature index is not in the feature map',
  count: 'the number of features differs from the first lines',
  value: 'a value other than 0 or 1 in a field without a value column',
} as const;

/** Space, tab, CR, vertical tab or form feed. */
const isWs = (c: number) => c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
const isDigit = (c: number) => c >= 48 && c <= 57;

/** The last feature token scanned by {@link scanFeature} (one shared object: no allocation per token). */
const tok = { field: 0, idxStart: 0, idxEnd: 0, valStart: 0, valEnd: 0 };

/** End of the decimal number at s[i..n) (the syntax of values.ts: [+-] digits [. digits] [e[+-]digits]), or -1. */
function numberEnd(s: string, i: number, n: number): number {
  let c = s.charCodeAt(i);
  if (c === 43 || c === 45) c = s.charCodeAt(++i);
  let digits = 0;
  while (i < n && isDigit(c)) (c = s.charCodeAt(++i)), digits++;
  if (i < n && c === 46) {
    c = s.charCodeAt(++i);
    while (i < n && isDigit(c)) (c = s.charCodeAt(++i)), digits++;
  }
  if (digits === 0) return -1;
  if (i < n && (c === 101 || c === 69)) {
    c = s.charCodeAt(++i);
    if (c === 43 || c === 45) c = s.charCodeAt(++i);
    const e0 = i;
    while (i < n && isDigit(c)) c = s.charCodeAt(++i);
    if (i === e0) return -1;
  }
  return i;
}

/** Scans the feature token at s[i..n) into {@link tok} and returns its end, or -1 when it is malformed. */
function scanFeature(s: string, i: number, n: number, libfm: boolean): number {
  tok.field = -1;
  if (libfm) {
    const f0 = i;
    let f = 0;
    while (i < n && isDigit(s.charCodeAt(i))) f = f * 10 + s.charCodeAt(i++) - 48;
    if (i === f0 || i - f0 > 9 || i >= n || s.charCodeAt(i) !== 58) return -1;
    tok.field = f;
    i++;
  }
  const a = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  if (i === a || i >= n || s.charCodeAt(i) !== 58) return -1;
  let z = a;
  while (z < i - 1 && s.charCodeAt(z) === 48) z++; // "007" is index 7
  tok.idxStart = z;
  tok.idxEnd = i;
  const e = numberEnd(s, i + 1, n);
  if (e < 0 || (e < n && !isWs(s.charCodeAt(e)))) return -1;
  tok.valStart = i + 1;
  tok.valEnd = e;
  return e;
}

function valueAt(s: string, a: number, b: number): number {
  if (b - a === 1) {
    const c = s.charCodeAt(a);
    if (c === 49) return 1;
    if (c === 48) return 0;
  }
  return Number(s.slice(a, b));
}

export function skipWs(s: string, i: number, n: number): number {
  while (i < n && isWs(s.charCodeAt(i))) i++;
  return i;
}

function tokenEnd(s: string, i: number, n: number): number {
  while (i < n && !isWs(s.charCodeAt(i))) i++;
  return i;
}

/** End of a line's data: its length, or where its '#' comment starts. */
export const dataEnd = (s: string) => {
  const h = s.indexOf('#');
  return h < 0 ? s.length : h;
};

/** True when a line holds nothing but whitespace and a '#' comment: readers skip it like a blank line. */
export function isCommentLine(text: string): boolean {
  const h = text.indexOf('#');
  return h >= 0 && skipWs(text, 0, h) === h;
}

/** A label token as a label cell: -1 (also "-1.0") becomes "0"; anything else is passed on for the reader to judge. */
function labelCell(t: string): string {
  if (t === '1' || t === '0') return t;
  return t.charCodeAt(0) === 45 && Number(t) === -1 ? '0' : t;
}

/** One parsed line of a detection sample. */
export interface SampleLine {
  features: { field: number; index: string; value: number }[];
}

/** Parses a sample line; null when it is blank, a comment, has a non-number label or a malformed token. */
export function parseSampleLine(text: string, libfm: boolean): SampleLine | null {
  const n = dataEnd(text);
  let i = skipWs(text, 0, n);
  if (i >= n) return null;
  const l = tokenEnd(text, i, n);
  if (numberEnd(text, i, l) !== l) return null;
  const features: SampleLine['features'] = [];
  for (i = skipWs(text, l, n); i < n; i = skipWs(text, i, n)) {
    i = scanFeature(text, i, n, libfm);
    if (i < 0) return null;
    const index = text.slice(tok.idxStart, tok.idxEnd);
    features.push({ field: tok.field, index, value: valueAt(text, tok.valStart, tok.valEnd) });
  }
  return { features };
}

/** Strips leading zeros of an index ("007" → "7", "0" stays). */
export const canonicalIndex = (s: string) => s.replace(/^0+(?=\d)/, '');

/** Column name of a field key. */
export function columnName(layout: Pick<SparseLayout, 'fieldBy'>, key: string): string {
  if (layout.fieldBy === 'field') return `field_${key}`;
  if (layout.fieldBy === 'position') return `feature_${key}`;
  return key;
}

/** A layout prepared for {@link splitSparse}, with scratch arrays reused from line to line. */
interface Compiled {
  libfm: boolean;
  by: SparseLayout['fieldBy'];
  width: number;
  /** Column name of each slot, for messages. */
  names: string[];
  /** libFM field number → slot (-1: unknown): an array when the field numbers are small, else a map. */
  fieldArr: Int32Array | null;
  fieldMap: Map<number, number>;
  /** Canonical feature index → slot, for a feature map. */
  indexSlot: Map<string, number>;
  /** Slot → column of its value cell, or -1. */
  valueCol: Int32Array;
  /** Features per slot on the current line, and their value sums. */
  count: Int32Array;
  sums: Float64Array;
}

const compiledLayouts = new WeakMap<SparseLayout, Compiled>();

function compile(layout: SparseLayout): Compiled {
  let c = compiledLayouts.get(layout);
  if (c) return c;
  const k = layout.fields.length;
  const slotOf = new Map(layout.fields.map((f, j) => [f, j]));
  const valueCol = new Int32Array(k).fill(-1);
  layout.valued.forEach((f, j) => {
    valueCol[slotOf.get(f)!] = 1 + k + j;
  });
  const indexSlot = new Map<string, number>();
  for (const [i, f] of Object.entries(layout.map ?? {})) {
    const s = slotOf.get(f);
    if (s !== undefined) indexSlot.set(canonicalIndex(i), s);
  }
  c = {
    libfm: layout.kind === 'libfm',
    by: layout.fieldBy,
    width: 1 + k + layout.valued.length,
    names: layout.fields.map((f) => columnName(layout, f)),
    fieldArr: null,
    fieldMap: new Map(layout.fields.map((f, j) => [Number(f), j])),
    indexSlot,
    valueCol,
    count: new Int32Array(k),
    sums: new Float64Array(k),
  };
  const top = Math.max(-1, ...c.fieldMap.keys());
  if (layout.fieldBy === 'field' && top < 65536) {
    c.fieldArr = new Int32Array(top + 1).fill(-1);
    for (const [f, j] of c.fieldMap) c.fieldArr[f] = j;
  }
  compiledLayouts.set(layout, c);
  return c;
}

const fail = (general: string, reason: string): SparseSplit => ({ ok: false, reason, general });

/** Indices joined by '|' in increasing numeric order (they have no leading zeros). */
const sortIndices = (cell: string) =>
  cell
    .split('|')
    .sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0))
    .join('|');

/** The slot of the feature in {@link tok} (the `pos`-th of its line, its index `index`), or -1 when unknown. */
function slotOf(c: Compiled, index: string, pos: number): number {
  if (c.by === 'field') {
    const f = tok.field;
    if (c.fieldArr) return f < c.fieldArr.length ? c.fieldArr[f] : -1;
    return c.fieldMap.get(f) ?? -1;
  }
  if (c.by === 'position') return pos < c.count.length ? pos : -1;
  return c.indexSlot.get(index) ?? -1;
}

/** Why the layout does not know the feature in {@link tok} (see {@link slotOf}). */
function unknownFeature(c: Compiled, index: string): SparseSplit {
  if (c.by === 'field') {
    return fail(SPARSE_REASONS.field, `field ${tok.field} is not among the fields of the first lines`);
  }
  if (c.by === 'position') return fail(SPARSE_REASONS.count, `the line has more than ${c.count.length} features`);
  return fail(SPARSE_REASONS.index, `feature index ${index} is not in the feature map`);
}

/**
 * The cells of one line in column order (label, field cells, value cells; see the module comment), or why the
 * line is a bad row. `columnCount` is the number of columns of the layout. A line with only a comment gives an
 * empty label (skip such lines with {@link isCommentLine}).
 */
export function splitSparse(text: string, layout: SparseLayout, columnCount: number): SparseSplit {
  const c = compile(layout);
  if (columnCount !== c.width) throw new Error(`splitSparse: ${columnCount} columns, but the layout has ${c.width}`);
  const out = new Array<string>(columnCount).fill('');
  const n = dataEnd(text);
  let i = skipWs(text, 0, n);
  if (i >= n) return { ok: true, fields: out };
  const l = tokenEnd(text, i, n);
  out[0] = labelCell(text.slice(i, l));
  const count = c.count;
  count.fill(0);
  let pos = 0;
  let multi = false;
  for (i = skipWs(text, l, n); i < n; i = skipWs(text, i, n)) {
    const start = i;
    i = scanFeature(text, i, n, c.libfm);
    if (i < 0) {
      const shown = quoteCell(text.slice(start, tokenEnd(text, start, n)));
      return fail(SPARSE_REASONS.token, `token ${shown} is not ${c.libfm ? 'field:index:value' : 'index:value'}`);
    }
    const index = text.slice(tok.idxStart, tok.idxEnd);
    const slot = slotOf(c, index, pos++);
    if (slot < 0) return unknownFeature(c, index);
    const vcol = c.valueCol[slot];
    if (vcol < 0) {
      const v = valueAt(text, tok.valStart, tok.valEnd);
      if (v === 0) continue; // a stored zero is an absent feature
      if (v !== 1) {
        const shown = text.slice(tok.valStart, tok.valEnd);
        const what = `column "${c.names[slot]}" has the value ${quoteCell(shown)}`;
        return fail(SPARSE_REASONS.value, `${what}, but its values in the first lines were all 0 or 1`);
      }
    }
    const col = 1 + slot;
    const seen = count[slot]++;
    if (seen === 0) {
      out[col] = index;
      if (vcol >= 0) out[vcol] = text.slice(tok.valStart, tok.valEnd);
      continue;
    }
    multi = true;
    out[col] += `|${index}`;
    if (vcol < 0) continue;
    const before = seen === 1 ? Number(out[vcol]) : c.sums[slot];
    c.sums[slot] = before + valueAt(text, tok.valStart, tok.valEnd);
  }
  if (c.by === 'position' && pos !== count.length) {
    return fail(SPARSE_REASONS.count, `the line has ${pos} features, but the first lines have ${count.length}`);
  }
  if (multi) {
    for (let s = 0; s < count.length; s++) {
      if (count[s] < 2) continue;
      out[1 + s] = sortIndices(out[1 + s]);
      if (c.valueCol[s] >= 0) out[c.valueCol[s]] = String(c.sums[s]);
    }
  }
  return { ok: true, fields: out };
}
