/** Recognising a Keras model architecture JSON (model.to_json(), a .keras config.json) among dropped files. Pure. */
import { isObj, type Json } from './config';

/** True for a parsed Keras model architecture: {class_name, config: {layers: [...]}} (to_json, config.json). */
export function isKerasArchitecture(v: unknown): v is Json {
  if (!isObj(v) || typeof v.class_name !== 'string' || 'modelTopology' in v) return false;
  const c = v.config;
  return Array.isArray(c) || (isObj(c) && Array.isArray(c.layers));
}

/** True when a .json file's text is a Keras model architecture (parsed only when it could be one). */
export function isArchitectureText(text: string): boolean {
  if (!/"class_name"\s*:/.test(text) || /"modelTopology"\s*:/.test(text)) return false;
  try {
    return isKerasArchitecture(JSON.parse(text));
  } catch {
    return false;
  }
}
