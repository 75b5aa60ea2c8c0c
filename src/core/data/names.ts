/** What column names say: label names and identifier names. Pure module. */

/** Column names that mark the label, case-insensitive, in order of preference. */
export const LABEL_NAMES = ['label', 'click', 'clicked', 'is_click', 'target', 'y'] as const;

/** Words that make an identifier when "id" follows them without a separator ("userid", "adid", ...). */
const ID_PREFIXES =
  'u|user|item|ad|app|site|device|campaign|creative|advertiser|publisher|query|doc|session|banner|page|product|' +
  'shop|cat|category|slot';

/** A whole column name that is one of {@link ID_PREFIXES} followed by "id", case-insensitive. */
const PREFIXED_ID_NAME = new RegExp(`^(${ID_PREFIXES})id$`, 'i');

/** True when a column name looks like an identifier ("id", "user_id", "userId", "adid", ...). */
export function looksLikeIdName(name: string): boolean {
  const n = name.trim();
  return /(^|[_\-\s.])id$/i.test(n) || /[a-z0-9]I[dD]$/.test(n) || PREFIXED_ID_NAME.test(n);
}
