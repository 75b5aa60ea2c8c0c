/**
 * The registry of compression methods: the one list the engine, the studio, the URL, the charts, the command
 * line and the reports read. To add a method, write its file in this folder (see ./types.ts) and list it here.
 */
import { StudioError } from '../../errors';
import { afm } from './afm';
import { fisherAfm } from './fisherAfm';
import { fisherSvd } from './fisherSvd';
import { svd } from './svd';
import type { CompressionMethod, StatisticsKind } from './types';

export type { CompressionMethod, StatisticsKind, DenseReplacement } from './types';

/** Every method, in the order they are offered; the first is the default. */
export const METHODS: readonly CompressionMethod[] = [afm, svd, fisherSvd, fisherAfm];

export const DEFAULT_METHOD: CompressionMethod = METHODS[0];

/** A method's id as plans and files carry it. */
export type MethodId = string;

export const methodIds = (): string[] => METHODS.map((m) => m.id);

export const isMethodId = (id: unknown): boolean => typeof id === 'string' && METHODS.some((m) => m.id === id);

/** The method with this id; anything else is one sentence listing the ids. */
export function getMethod(id: string): CompressionMethod {
  const m = METHODS.find((x) => x.id === id);
  if (!m)
    throw new StudioError(
      'INVALID_ARGUMENT',
      `"${id}" is not a compression method; use one of ${methodIds().join(', ')}.`,
    );
  return m;
}

/**
 * Without rows, a layer kind the plan's method cannot factor data-free is factored by the first method that
 * can (a Dense layer's outputs cannot be looked at without rows: its weights are factored instead).
 */
export function dataFreeMethod(id: string, kind: 'dense' | 'embedding'): CompressionMethod {
  const key = kind === 'dense' ? 'dense' : 'table';
  const m = getMethod(id);
  return m.dataFree[key] ? m : (METHODS.find((x) => x.dataFree[key]) ?? m);
}

/** The statistics a set of methods need from rows. */
export function statisticsNeeded(ids: readonly string[]): Set<StatisticsKind> {
  const out = new Set<StatisticsKind>();
  for (const id of ids) {
    const needs = getMethod(id).needs;
    if (needs) out.add(needs);
  }
  return out;
}

// ---- sweep series: a method, or a method with sequential statistics -----------------------------------

const SEQUENTIAL_SUFFIX = '-seq';

/** One line of a sweep chart: a method, optionally with sequential statistics. */
export interface Series {
  id: string;
  method: CompressionMethod;
  sequential: boolean;
  label: string;
  color: string;
}

/** Every series a sweep can draw. */
export function allSeries(): Series[] {
  return METHODS.flatMap((m) => [seriesOf(m.id), ...(m.sequential ? [seriesOf(m.id + SEQUENTIAL_SUFFIX)] : [])]);
}

/** The series with this id (a method id, or a method id with "-seq"); anything else is one sentence. */
export function seriesOf(id: string): Series {
  const sequential = !isMethodId(id) && id.endsWith(SEQUENTIAL_SUFFIX);
  const method = getMethodForSeries(sequential ? id.slice(0, -SEQUENTIAL_SUFFIX.length) : id);
  if (sequential && !method.sequential) {
    throw new StudioError('INVALID_ARGUMENT', `${method.label} has no sequential variant; use ${method.id}.`);
  }
  return {
    id,
    method,
    sequential,
    label: sequential ? `${method.label}, sequential` : method.label,
    color: sequential ? shade(method.color) : method.color,
  };
}

/** The series of a method, with or without sequential statistics. */
export const seriesId = (method: string, sequential: boolean): string =>
  sequential ? method + SEQUENTIAL_SUFFIX : method;

function getMethodForSeries(id: string): CompressionMethod {
  const m = METHODS.find((x) => x.id === id);
  if (!m) {
    const ids = allSeries().map((s) => s.id);
    throw new StudioError('INVALID_ARGUMENT', `"${id}" is not a sweep series; use one of ${ids.join(', ')}.`);
  }
  return m;
}

/** A darker, purple-shifted colour for a method's sequential line. */
function shade(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const r = Math.round(((n >> 16) & 255) * 0.6 + 0.4 * 124);
  const g = Math.round(((n >> 8) & 255) * 0.6 + 0.4 * 58);
  const b = Math.round((n & 255) * 0.6 + 0.4 * 237);
  return `#${((r << 16) | (g << 8) | b).toString(16).padStart(6, '0')}`;
}
