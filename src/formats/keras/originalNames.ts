/**
 * The names a Keras file gave its layers, where the converted model's differ (names tfjs cannot carry, layers
 * of nested models), kept in the model's userDefinedMetadata so the studio, reports and exports can show them.
 * Pure.
 */

/** Key in userDefinedMetadata: { [layer name in the model]: the file's name, `tower / dense` when nested }. */
export const KERAS_NAMES_KEY = 'ctrStudioKerasNames';

/** The original names a model carries (empty when none). */
export function originalNames(userDefinedMetadata: Record<string, unknown> | undefined): Record<string, string> {
  const v = userDefinedMetadata?.[KERAS_NAMES_KEY];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** The metadata entry that carries the names on (into an export), or nothing. */
export function keepOriginalNames(userDefinedMetadata: Record<string, unknown> | undefined): Record<string, unknown> {
  const names = originalNames(userDefinedMetadata);
  return Object.keys(names).length > 0 ? { [KERAS_NAMES_KEY]: names } : {};
}

/** `name (original)` where the file named the layer otherwise, else the name. */
export function withOriginal(name: string, names: Record<string, string>): string {
  return names[name] && names[name] !== name ? `${name} (${names[name]})` : name;
}

/** Layer lists (a description's, an inventory's) with each layer's file name beside its own, where it differs. */
export function withFileNames<L extends { name: string; fileName?: string }>(
  layers: L[],
  names: Record<string, string>,
): L[] {
  return layers.map((l) => (names[l.name] && names[l.name] !== l.name ? { ...l, fileName: names[l.name] } : l));
}
