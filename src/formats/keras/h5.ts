/**
 * HDF5 reading through h5wasm, the same in a browser module worker and in Node. h5wasm's ESM build (the
 * package's "import" export) inlines its wasm and instantiates it with WebAssembly.instantiate, so no wasm URL,
 * no fetch and no cross-origin isolation are needed; it is imported dynamically so the ~4 MB module loads only
 * when a Keras file arrives. Bytes go to h5wasm's in-memory file system, are opened read-only, and the file is
 * closed and unlinked afterwards.
 */
import type { Dataset, File as H5File, Group } from 'h5wasm';
import { StudioError } from '../../core/errors';
import { LIMITS, formatBytes } from '../../core/limits';
import type { RawTensor } from './weights';

type H5Lib = typeof import('h5wasm')['default'];
type H5Module = Awaited<H5Lib['ready']>;

let loading: Promise<{ lib: H5Lib; module: H5Module }> | null = null;

/** h5wasm, loaded once per realm. */
export function loadH5wasm(): Promise<{ lib: H5Lib; module: H5Module }> {
  loading ??= import('h5wasm').then(async (m) => {
    const lib = m.default;
    return { lib, module: await lib.ready };
  });
  return loading;
}

let counter = 0;

/**
 * Runs `read` on the HDF5 file held in `bytes` (opened read-only from h5wasm's memory file system) and cleans
 * up afterwards. HDF5 errors become exceptions (h5wasm's throwing error handler) instead of console output.
 */
export async function withH5File<T>(bytes: Uint8Array, read: (file: H5File) => T): Promise<T> {
  const { lib, module } = await loadH5wasm();
  const path = `/ctr-studio-keras-${++counter}.h5`;
  module.FS.writeFile(path, bytes);
  module.activate_throwing_error_handler();
  let file: H5File | null = null;
  try {
    file = new lib.File(path, 'r');
    if (file.file_id < 0n) throw new Error('HDF5 could not open the file');
    return read(file);
  } finally {
    try {
      if (file && file.file_id >= 0n) file.close();
    } catch {
      // closing a half-opened file: nothing left to release
    }
    module.deactivate_throwing_error_handler();
    try {
      module.FS.unlink(path);
    } catch {
      // already gone
    }
  }
}

/** True when the object is an HDF5 group. */
export const isGroup = (e: unknown): e is Group =>
  typeof e === 'object' && e !== null && (e as { type?: string }).type === 'Group';
/** True when the object is an HDF5 dataset. */
export const isDataset = (e: unknown): e is Dataset =>
  typeof e === 'object' && e !== null && (e as { type?: string }).type === 'Dataset';

/** A numeric dataset as float32 with its shape; float16 and non-numeric datasets are errors naming the path. */
export function readTensor(ds: Dataset): RawTensor {
  const meta = ds.metadata as { type: number; size: number };
  // H5T_class_t: 0 integer, 1 float.
  if (meta.type !== 0 && meta.type !== 1) throw new Error(`the weight ${ds.path} is not numeric`);
  if (meta.type === 1 && meta.size === 2)
    throw new Error(
      `the weight ${ds.path} is stored as float16, which the importer cannot read; save the model with float32 weights`,
    );
  const shape = (ds.shape ?? []).map(Number);
  const value = ds.value as unknown;
  let data: Float32Array;
  if (value instanceof Float32Array) data = value;
  else if (typeof value === 'number' || typeof value === 'bigint') data = Float32Array.of(Number(value));
  else if (ArrayBuffer.isView(value)) data = Float32Array.from(value as unknown as ArrayLike<number | bigint>, Number);
  else throw new Error(`the weight ${ds.path} could not be read`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count)
    throw new Error(`the weight ${ds.path} holds ${data.length} values for shape [${shape.join(', ')}]`);
  return { shape, data };
}

/** Bytes a dataset declares (its shape times its element size), from HDF5 metadata alone; and whether filtered. */
function declared(ds: Dataset): { bytes: number; filtered: boolean } {
  const meta = ds.metadata as { size?: number; total_size?: number; shape?: number[] | null };
  const count = Number(meta.total_size ?? (meta.shape ?? []).reduce((a, b) => a * Number(b), 1));
  const chunked = Array.isArray((meta as { chunks?: unknown }).chunks);
  return { bytes: count * Number(meta.size ?? 1), filtered: chunked && ds.filters.length > 0 };
}

/**
 * Checks the weights an HDF5 file declares before any is read: every dataset's declared bytes, summed over the
 * file, must stay within LIMITS.kerasWeightBytes (MODEL_TOO_LARGE), and the uncompressed ones must fit in the
 * file's `length` bytes (else they were declared but never written: HDF5 would hand back gigabytes of fill
 * values; MODEL_WEIGHTS_MISSING). Walks every group (at most 64 deep) reading only metadata.
 */
export function checkDeclaredWeights(file: H5File, length: number, fileName: string): void {
  let total = 0;
  let raw = 0;
  const visit = (g: Group, depth: number): void => {
    if (depth > 64) return;
    for (const key of g.keys()) {
      const child = g.get(key);
      if (isGroup(child)) visit(child, depth + 1);
      if (!isDataset(child)) continue;
      const d = declared(child);
      total += d.bytes;
      if (!d.filtered) raw += d.bytes;
      if (!(total <= LIMITS.kerasWeightBytes)) {
        const what =
          d.bytes > LIMITS.kerasWeightBytes
            ? `a weight of ${formatBytes(d.bytes)} (${child.path})`
            : `${formatBytes(total)} of weights in all (reaching ${child.path})`;
        throw new StudioError(
          'MODEL_TOO_LARGE',
          `${fileName} declares ${what}, more than the ` +
            `${formatBytes(LIMITS.kerasWeightBytes)} LIMITS.kerasWeightBytes allows; open a smaller model, or ` +
            'raise LIMITS.kerasWeightBytes in src/core/limits.ts and rebuild.',
          { bytes: total },
        );
      }
    }
  };
  visit(file, 0);
  if (raw > length) {
    throw new StudioError(
      'MODEL_WEIGHTS_MISSING',
      `${fileName} declares ${formatBytes(raw)} of weights but is only ${formatBytes(length)} long, so its ` +
        "weights were never written (declared but empty); save the model again with model.save('model.keras') " +
        'after building it.',
      { bytes: raw, length },
    );
  }
}

/** Every numeric dataset below `group` (recursively), by path relative to the file root without the leading '/'. */
export function readTensorsBelow(group: Group, out: Map<string, RawTensor>): void {
  for (const key of group.keys()) {
    const child = group.get(key);
    if (isGroup(child)) readTensorsBelow(child, out);
    else if (isDataset(child)) out.set(child.path.replace(/^\//, ''), readTensor(child));
  }
}

function decode(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (v instanceof Uint8Array) return [new TextDecoder().decode(v)];
  if (Array.isArray(v)) return v.flatMap(decode);
  return []; // an empty numeric array: h5py's encoding of an empty list
}

/**
 * A string-list attribute, including Keras' chunked form (`name0`, `name1`, ... when the list exceeds the
 * 64 KiB object header: legacy_h5_format.save_attributes_to_hdf5_group). Missing → [].
 */
export function stringListAttr(obj: Group, name: string): string[] {
  const attrs = obj.attrs;
  if (name in attrs) return decode(attrs[name].value);
  const out: string[] = [];
  // Chunks of a long name list are appended one by one (spreading a chunk would overflow the argument list).
  for (let i = 0; `${name}${i}` in attrs; i++) for (const s of decode(attrs[`${name}${i}`].value)) out.push(s);
  return out;
}

/** A scalar string attribute (fixed-length bytes or variable-length UTF-8), or undefined. */
export function stringAttr(obj: Group, name: string): string | undefined {
  const attrs = obj.attrs;
  if (!(name in attrs)) return undefined;
  const v = decode(attrs[name].value);
  return v.length > 0 ? v.join('') : undefined;
}
