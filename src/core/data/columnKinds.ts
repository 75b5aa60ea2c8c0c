/**
 * How a click-log column should be used, decided from its name and the first rows of the file, with the reason
 * in words. Click logs hide categories behind integers (Avazu's C1, banner_pos and C14-C21, iPinYou's slotid):
 * reading those as quantities costs accuracy, so integers are taken for codes unless their values or their name
 * say they count or measure something. Columns that cannot generalise are left out: a distinct value per row (an
 * identifier) and a constant. Pure module.
 */
import { looksLikeIdName } from './names';
import { detectTimeFormat, parseTime, partsOf, type TimeFormat, type TimePart } from './timestamps';
import { isMissingCell, parseNumericCell } from './values';
import { clickRateSignal, levelSignal } from './clickRateSignal';

/** What a column is used for ('time': a time stamp that gives hour of day and day of week). */
export type ColumnKind = 'label' | 'numeric' | 'categorical' | 'time' | 'ignore';

/** A column's kind with the reason it was chosen, and a time stamp's layout. */
export interface ColumnVerdict {
  kind: ColumnKind;
  why: string;
  time?: TimeFormat;
  parts?: TimePart[];
}

/** What the sample shows of one column. */
export interface ColumnProfile {
  /** Sample cells (missing ones included). */
  cells: number;
  /** Non-missing cells. */
  present: number;
  distinct: number;
  /** Present cells that are decimal numbers. */
  numeric: number;
  /** Every numeric cell is an integer. */
  integers: boolean;
  /** Some integer cell is written with a leading zero ("007"), as codes are and quantities are not. */
  leadingZeros: boolean;
  min: number;
  max: number;
  median: number;
}

/** Share of present cells that must be numbers for a column to be numeric. */
export const NUMERIC_SHARE = 0.98;
/**
 * Integer columns with at most FEW_LEVELS distinct values, each seen REPEATS times on average (so that "few" is
 * not just a short sample), are codes: with a few levels, reading them as categories loses nothing.
 */
export const FEW_LEVELS = 16;
export const REPEATS = 4;
/** Sample rows needed before a column is left out for being empty or constant. */
export const MIN_EVIDENCE_ROWS = 20;
/** A column is an identifier when every one of at least this many present cells differs. */
export const MIN_ID_ROWS = 100;

export function profileColumn(values: readonly string[]): ColumnProfile {
  const seen = new Set<string>();
  const nums: number[] = [];
  let present = 0;
  let integers = true;
  let leadingZeros = false;
  for (const raw of values) {
    if (isMissingCell(raw)) continue;
    const v = raw.trim();
    present++;
    seen.add(v);
    const x = parseNumericCell(v);
    if (x === undefined || Number.isNaN(x)) continue;
    nums.push(x);
    if (!Number.isInteger(x)) integers = false;
    else if (v.length > 1 && v.charCodeAt(0) === 48) leadingZeros = true;
  }
  nums.sort((a, b) => a - b);
  return {
    cells: values.length,
    present,
    distinct: seen.size,
    numeric: nums.length,
    integers,
    leadingZeros,
    min: nums.length ? nums[0] : NaN,
    max: nums.length ? nums[nums.length - 1] : NaN,
    median: nums.length ? nums[(nums.length - 1) >> 1] : NaN,
  };
}

/** Words of a column name: split at separators and lower-to-upper case changes, lower-cased. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const CATEGORY_WORDS = new Set(
  (
    'cat category categories type kind class code pos position domain site app device banner slot creative ' +
    'weekday dow city region country province os browser gender sex campaign advertiser publisher hash zip ' +
    'brand language lang channel source platform carrier network conn format adid userid itemid tag group'
  ).split(' '),
);
const QUANTITY_WORDS = new Set(
  (
    'count counts cnt num number price amount age duration length score rate ratio dist distance qty ' +
    'quantity total sum avg mean value bid cost spend revenue clicks impressions views width height size ' +
    'seconds minutes days weight balance income'
  ).split(' '),
);

/** 'categorical' or 'numeric' when the name says which an integer column is, else null. */
export function kindFromName(name: string): 'categorical' | 'numeric' | null {
  const n = name.trim();
  if (/^c\d+$/i.test(n)) return 'categorical'; // C1.., the anonymised categorical fields of Criteo and Avazu
  if (/^i\d+$/i.test(n)) return 'numeric'; // I1.., Criteo's integer counts
  const words = nameWords(n);
  const cat = looksLikeIdName(n) || words.some((w) => CATEGORY_WORDS.has(w) || /^c\d+$/.test(w));
  const qty = words.some((w) => QUANTITY_WORDS.has(w));
  if (cat === qty) return null;
  return cat ? 'categorical' : 'numeric';
}

const fmt = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 3 });

/** The kind of a non-label column, from its name, its sample values and (when given) the sample's labels. */
export function classifyColumn(
  name: string,
  values: readonly string[],
  labels?: ArrayLike<number>,
): ColumnVerdict & { profile: ColumnProfile } {
  const p = profileColumn(values);
  const verdict = decide(name, values, p, labels);
  return { ...verdict, profile: p };
}

function decide(name: string, values: readonly string[], p: ColumnProfile, labels?: ArrayLike<number>): ColumnVerdict {
  const rows = `the first ${fmt(p.cells)} rows`;
  if (p.cells >= MIN_EVIDENCE_ROWS && p.present === 0) return { kind: 'ignore', why: `empty in ${rows}` };
  if (p.cells >= MIN_EVIDENCE_ROWS && p.distinct === 1) {
    return p.present === p.cells
      ? { kind: 'ignore', why: `constant: one value in ${rows}` }
      : { kind: 'categorical', why: 'one value or empty: whether it is present is the feature' };
  }
  const time = detectTimeFormat(name, values);
  if (time) return timeVerdict(values, time, rows, labels);
  const unique = p.distinct === p.present && p.present >= MIN_ID_ROWS;
  if (p.numeric < NUMERIC_SHARE * p.present) {
    if (unique) return { kind: 'ignore', why: 'a distinct value in every row: an identifier' };
    return { kind: 'categorical', why: `text values, ${fmt(p.distinct)} distinct` };
  }
  if (!p.integers) return { kind: 'numeric', why: 'decimal numbers' };
  if (unique) return { kind: 'ignore', why: 'a distinct integer in every row: an identifier' };
  return integerKind(name, values, p, labels);
}

function integerKind(
  name: string,
  values: readonly string[],
  p: ColumnProfile,
  labels?: ArrayLike<number>,
): ColumnVerdict {
  const byName = kindFromName(name);
  if (byName === 'categorical') return { kind: 'categorical', why: 'integer codes (the name says categorical)' };
  if (byName === 'numeric') return { kind: 'numeric', why: 'integers (the name says a quantity)' };
  if (p.leadingZeros) return { kind: 'categorical', why: 'integer codes written with leading zeros' };
  if (p.distinct <= FEW_LEVELS && p.present >= REPEATS * p.distinct) {
    return { kind: 'categorical', why: `integer codes: ${p.distinct} distinct values, each repeated` };
  }
  const signal = labels ? clickRateSignal(values, labels) : null;
  if (signal === 'codes') {
    return { kind: 'categorical', why: 'integer codes: the click rate jumps between neighbouring values' };
  }
  if (signal === 'quantity') {
    return { kind: 'numeric', why: 'integers whose click rate follows their order' };
  }
  const range = p.max - p.min + 1;
  if (p.distinct > FEW_LEVELS && p.distinct >= 0.9 * range) {
    return { kind: 'categorical', why: 'integer codes: nearly every number in their range is used, as in a numbering' };
  }
  if (p.min >= -10 && p.max > 10 * Math.max(1, p.median)) {
    return { kind: 'numeric', why: 'count-like integers: most values small, a long tail' };
  }
  if (p.max >= 100 && (p.median > p.max / 10 || p.distinct >= 0.5 * range)) {
    return { kind: 'categorical', why: 'integer codes: large values spread over their range' };
  }
  return { kind: 'numeric', why: 'integers' };
}

const PART_NAMES: Record<TimePart, string> = { hour: 'hour of day', weekday: 'day of week' };

/**
 * A time stamp column: the parts it gives (hour of day, day of week) that carry click signal in the sample, or
 * that the sample cannot judge; parts with none are left out, as they would only add noise to a model. A stamp
 * with no part left is ignored.
 */
function timeVerdict(
  values: readonly string[],
  time: TimeFormat,
  rows: string,
  labels?: ArrayLike<number>,
): ColumnVerdict {
  const parsed = values.map((v) => (isMissingCell(v) ? null : parseTime(v, time)));
  const level = (p: TimePart) => parsed.map((t) => (t === null ? '' : String(p === 'hour' ? t.hour : t.weekday)));
  const all = partsOf(time);
  const kept = all.filter((p) => !labels || levelSignal(level(p), labels) !== 'none');
  const dropped = all.filter((p) => !kept.includes(p)).map((p) => PART_NAMES[p]);
  const quiet = dropped.length ? `; no click signal by ${dropped.join(' or ')} in ${rows}` : '';
  if (kept.length === 0) return { kind: 'ignore', why: `time stamps (${time})${quiet}` };
  return {
    kind: 'time',
    why: `time stamps (${time}): ${kept.map((p) => PART_NAMES[p]).join(' and ')}${quiet}`,
    time,
    parts: kept,
  };
}
