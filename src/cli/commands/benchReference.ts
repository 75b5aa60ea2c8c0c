/**
 * The NumPy/LAPACK reference run by `ctr-studio bench` (scripts/reference/afm_numpy.py): the same pipeline on
 * the same model, rows and plan, timed by NumPy, so every bench prints each stage's ratio to it from one run.
 * It needs `python3` with NumPy; without them it is skipped with a note. The model's inputs and weights go to
 * a temporary folder, removed afterwards.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunnableModel } from '../../app/runtime';
import type { Compressor } from '../../core/compress/compressor';
import { covariance } from '../../core/linalg';
import { getMethod } from '../../core/compress/methods';
import type { UniformPlan } from '../../core/compress/plan';
import type { EncodedBatch, FeatureEncoding } from '../../core/data';
import { referenceDump } from '../../tf/referenceDump';
import type { TfjsModel } from '../../tf/runnable';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../scripts/reference/afm_numpy.py');

/** What the reference printed (medians in ms), or why it did not run. */
export interface ReferenceResult {
  numpy?: string;
  threads?: number;
  ms?: { statistics: number; decomposition: number; slicing: number; total: number };
  eig400Ms?: number;
  eig1024Ms?: number;
  /** Per layer: covariance trace and top eigenvalue as NumPy found them. */
  check?: Record<string, { trace?: number; top: number }>;
  skipped?: string;
}

/** True when `python3` runs and imports NumPy. */
function hasNumpy(): boolean {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** The compressible layers with the rank decomposeAll computes and the plan's rank (null: kept). */
function layerList(c: Compressor, plan: UniformPlan) {
  const method = getMethod(plan.method);
  const ranks = new Map(c.uniformPlan(plan).map((p) => [p.layer, p.method === 'keep' ? null : p.rank]));
  const dense = [];
  const tables = [];
  for (const l of c.compressible) {
    const width = l.kind === 'dense' ? method.denseWidth(l.shape.dIn, l.shape.dOut) : l.shape.dim;
    const common = { name: l.name, maxRank: Math.min(width, l.breakEvenRank), rank: ranks.get(l.name) ?? null };
    if (l.kind === 'dense') dense.push({ ...common, dIn: l.shape.dIn, dOut: l.shape.dOut });
    else tables.push({ ...common, vocab: l.shape.vocab, dim: l.shape.dim });
  }
  return { dense, tables };
}

/** Runs the reference on the model (tfjs models only), or says why not. */
export async function runReference(
  model: RunnableModel,
  compressor: Compressor,
  encoding: FeatureEncoding,
  calibration: EncodedBatch,
  plan: UniformPlan,
  runs: number,
  threads?: number,
): Promise<ReferenceResult> {
  if (!hasNumpy()) return { skipped: 'python3 with NumPy was not found, so there is no reference to compare with' };
  if (model.format !== 'tfjs') return { skipped: `the reference reads tfjs models, this one is ${model.format}` };
  const tfjs = model as unknown as TfjsModel;
  const dump = referenceDump(tfjs.net, tfjs.artifacts, encoding, calibration, {
    runs,
    batchSize: 2048,
    ...layerList(compressor, plan),
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'ctr-studio-reference-'));
  try {
    await writeFile(path.join(dir, 'index.json'), JSON.stringify(dump.index));
    for (const f of dump.files) await writeFile(path.join(dir, f.file), f.bytes);
    const t = threads === undefined ? {} : String(threads);
    const env =
      typeof t === 'string'
        ? { ...process.env, OPENBLAS_NUM_THREADS: t, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t }
        : process.env;
    const out = await new Promise<string>((resolve, reject) =>
      execFile('python3', [SCRIPT, dir], { maxBuffer: 1 << 24, timeout: 600_000, env }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    return JSON.parse(out) as ReferenceResult;
  } catch (e) {
    return { skipped: `the reference failed: ${(e as Error).message.split('\n').slice(0, 3).join(' ')}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Largest relative difference between our statistics and decompositions and the reference's (covariance
 * trace of each Dense layer's inputs, top eigenvalue of each layer): both sides computed the same things.
 */
export function agreement(compressor: Compressor, ref: ReferenceResult, methodId: string): number | null {
  if (!ref.check || !compressor.statistics) return null;
  let worst = 0;
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);
  for (const [name, want] of Object.entries(ref.check)) {
    const m = compressor.statistics.denseInputs.get(name);
    if (m && want.trace !== undefined) {
      const c = covariance(m);
      let trace = 0;
      for (let i = 0; i < m.dim; i++) trace += c[i * m.dim + i];
      worst = Math.max(worst, rel(trace, want.trace));
    }
    const d = compressor.decomposition(name, compressor.methodFor(methodId, m ? 'dense' : 'embedding').id);
    worst = Math.max(worst, rel(d.spectrum[0], Math.max(0, want.top)));
  }
  return worst;
}
