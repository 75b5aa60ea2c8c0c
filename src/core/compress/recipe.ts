/**
 * The compression recipe a compressed model carries (in its metadata, as plain JSON): how it was made,
 * enough to make it again and to judge it. Built in one place (buildRecipe) by the studio and the command
 * line alike, and checked when a model is opened (readRecipe).
 */
import { StudioError } from '../errors';
import type { ResolvedLayer, UniformPlan } from './plan';

export interface CompressionRecipe {
  /** Version of this layout. */
  format: 1;
  /** The plan's method id, and the method each factored layer really got (data-free stand-ins differ). */
  method: string;
  methods: Record<string, string>;
  denseRank: number | null;
  embeddingRank: number | null;
  /** Rank of each factored layer. */
  ranks: Record<string, number>;
  statistics: 'one-pass' | 'sequential';
  activation: boolean;
  /** Embedding up-projections folded into the Dense layers that read them. */
  fused: number;
  /** No rows: Dense layers from their weights, tables with `idFrequencies` ('uniform' or a file). */
  dataFree: boolean;
  idFrequencies?: string;
  /** Rows the statistics were computed from (0 without statistics). */
  calibrationRows: number;
  /** Seed of the calibration sample; null when every training row was used (nothing was sampled). */
  seed: number | null;
  /** Parameter budget the ranks were chosen for, or null. */
  budget: number | null;
  fineTune: { epochs: number; learningRate: number; batchSize: number; bestEpoch: number } | null;
  quantization: 'none' | 'float16' | 'uint8';
  aucBefore: number | null;
  aucAfter: number | null;
  testRows: number;
  paramsBefore: number;
  paramsAfter: number;
  /** The original model's file name. */
  source: string;
  studioVersion: string;
  createdAt: string;
}

/** What a compression did, the recipe's fields that are not derived from the plan and the resolved layers. */
export type RecipeInput = Pick<
  CompressionRecipe,
  | 'fused'
  | 'dataFree'
  | 'idFrequencies'
  | 'calibrationRows'
  | 'seed'
  | 'aucBefore'
  | 'aucAfter'
  | 'testRows'
  | 'paramsBefore'
  | 'paramsAfter'
  | 'source'
  | 'studioVersion'
> &
  Partial<Pick<CompressionRecipe, 'budget' | 'fineTune' | 'quantization'>> & {
    plan: UniformPlan;
    resolved: ResolvedLayer[];
  };

/** The recipe of a compression, from what was done. */
export function buildRecipe(r: RecipeInput): CompressionRecipe {
  const factored = r.resolved.filter((p) => p.method !== 'keep');
  return {
    format: 1,
    method: r.plan.method,
    methods: Object.fromEntries(factored.map((p) => [p.layer, p.method])),
    denseRank: r.plan.denseRank,
    embeddingRank: r.plan.embeddingRank,
    ranks: Object.fromEntries(factored.map((p) => [p.layer, p.rank!])),
    statistics: r.plan.statistics ?? 'one-pass',
    activation: Boolean(r.plan.activation),
    fused: r.fused,
    dataFree: r.dataFree,
    ...(r.idFrequencies ? { idFrequencies: r.idFrequencies } : {}),
    calibrationRows: r.dataFree ? 0 : r.calibrationRows,
    seed: r.seed,
    budget: r.budget ?? null,
    fineTune: r.fineTune ?? null,
    quantization: r.quantization ?? 'none',
    aucBefore: r.aucBefore,
    aucAfter: r.aucAfter,
    testRows: r.testRows,
    paramsBefore: r.paramsBefore,
    paramsAfter: r.paramsAfter,
    source: r.source,
    studioVersion: r.studioVersion,
    createdAt: new Date().toISOString(),
  };
}

type Check = (v: unknown) => boolean;
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const numOrNull: Check = (v) => v === null || num(v);
const str: Check = (v) => typeof v === 'string';
const bool: Check = (v) => typeof v === 'boolean';
const record =
  (inner: Check): Check =>
  (v) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(inner);

const FIELDS: Record<string, Check> = {
  method: str,
  methods: record(str),
  denseRank: numOrNull,
  embeddingRank: numOrNull,
  ranks: record(num),
  statistics: (v) => v === 'one-pass' || v === 'sequential',
  activation: bool,
  dataFree: bool,
  calibrationRows: num,
  seed: numOrNull,
  quantization: (v) => v === 'none' || v === 'float16' || v === 'uint8',
  aucBefore: numOrNull,
  aucAfter: numOrNull,
  paramsBefore: num,
  paramsAfter: num,
  source: str,
  studioVersion: str,
};

/**
 * A recipe read from a model's metadata: null when there is none (or it predates this layout); a recipe
 * whose fields do not hold what they should is one sentence naming the field (the file was edited or
 * damaged).
 */
export function readRecipe(value: unknown, fileName: string): CompressionRecipe | null {
  if (value === undefined || value === null) return null;
  const bad = (field: string) =>
    new StudioError(
      'MODEL_METADATA_INVALID',
      `The compression recipe in ${fileName} is damaged (its "${field}" field); export the model again.`,
    );
  if (typeof value !== 'object' || Array.isArray(value)) throw bad('compression');
  const r = value as Record<string, unknown>;
  if (r.format === undefined) return null; // written before recipes had a layout: shown as it is, not used
  if (r.format !== 1) throw bad('format');
  for (const [field, ok] of Object.entries(FIELDS)) if (!ok(r[field])) throw bad(field);
  return { format: 1, fused: 0, budget: null, fineTune: null, testRows: 0, createdAt: '', ...r } as CompressionRecipe;
}
