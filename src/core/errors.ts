/**
 * Typed errors. Every failure a user can cause carries a code from this union and one sentence that says what
 * is wrong and what to do. Pure module: no tfjs, no DOM.
 */
export type ErrorCode =
  // data files
  | 'DATA_EMPTY' // no data rows at all
  | 'DATA_MOSTLY_BAD' // too many rows rejected (wrong column count, bad label, ...)
  | 'DATA_NO_LABEL' // label column missing or not found
  | 'DATA_HEADER' // header unusable (duplicate names, ...)
  | 'DATA_ONE_CLASS' // all labels equal: AUC undefined
  | 'DATA_SCHEMA' // data does not fit what the model or encoding expects
  | 'DATA_NOT_TEXT' // binary, compressed or UTF-16 bytes where a text data file was expected
  | 'DATA_CORRUPT' // a .gz or Parquet data file that is damaged or truncated
  // models
  | 'MODEL_JSON_INVALID' // model.json is not JSON
  | 'MODEL_NOT_LAYERS' // JSON, but not a tfjs layers-model
  | 'MODEL_WEIGHTS_MISSING' // a weight shard named in the manifest is absent
  | 'MODEL_WEIGHTS_SIZE' // a shard is shorter or longer than the manifest says
  | 'MODEL_WEIGHTS_EXTRA' // a dropped weight file the manifest does not name
  | 'MODEL_MANIFEST_INVALID' // weightsManifest malformed: no paths, unknown dtype, bad shape, a name or path twice
  // manifest weights differ from the topology's (missing, extra, shape or dtype), or a weight file's hash differs
  // from the one model.json records (the files of two runs mixed)
  | 'MODEL_WEIGHTS_MISMATCH'
  | 'MODEL_WEIGHTS_NOT_FINITE' // a weight holds NaN or an infinity
  | 'MODEL_TOO_LARGE' // the file declares more parameters, a wider layer or bigger weights than LIMITS allow
  | 'MODEL_ENCODING_MISMATCH' // the stored feature encoding cannot feed the model's inputs
  | 'MODEL_UNKNOWN_LAYER' // a layer class tfjs and this project do not know
  | 'MODEL_NO_ENCODING' // no fitted feature encoding in userDefinedMetadata
  | 'MODEL_LOAD' // tfjs refused the model for another reason
  | 'MODEL_METADATA_INVALID' // CTR Studio's metadata in the model (recipe, encoding) is damaged
  | 'ARCHIVE_INVALID' // a .zip damaged, encrypted, over its LIMITS (core/limits.ts), empty, or holding a name twice
  // command line and settings
  | 'USAGE' // bad command-line usage
  | 'FILE_NOT_FOUND'
  | 'INVALID_ARGUMENT'
  // engine
  | 'CANCELLED'
  | 'WORKER_DIED' // the compute worker stopped; the studio restarted it
  | 'INTERNAL';

/** An error a user can act on: `message` is the one sentence shown to them. */
export class StudioError extends Error {
  readonly code: ErrorCode;
  /** Optional structured detail for reports and logs (never needed to understand the message). */
  readonly detail?: unknown;
  constructor(code: ErrorCode, message: string, detail?: unknown) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
    this.detail = detail;
  }
}

export function isStudioError(e: unknown): e is StudioError {
  return (
    e instanceof StudioError || (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'StudioError')
  );
}

/** Control characters and the marks that reorder text (a U+202E in a name would reverse the rest of a sentence). */
function isUnsafe(c: number): boolean {
  return (
    c < 0x20 ||
    (c >= 0x7f && c <= 0x9f) ||
    c === 0x61c ||
    c === 0x200e ||
    c === 0x200f ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069)
  );
}
/** A run of this many characters without a space (a name from a file) is cut in the middle. */
const LONGEST_WORD = 120;
/** Longest message shown. */
const LONGEST_MESSAGE = 2000;

/**
 * A sentence that quotes names from a user's files, made safe to show: control and direction-changing characters
 * escaped as \u{…}, very long names cut in the middle, the whole bounded in length.
 */
export function displayText(text: string): string {
  // Long names first (cheap on a megabyte of text), then the characters of what is left.
  const cut = text.replace(
    new RegExp(`\\S{${LONGEST_WORD},}`, 'g'),
    (w) => `${w.slice(0, 60)}…(${w.length} characters)…${w.slice(-20)}`,
  );
  let escaped = '';
  for (const ch of cut.length > LONGEST_MESSAGE ? `${cut.slice(0, LONGEST_MESSAGE - 1)}…` : cut) {
    const c = ch.codePointAt(0)!;
    escaped += isUnsafe(c) ? `\\u{${c.toString(16).toUpperCase()}}` : ch;
  }
  return escaped;
}

/**
 * A plain, serialisable view of any thrown value, safe to show (see {@link displayText}): StudioErrors keep their
 * code; anything else is INTERNAL.
 */
export function describeError(e: unknown): { code: ErrorCode; message: string } {
  if (isStudioError(e)) return { code: e.code, message: displayText(e.message) };
  const text = e instanceof Error ? e.message : String(e);
  return {
    code: 'INTERNAL',
    message: displayText(`Unexpected internal error: ${text}. Please report it with the files that caused it.`),
  };
}
