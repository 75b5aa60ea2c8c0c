/**
 * Runs corpus cases in a worker thread (started by runner-entry.mjs), so that a case that never returns,
 * even one stuck in a synchronous loop inside tfjs, can be stopped by terminating the thread and reported
 * as a hang. Two paths: the command line (main() in-process, its output captured) and the studio's loader
 * logic (expandZips, sortDrop, parseModelJson, assembleArtifacts, loadModelFromArtifacts; readDataset from a
 * Blob stream, encodeBatch, scoring). Answers are plain data; the test file makes the assertions.
 */
import { parentPort } from 'node:worker_threads';
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { main } from '../../../src/cli/main';
import { parseArgs } from '../../../src/cli/shared/args';
import { evaluateCommand } from '../../../src/cli/commands/evaluate';
import { trainCommand } from '../../../src/cli/commands/train';
import { loadStudioModel, NODE_LOADER, type LoadedModel } from '../../../src/cli/shared/io';
import { Studio } from '../../../src/app/studio';
import { dataSourceOf } from '../../../src/app/workspace';
import { pathFile } from '../../../src/node/files';
import { describeError, isStudioError, StudioError } from '../../../src/core/errors';
import {
  encodeBatch,
  overridesForEncoding,
  readDataset,
  schemaFieldNames,
  type ByteSource,
  type FeatureEncoding,
} from '../../../src/core/data';
import { assembleArtifacts, parseModelJson } from '../../../src/core/layers/artifacts';
import { sortDrop } from '../../../src/formats/tfjs/sortDrop';
import { isZipName, memoryFile } from '../../../src/formats';
import { expandZips } from '../../../src/formats/zip';
import { readMetadata } from '../../../src/core/model/metadata';
import { auc } from '../../../src/core/metrics';
import { useBackend } from '../../../src/tf/backend';
import type { TfjsModel } from '../../../src/tf/runnable';
import { loadModelFromArtifacts } from '../../../src/tf/modelio';
import { predictProbs } from '../../../src/tf/predict';
import type { LayersModel } from '../../../src/tf/tfjs';
import {
  caseFiles,
  casePath,
  CORPUS_DIR,
  DEFAULT_MODEL_DATA,
  DEMO_MODEL,
  type CorpusCase,
} from '../../fixtures/corpus/cases';

/** What the command line did: exit code, output, and the error the command threw (main() shows only its sentence). */
export interface CliAnswer {
  argv: string[];
  code: number;
  out: string;
  err: string;
  thrown: { code: string; message: string } | null;
}

/** What the studio's loader did: a summary of the success, or the error (and whether it was a StudioError). */
export type StudioAnswer =
  | { ok: true; rows?: number; badRows?: number; auc?: number; params?: number; cells?: Record<string, string[]> }
  | { ok: false; studioError: boolean; code: string; message: string };

export type Request =
  | { seq: number; path: 'cli' | 'studio'; c: CorpusCase }
  | { seq: number; path: 'load'; modelJson: string; shard: Uint8Array };
export type Reply = { seq: number; answer?: CliAnswer | StudioAnswer; crash?: string };

let tmp: string | null = null;
let demo: LoadedModel | null = null;

async function captured<T>(f: () => Promise<T>): Promise<{ value: T; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    return { value: await f(), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

/** The CLI's argv for a case (a model's files copied into a fresh folder, as a user keeps them). */
export async function cliArgs(c: CorpusCase): Promise<string[]> {
  tmp ??= await mkdtemp(join(tmpdir(), 'ctr-corpus-'));
  if (c.kind === 'data') {
    const data = casePath(c, c.files[0]);
    if (c.command === 'train')
      return ['train', '--model', 'lr', '--train', data, '--out', join(tmp, `${c.id}-out`), '--epochs', '1', '--quiet'];
    return ['evaluate', '--model', DEMO_MODEL, '--data', data];
  }
  const dir = join(tmp, c.id);
  await mkdir(dir, { recursive: true });
  for (const f of c.files) await copyFile(casePath(c, f), join(dir, basename(f)));
  const names = c.files.map((f) => basename(f));
  const named =
    names.find((f) => f.endsWith('.json')) ?? names.find((f) => isZipName(f) || /\.(onnx|h5|keras)$/i.test(f));
  return [
    'evaluate',
    '--model',
    named ? join(dir, named) : dir,
    '--data',
    join(CORPUS_DIR, c.data ?? DEFAULT_MODEL_DATA),
  ];
}

async function runCli(c: CorpusCase): Promise<CliAnswer> {
  const argv = await cliArgs(c);
  const r = await captured(() => main(argv));
  let thrown: CliAnswer['thrown'] = null;
  if (r.value !== 0) {
    const command = argv[0] === 'train' ? trainCommand : evaluateCommand;
    thrown = (
      await captured(() =>
        command.run(parseArgs(command.def, argv.slice(1))).then(
          () => null,
          (e) => describeError(e),
        ),
      )
    ).value;
  }
  return { argv, code: r.value, out: r.out, err: r.err, thrown };
}

/** Scores rows the way the studio's worker does: bytes as a Blob stream, the model's encoding, its predictions. */
async function studioScore(model: LayersModel, encoding: FeatureEncoding, bytes: Uint8Array) {
  const source = new Blob([bytes as BlobPart]).stream() as unknown as ByteSource;
  const read = await readDataset(source, { overrides: overridesForEncoding(encoding) });
  const encoded = encodeBatch(encoding, read.batch, read.schema);
  const probs = await predictProbs(model, encoding, encoded);
  return { read, rows: encoded.rows, auc: Number(auc(encoded.labels, probs).toFixed(6)) };
}

/** A drop with every .zip replaced by the files it holds, as the worker's openFiles does (expandZips). */
async function unzipped(files: { name: string; bytes: Uint8Array }[]): Promise<{ name: string; bytes: Uint8Array }[]> {
  if (!files.some((f) => isZipName(f.name))) return files;
  const expanded = await expandZips(files.map((f) => memoryFile(f.name, f.bytes)));
  return Promise.all(expanded.map(async (f) => ({ name: f.name, bytes: await f.bytes() })));
}

async function studioPath(c: CorpusCase): Promise<StudioAnswer> {
  const files = c.kind === 'model' ? await unzipped(caseFiles(c)) : caseFiles(c);
  if (c.kind === 'data') {
    demo ??= await loadStudioModel(DEMO_MODEL);
    const s = await studioScore((demo.model as TfjsModel).net, demo.meta.encoding, files[0].bytes);
    const names = schemaFieldNames(s.read.schema).categorical;
    const cells = Object.fromEntries(names.map((n, j) => [n, s.read.batch.categorical[j].slice(0, 8)]));
    return { ok: true, rows: s.read.batch.rows, badRows: s.read.report.badRows, auc: s.auc, cells };
  }
  // A drop without a model.json (ONNX, Keras) is opened by the studio's application layer, as the worker does.
  if (!files.some((f) => f.name.toLowerCase().endsWith('.json'))) {
    const studio = new Studio(NODE_LOADER);
    const data = join(CORPUS_DIR, c.data ?? DEFAULT_MODEL_DATA);
    const opened = await studio.openFiles(files.map((f) => memoryFile(f.name, f.bytes)));
    // The rows as the train and the test file, so that every row is scored (one dropped file would be split).
    for (const role of ['train', 'test'] as const) await studio.openData(role, dataSourceOf(pathFile(data)));
    const base = await studio.baseline();
    return { ok: true, params: opened.model?.params, rows: base.rows, auc: Number(base.auc.toFixed(6)) };
  }
  // As src/ui/files.ts and src/engine/session.ts loadModel: sort the drop, check it, assemble, load, score.
  const withText = files.map((f) => ({
    ...f,
    text: f.name.toLowerCase().endsWith('.json') ? new TextDecoder().decode(f.bytes) : undefined,
  }));
  const drop = sortDrop(withText);
  if (!drop.modelJson)
    throw new StudioError(
      'MODEL_NOT_LAYERS',
      'No model.json among the dropped files; drop the model.json together with its weight files.',
    );
  if (drop.data.length > 0) throw new Error(`the drop sorted ${drop.data.map((f) => f.name).join(', ')} as data`);
  const weights = new Map(drop.shards.map((s) => [s.name, s.bytes.slice().buffer as ArrayBuffer]));
  const artifacts = assembleArtifacts(
    parseModelJson(drop.modelJson.text!, drop.modelJson.name),
    weights,
    drop.modelJson.name,
  );
  const model = await loadModelFromArtifacts(artifacts, drop.modelJson.name);
  try {
    const meta = readMetadata(artifacts.userDefinedMetadata);
    const params = model.countParams();
    if (!meta) return { ok: true, params };
    const bytes = caseFiles({ ...c, generate: undefined, files: [c.data ?? DEFAULT_MODEL_DATA] })[0].bytes;
    const s = await studioScore(model, meta.encoding, bytes);
    return { ok: true, params, rows: s.rows, auc: s.auc };
  } finally {
    model.dispose();
  }
}

/** The studio's checks and tfjs load of one model.json and its single shard (for the fuzz test). */
async function loadPath(modelJson: string, shard: Uint8Array): Promise<StudioAnswer> {
  const drop = sortDrop([{ name: 'model.json', text: modelJson }, { name: 'group1-shard1of1.bin' }]);
  const json = parseModelJson(drop.modelJson!.text!, 'model.json');
  const artifacts = assembleArtifacts(
    json,
    new Map(drop.shards.map((f) => [f.name, shard.slice().buffer as ArrayBuffer])),
    'model.json',
  );
  const model = await loadModelFromArtifacts(artifacts, 'model.json');
  const params = model.countParams();
  model.dispose();
  return { ok: true, params };
}

async function answer(req: Request): Promise<Reply> {
  await useBackend('wasm'); // what the CLI and the studio's worker start before loading anything
  if (req.path === 'cli') return { seq: req.seq, answer: await runCli(req.c) };
  try {
    return {
      seq: req.seq,
      answer: req.path === 'load' ? await loadPath(req.modelJson, req.shard) : await studioPath(req.c),
    };
  } catch (e) {
    return {
      seq: req.seq,
      answer: {
        ok: false,
        studioError: isStudioError(e),
        ...describeError(e),
        ...(isStudioError(e) ? {} : { message: String((e as Error)?.stack ?? e) }),
      },
    };
  }
}

parentPort?.on('message', (req: Request) => {
  answer(req).then(
    (reply) => parentPort!.postMessage(reply),
    (e) => parentPort!.postMessage({ seq: req.seq, crash: String((e as Error)?.stack ?? e) } satisfies Reply),
  );
});
