/** Helpers for the data-pipeline tests: chunked byte sources and error expectations. */
import { expect } from 'vitest';
import { isStudioError, type ErrorCode } from '../../../src/core/errors';

export const CRITEO_TSV = new URL('../../../public/demo/criteo/train.tsv', import.meta.url).pathname;
export const CRITEO_CSV200 = '/work/shared/data/criteo_dac_head10k/criteo_sample_deepctr200.csv';

/** Bytes split at the given cut positions, as an async iterable of chunks. */
export async function* chunked(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    yield bytes.subarray(start, c);
    start = c;
  }
  yield bytes.subarray(start);
}

/** Bytes in chunks of `size` bytes. */
export async function* fixedChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export const utf8 = (s: string) => new TextEncoder().encode(s);

/** Collects an async iterable. */
export async function collectAll<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Runs fn and returns the StudioError it throws (fails the test when it throws nothing or something else). */
export async function studioError(fn: () => unknown, code: ErrorCode): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    expect(isStudioError(e), String(e)).toBe(true);
    expect((e as { code: string }).code, (e as Error).message).toBe(code);
    return e as Error;
  }
  throw new Error(`expected a StudioError ${code}, but nothing was thrown`);
}
