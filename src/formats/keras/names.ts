/**
 * Layer names tfjs can carry. Keras accepts any string as a layer or input name (`User's features`, `用户`),
 * tfjs only names matching /^[A-Za-z0-9][-A-Za-z0-9._/]*$/ (and this project reads `/` as the separator of
 * `<layer>/<weight>`). Names that fit are kept; the others get a readable ASCII form, made unique. Pure.
 */

/** Names tfjs accepts for a layer, without `/` (the weight-name separator). */
const TFJS_SAFE = /^[A-Za-z0-9][-A-Za-z0-9._]*$/;

/** True when tfjs can carry `name` as a layer name as it is. */
export const isSafeLayerName = (name: string): boolean => TFJS_SAFE.test(name);

/** A readable ASCII form of a name: accents dropped, every other run of unsafe characters one `_`. */
export function safeForm(name: string): string {
  const ascii = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const s = ascii
    .replace(/[^-A-Za-z0-9._]+/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/_+$/, '');
  return s.length > 0 ? s : 'layer';
}

/** One layer to name: where it sits (the names of the models around it, outermost first) and its Keras name. */
export interface NameRequest {
  key: string;
  path: string[];
  name: string;
}

/**
 * Final names for every request, unique over all of them. A name that is safe and used once keeps itself;
 * the others become their safe form, prefixed by their model's safe name when that is taken, then numbered.
 */
export function assignNames(requests: NameRequest[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const r of requests) count.set(r.name, (count.get(r.name) ?? 0) + 1);
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const r of requests) {
    if (isSafeLayerName(r.name) && count.get(r.name) === 1) {
      out.set(r.key, r.name);
      used.add(r.name);
    }
  }
  for (const r of requests) {
    if (out.has(r.key)) continue;
    let name = safeForm(r.name);
    if (used.has(name) && r.path.length > 0) name = `${safeForm(r.path[r.path.length - 1])}_${name}`;
    const base = name;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    out.set(r.key, name);
    used.add(name);
  }
  return out;
}

/** The key of a layer by its place: the names of the models around it, then its own. */
export const pathKey = (path: readonly string[]): string => JSON.stringify(path);
