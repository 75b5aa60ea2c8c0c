/**
 * The weights' hash in model.json: CTR Studio records the SHA-256 of each weight file it writes in a field
 * beside weightsManifest, `"weightsSha256": {"group1-shard1of1.bin": "<64 hex digits>"}`, and checks it when
 * the files are assembled again, so a model.json of one run beside the weight file of another (a write that
 * was stopped halfway, files copied from two folders) is refused instead of scoring a mixture. tfjs reads only
 * the fields it knows, so plain tfjs loads such a model.json as before, and a model it saves again has no
 * hash (never a stale one); a model.json without the field (made elsewhere, or by an older CTR Studio) is not
 * checked. Pure: no tfjs, no file system.
 */
import { StudioError } from '../errors';
import { sha256Hex } from '../sha256';

/** The field of model.json that holds the hashes. */
export const HASH_FIELD = 'weightsSha256';

const HEX64 = /^[0-9a-f]{64}$/;

const base = (path: string) => path.split(/[\\/]/).pop() ?? path;

/** The field's value for the weight files written: each file's SHA-256 by its name. */
export function weightsHashes(files: { name: string; data: ArrayBuffer | Uint8Array }[]): Record<string, string> {
  return Object.fromEntries(files.map((f) => [f.name, sha256Hex(f.data)]));
}

/** Throws MODEL_MANIFEST_INVALID when model.json has the field but not as file names mapped to SHA-256 digests. */
export function checkHashField(value: unknown, fileName: string): void {
  if (value === undefined) return;
  const ok =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string' && HEX64.test(v));
  if (!ok) {
    throw new StudioError(
      'MODEL_MANIFEST_INVALID',
      `The ${HASH_FIELD} of ${fileName} is not a list of weight files with their SHA-256 digests (64 hex ` +
        `digits each); export the model again, or delete that field to load the files unchecked.`,
    );
  }
}

/** The weight files (base names, in `paths` order) whose SHA-256 differs from the one model.json records. */
export function filesNotMatchingHash(
  recorded: Record<string, string> | undefined,
  paths: string[],
  files: ReadonlyMap<string, ArrayBuffer>,
): string[] {
  if (!recorded) return [];
  return paths
    .map(base)
    .filter((p) => Object.hasOwn(recorded, p) && files.has(p) && sha256Hex(files.get(p)!) !== recorded[p]);
}
