/**
 * The weights' hash in model.json: CTR Studio records the SHA-256 of the weight file it writes, plain tfjs
 * still loads the model.json, and a model.json of one run beside the weight file of another (same shapes, so
 * no size check can tell) is refused with MODEL_WEIGHTS_MISMATCH on every way in: the command line, the
 * studio's loader and the corpus runner's checks; a model.json without the hash loads as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Studio } from '../../../src/app/studio';
import { loadModelPath, NODE_LOADER } from '../../../src/cli/shared/io';
import { isStudioError } from '../../../src/core/errors';
import { parseModelJson } from '../../../src/core/layers/artifacts';
import { sha256Hex } from '../../../src/core/sha256';
import { memoryFile } from '../../../src/formats';
import { tf } from '../../../src/tf/tfjs';
import { CorpusRunner } from '../corpus/runnerClient';
import { quietCli, runCli } from '../../helpers/cli';
import { errorOf } from '../../helpers/errors';

const MODEL = 'public/demo/models/deepfm';
const TEST = 'public/demo/criteo/test.tsv';
const SHARD = 'group1-shard1of1.bin';
const ARGS = ['--model', MODEL, '--train', 'public/demo/criteo/train.tsv', '--test', TEST];
const RANKS = ['--dense-rank', '16', '--embedding-rank', '2'];
const REFUSAL =
  "model.json and group1-shard1of1.bin were not written together (the weights' hash differs from the one " +
  'model.json records); export the model again or use the files from one run.';

let dir: string;
const runner = new CorpusRunner(60_000);
afterAll(() => runner.close());

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A folder holding the given model.json text and weight bytes. */
async function folder(name: string, modelJson: string, shard: Uint8Array): Promise<string> {
  const at = join(dir, name);
  await mkdir(at, { recursive: true });
  await writeFile(join(at, 'model.json'), modelJson);
  await writeFile(join(at, SHARD), shard);
  return at;
}

/** What the corpus runner, the studio's loader and the command line's loader throw (or not) for a folder. */
async function refusals(at: string) {
  const json = await readFile(join(at, 'model.json'), 'utf8');
  const shard = new Uint8Array(await readFile(join(at, SHARD)));
  const studio = await new Studio(NODE_LOADER)
    .openFiles([memoryFile('model.json', new TextEncoder().encode(json)), memoryFile(SHARD, shard)])
    .then(
      () => null,
      (e) => (isStudioError(e) ? { code: e.code, message: e.message } : e),
    );
  const cli = await loadModelPath(at).then(
    ({ model }) => void model.dispose(),
    (e) => (isStudioError(e) ? { code: e.code, message: e.message } : e),
  );
  const checks = await runner.load(json, shard);
  return { studio, cli: cli ?? null, checks };
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'ctr-hash-'));
  for (const method of ['svd', 'afm']) {
    const code = await quietCli(['compress', ...ARGS, ...RANKS, '--method', method, '--out', join(dir, method)]);
    expect(code).toBe(0);
  }
});

describe('the weights hash in model.json', () => {
  it('is SHA-256 as sha256sum prints it', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 70_001]) {
      const bytes = new Uint8Array(randomBytes(n));
      expect(sha256Hex(bytes)).toBe(sha(bytes));
    }
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('is recorded beside weightsManifest, and plain tfjs loads the model.json as it is', async () => {
    const json = JSON.parse(await readFile(join(dir, 'svd', 'model.json'), 'utf8'));
    const shard = new Uint8Array(await readFile(join(dir, 'svd', SHARD)));
    expect(json.weightsSha256).toEqual({ [SHARD]: sha(shard) });
    expect(json.userDefinedMetadata.ctrStudio).not.toHaveProperty('weightsSha256');
    // tf.loadLayersModel reads model.json itself here (its http handler, the files served from memory).
    const served: Record<string, Uint8Array> = {
      'model.json': new TextEncoder().encode(JSON.stringify(json)),
      [SHARD]: shard,
    };
    const fetchFunc: typeof fetch = async (url) => new Response(served[String(url).split('/').pop()!] as BodyInit);
    const model = await tf.loadLayersModel('http://models.invalid/svd/model.json', { fetchFunc });
    expect(model.countParams()).toBe(json.userDefinedMetadata.ctrStudio.compression.paramsAfter);
    model.dispose();
  });

  it('refuses a model.json of one run with the weight file of another, on every way in', async () => {
    const svd = await readFile(join(dir, 'svd', 'model.json'), 'utf8');
    const afmShard = new Uint8Array(await readFile(join(dir, 'afm', SHARD)));
    expect(afmShard.byteLength).toBe((await readFile(join(dir, 'svd', SHARD))).byteLength);
    const mixed = await folder('mixed', svd, afmShard);
    const r = await refusals(mixed);
    // The studio also says which dropped files it refused, and what stays open.
    const refused = `model.json and ${SHARD} were not opened, and no model was opened.`;
    expect(r.studio).toEqual({ code: 'MODEL_WEIGHTS_MISMATCH', message: `${REFUSAL} ${refused}` });
    expect(r.cli).toEqual({ code: 'MODEL_WEIGHTS_MISMATCH', message: REFUSAL });
    expect(r.checks).toMatchObject({ ok: false, studioError: true, code: 'MODEL_WEIGHTS_MISMATCH', message: REFUSAL });
    const cli = await runCli(['evaluate', '--model', mixed, '--data', TEST]);
    expect(cli.code).toBe(1);
    expect(cli.out).toBe('');
    expect(cli.err).toBe(`error: ${REFUSAL}`);
  });

  it('loads a model.json without the hash as before (made elsewhere, or by an older CTR Studio)', async () => {
    const json = JSON.parse(await readFile(join(dir, 'svd', 'model.json'), 'utf8'));
    delete json.weightsSha256;
    const afmShard = new Uint8Array(await readFile(join(dir, 'afm', SHARD)));
    const unchecked = await folder('unchecked', JSON.stringify(json), afmShard);
    const r = await refusals(unchecked);
    expect(r).toMatchObject({ studio: null, cli: null, checks: { ok: true } });
    const cli = await runCli(['evaluate', '--model', unchecked, '--data', TEST]);
    expect(cli.code, cli.err).toBe(0);
    expect(await quietCli(['evaluate', '--model', MODEL, '--data', TEST])).toBe(0);
  });

  it('refuses a hash field that is not file names with SHA-256 digests', () => {
    const e = errorOf(() => parseModelJson(JSON.stringify({ ...minimal(), weightsSha256: { [SHARD]: 'x' } })));
    expect(e.code).toBe('MODEL_MANIFEST_INVALID');
    expect(e.message).toMatch(/^The weightsSha256 of model\.json is not a list of weight files with their SHA-256/);
    const empty = { [SHARD]: sha256Hex(new Uint8Array(0)) };
    expect(parseModelJson(JSON.stringify({ ...minimal(), weightsSha256: empty })).weightsSha256).toEqual(empty);
  });
});

function minimal() {
  return {
    modelTopology: { class_name: 'Functional', config: { name: 'm', layers: [] } },
    weightsManifest: [{ paths: [`./${SHARD}`], weights: [] }],
  };
}
