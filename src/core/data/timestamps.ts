/**
 * Time stamp columns of click logs: recognising the layout a column's values are written in (YYMMDDHH as in
 * Avazu's `hour`, YYYYMMDD[HH[mm[ss[SSS]]]], ISO dates and date-times, Unix seconds or milliseconds) and turning
 * a value into the two features that carry over to new traffic: hour of day and day of week. The date itself
 * never repeats in later data, so it is not a feature. Pure module.
 */

/** The layouts a time stamp column can have. */
export type TimeFormat =
  | 'yymmddhh'
  | 'yyyymmdd'
  | 'yyyymmddhh'
  | 'yyyymmddhhmm'
  | 'yyyymmddhhmmss'
  | 'yyyymmddhhmmssSSS'
  | 'iso'
  | 'iso-date'
  | 'unix-s'
  | 'unix-ms';

/** Hour of day (0-23, null for a date without a time) and day of week (0 = Monday .. 6 = Sunday). */
export interface TimeParts {
  hour: number | null;
  weekday: number;
}

/** Digit layouts by their length, most specific first. */
const DIGIT_FORMATS: Record<number, TimeFormat[]> = {
  8: ['yymmddhh', 'yyyymmdd'],
  10: ['yyyymmddhh', 'unix-s'],
  12: ['yyyymmddhhmm'],
  13: ['unix-ms'],
  14: ['yyyymmddhhmmss'],
  17: ['yyyymmddhhmmssSSS'],
};

/** Unix times are accepted from 2000-01-01 to 2100-01-01 only, so that plain big numbers are not taken for them. */
const UNIX_MIN_S = 946_684_800;
const UNIX_MAX_S = 4_102_444_800;

const ISO_RE = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** A name that says its column holds times ("hour", "timestamp", "click_time", "date", "ts", ...). */
export function looksLikeTimeName(name: string): boolean {
  return /(^|[_\-\s.])(time|timestamp|date|datetime|hour|ts|day|dt)$/i.test(name.trim()) || /^(time|ts)/i.test(name);
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Day of week of a calendar date (0 = Monday), or null when the date does not exist. */
function weekdayOf(year: number, month: number, day: number): number | null {
  if (year < 1970 || year > 2100 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const t = Date.UTC(year, month - 1, day);
  const d = new Date(t);
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null; // 31 April, 29 February 2023, ...
  return (d.getUTCDay() + 6) % 7;
}

function fromCalendar(y: number, mo: number, d: number, h: number | null, mi = 0, s = 0): TimeParts | null {
  if (h !== null && (h > 23 || mi > 59 || s > 59)) return null;
  const weekday = weekdayOf(y, mo, d);
  return weekday === null ? null : { hour: h, weekday };
}

function fromUnix(seconds: number): TimeParts | null {
  if (!(seconds >= UNIX_MIN_S && seconds < UNIX_MAX_S)) return null;
  const d = new Date(seconds * 1000);
  return { hour: d.getUTCHours(), weekday: (d.getUTCDay() + 6) % 7 };
}

/** The parts of one value written in `format`, or null when it is not a valid time in that layout. */
export function parseTime(value: string, format: TimeFormat): TimeParts | null {
  const v = value.trim();
  if (format === 'iso' || format === 'iso-date') {
    const m = ISO_RE.exec(v);
    if (!m) return null;
    const h = m[4] === undefined ? null : Number(m[4]);
    return fromCalendar(Number(m[1]), Number(m[2]), Number(m[3]), h, Number(m[5] ?? 0), Number(m[6] ?? 0));
  }
  if (!isDigits(v)) return null;
  const n = (a: number, b: number) => Number(v.slice(a, b));
  switch (format) {
    case 'unix-s':
      return v.length === 10 ? fromUnix(Number(v)) : null;
    case 'unix-ms':
      return v.length === 13 ? fromUnix(Number(v) / 1000) : null;
    case 'yymmddhh':
      return v.length === 8 ? fromCalendar(2000 + n(0, 2), n(2, 4), n(4, 6), n(6, 8)) : null;
    case 'yyyymmdd':
      return v.length === 8 ? fromCalendar(n(0, 4), n(4, 6), n(6, 8), null) : null;
    default: {
      const want = { yyyymmddhh: 10, yyyymmddhhmm: 12, yyyymmddhhmmss: 14, yyyymmddhhmmssSSS: 17 }[format];
      if (v.length !== want) return null;
      return fromCalendar(
        n(0, 4),
        n(4, 6),
        n(6, 8),
        n(8, 10),
        v.length >= 12 ? n(10, 12) : 0,
        v.length >= 14 ? n(12, 14) : 0,
      );
    }
  }
}

/** Share of a column's present values that must parse in a layout for it to be a time stamp column. */
export const TIME_SHARE = 0.98;

/**
 * The one layout (nearly) every present value of a column parses in, or null. Unix times need a time-like column name
 * (a column of 10-digit codes would otherwise pass); the calendar layouts are specific enough on their own
 * (a random 8-digit code is a valid YYMMDDHH about once in a hundred), but need at least two distinct values.
 */
export function detectTimeFormat(name: string, values: readonly string[], minDistinct = 2): TimeFormat | null {
  const present = values.map((v) => v.trim()).filter((v) => v.length > 0);
  if (present.length < minDistinct || new Set(present).size < minDistinct) return null;
  const first = present.find((v) => isDigits(v)) ?? present[0];
  const candidates: TimeFormat[] = isDigits(first) ? (DIGIT_FORMATS[first.length] ?? []) : ['iso'];
  const timeName = looksLikeTimeName(name);
  for (const format of candidates) {
    if ((format === 'unix-s' || format === 'unix-ms') && !timeName) continue;
    const parts = present.map((v) => parseTime(v, format)).filter((p) => p !== null);
    if (parts.length < TIME_SHARE * present.length) continue; // the few others are bad rows, said as such
    return format === 'iso' && parts.every((p) => p.hour === null) ? 'iso-date' : format;
  }
  return null;
}

/** The features a time stamp gives: hour of day and day of week. */
export type TimePart = 'hour' | 'weekday';

/** The parts a layout can give: no hour for a date without a time. */
export function partsOf(format: TimeFormat): TimePart[] {
  return format === 'yyyymmdd' || format === 'iso-date' ? ['weekday'] : ['hour', 'weekday'];
}

/** Names of the features a time column gives (`<name>.hour`, `<name>.weekday`), for the parts kept. */
export function timeFeatureNames(
  name: string,
  format: TimeFormat,
  parts: readonly TimePart[] = partsOf(format),
): { hour?: string; weekday?: string } {
  const can = partsOf(format);
  const has = (p: TimePart) => can.includes(p) && parts.includes(p);
  return {
    ...(has('hour') ? { hour: `${name}.hour` } : {}),
    ...(has('weekday') ? { weekday: `${name}.weekday` } : {}),
  };
}
