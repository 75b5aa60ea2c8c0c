/**
 * Resource limits on what a user's files may make CTR Studio allocate, in one place. Each is checked before the
 * memory is taken, from what the file declares, so a hostile file is refused with one sentence instead of
 * exhausting the browser tab or the command line's memory. To raise one, change its number here (the studio
 * and the command line both read this object) and rebuild; the README's "Reliability and security" section
 * lists them. Pure module: no DOM, no Node imports.
 */

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const LIMITS = {
  /**
   * Largest file one .zip entry may unzip to. Protects against one entry that declares (or inflates to) more
   * than a tab can hold as one buffer. The largest model the studio is meant for has a few hundred MB of
   * float32 weights, and a single .onnx or .keras file holds them all; 1 GiB leaves room for that and stays
   * under the size browsers allow for one ArrayBuffer.
   */
  zipEntryBytes: 1 * GiB,
  /**
   * Largest total the .zip files given at once may unzip to (every entry that is read, summed over the
   * archives of one drop or command). Protects against archives of many entries each under the per-entry
   * limit. 2 GiB leaves room for the largest model the studio is meant for with zipped data files beside it
   * (the ONNX copy in the studio's "Download all" is not unzipped), and is about what a browser worker can hold
   * while it also loads the model (the unzipped bytes and the runtime's copy of the weights are held at once).
   */
  zipTotalBytes: 2 * GiB,
  /**
   * Most entries one .zip may list. Protects against a central directory of millions of tiny entries (each
   * costs an object before any is read). A model is a handful of files; tfjs's 4 MB shards of a 2 GiB model
   * are 512.
   */
  zipEntries: 10_000,
  /**
   * Largest declared ratio of uncompressed to compressed size, for entries above {@link LIMITS.zipRatioFrom}.
   * Protects against zip bombs: deflate cannot exceed about 1032:1, so an entry declaring more than 1000:1 is
   * almost entirely one repeated byte, which no model or data file is (float weights compress barely, text
   * 5-20:1). Raise it, or zipRatioFrom, to open a zip of a model whose weights are nearly all zero.
   */
  zipMaxRatio: 1000,
  /**
   * Entries up to this size skip the ratio check: tfjs writes weights in 4 MB shards, and a small shard of
   * zeros (an untrained bias or embedding) may compress that well without being a bomb.
   */
  zipRatioFrom: 16 * MiB,
  /**
   * Most parameters a layers-model's topology may declare (summed over its layers, as model.json or a Keras
   * config sizes them). Protects against a small model.json whose layer sizes make tfjs allocate gigabytes of
   * weights before any weight file is read. 2^28 float32 values are 1 GiB, the largest model the studio is
   * meant for; raise it (and zipEntryBytes) to open a bigger one.
   */
  modelParams: 2 ** 28,
  /**
   * Most values one layer's output (or a model input) may hold per row: the product of its sizes past the batch
   * dimension. Protects against a layer or input declared millions wide, which every batch scored or trained
   * would allocate. CTR models are at most a few hundred thousand wide (a one-hot wide part); 2^22 values are
   * 16 MiB per row. Raise it to open a model with a wider layer.
   */
  layerWidth: 2 ** 22,
  /**
   * Most bytes the weights (HDF5 datasets) of one Keras .h5 or .keras file may declare, all together. Checked from
   * the HDF5 metadata before any weight is read; protects against a small file whose metadata declare datasets
   * of gigabytes, which would be read (or zero-filled) in full. Same as zipEntryBytes, the largest model file the
   * studio opens; raise both together.
   */
  kerasWeightBytes: 1 * GiB,
  /**
   * Deepest nesting of ONNX subgraphs (If / Loop / Scan bodies inside bodies) read from a .onnx file. Protects
   * the reader, which descends one call level per subgraph, from a file nesting them thousands deep (it would
   * overflow the call stack). Exported models nest a few levels; raise it for a file that nests more.
   */
  onnxSubgraphDepth: 64,
  /**
   * Longest chain of layers (calls one after another) in one layers model, nested models counted apart.
   * Protects tfjs, which orders a model's layers by recursion, one call level per layer, and overflows the
   * call stack somewhere between 4,000 and 6,000 layers in Node (less in some browsers). CTR models are a few
   * dozen layers deep. Raising it past about 4,000 gives tfjs's stack overflow instead of this sentence.
   */
  layerDepth: 2048,
  /**
   * Deepest nesting of models inside models (a tower inside a tower ...) in a layers model or a Keras file.
   * Protects the readers, which descend one call level per nested model, from a file nesting them thousands
   * deep. Two-tower and DeepCTR models nest two or three levels.
   */
  modelNesting: 16,
} as const;

/** A byte count as people read it: "512 B", "3 MiB", "4.5 GiB" (binary units, as the limits are set). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}
