/**
 * Size guards a hostile model file must not get past, each file built in the test (nothing large committed): a
 * model.json whose layer sizes tfjs reads under another spelling (`units_`) or whose InputLayer is declared
 * billions wide, refused before tfjs allocates anything (resident memory measured); an HDF5 file declaring a
 * weight of gigabytes, or weights it never wrote, refused from its metadata before any weight is read; a .keras
 * archive with a corrupted CRC-32 refused by the bounded zip reader; ordinary Keras files still open.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf/tfjs';
import { loadModelFromArtifacts, saveModelToArtifacts } from '../../../src/tf/modelio';
import { readKerasFile } from '../../../src/formats/keras/readKeras';
import type { ModelArtifacts } from '../../../src/core/layers/artifacts';
import { isStudioError } from '../../../src/core/errors';
import { LIMITS } from '../../../src/core/limits';
import { checkDeclaredSizes } from '../../../src/core/layers/sizeCheck';
import { checkTopologyGraph } from '../../../src/core/layers/graphCheck';
import { convertKeras3 } from '../../../src/formats/keras/convert';
import { errorOf } from '../../helpers/errors';
import { randomWeights, type ModelDesc } from '../../fixtures/keras/build';
import { h5Declaring as h5Files } from '../../fixtures/corpus/generated';
import { kerasArchive, legacyH5 } from '../../fixtures/keras/files';
import { MLP } from '../../fixtures/keras/models';

const MiB = 1024 * 1024;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function refusal(f: () => Promise<unknown>): Promise<{ code: string; message: string; rssMiB: number }> {
  const before = process.memoryUsage().rss;
  try {
    await f();
  } catch (e) {
    if (!isStudioError(e)) throw e;
    const rssMiB = (process.memoryUsage().rss - before) / MiB;
    if (process.env.SIZE_GUARDS_LOG) process.stdout.write(`${e.code} ${rssMiB.toFixed(1)} MiB: ${e.message}\n`);
    return { code: e.code, message: e.message, rssMiB };
  }
  throw new Error('expected a StudioError');
}

/** A small real model's artifacts (Input 4 → Dense 3 → Dense 1). */
async function smallArtifacts(): Promise<ModelArtifacts> {
  const input = tf.input({ shape: [4], name: 'x' });
  const h = tf.layers.dense({ units: 3, name: 'hidden' }).apply(input) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, name: 'out' }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  const a = await saveModelToArtifacts(model);
  model.dispose();
  return a;
}

type Layer = { class_name: string; config: Record<string, unknown> };
const layersOf = (a: ModelArtifacts) =>
  ((a.modelTopology.model_config ?? a.modelTopology) as { config: { layers: Layer[] } }).config.layers;

describe('model.json sizes read the way tfjs reads them', () => {
  it('refuses units_ of 2 000 000 000 (tfjs reads it as units) before tfjs allocates', async () => {
    const a = await smallArtifacts();
    const dense = layersOf(a).find((l) => l.config.name === 'hidden')!;
    delete dense.config.units;
    dense.config.units_ = 2_000_000_000;
    const r = await refusal(() => loadModelFromArtifacts(a, 'model.json'));
    expect(r.code).toMatch(/MODEL_TOO_LARGE|MODEL_WEIGHTS_MISMATCH/);
    expect(r.message).toMatch(/hidden.*2000000000|hidden.*2,000,000,000/);
    expect(r.rssMiB).toBeLessThan(512);
  });

  it('refuses a model input declared billions wide, naming the layer and the number', async () => {
    const a = await smallArtifacts();
    const input = layersOf(a).find((l) => l.class_name === 'InputLayer')!;
    input.config.batch_input_shape = [null, 100_000, 100_000];
    const r = await refusal(() => loadModelFromArtifacts(a, 'model.json'));
    expect(r.code).toBe('MODEL_TOO_LARGE');
    expect(r.message).toMatch(/^The input of layer x declares 10,000,000,000 values per row in model\.json, /);
    expect(r.message).toContain('more than the 4,194,304 LIMITS.layerWidth allows');
    expect(r.rssMiB).toBeLessThan(512);
  });

  it('refuses a camel-cased batchInputShape_ too', async () => {
    const a = await smallArtifacts();
    const input = layersOf(a).find((l) => l.class_name === 'InputLayer')!;
    delete input.config.batch_input_shape;
    input.config.batchInputShape_ = [null, 50_000_000];
    const r = await refusal(() => loadModelFromArtifacts(a, 'model.json'));
    expect(r.code).toBe('MODEL_TOO_LARGE');
    expect(r.message).toContain('50,000,000 values per row');
  });

  it('reads a decoy camel-cased modelConfig as tfjs does: ignored, the topology itself is built and checked', () => {
    const huge = { class_name: 'Dense', config: { name: 'wide', units: 10_000_000, batch_input_shape: [null, 1000] } };
    const topology = {
      class_name: 'Sequential',
      modelConfig: { class_name: 'Sequential', config: { name: 'small', layers: [] } },
      config: { name: 'm', layers: [huge] },
    };
    expect(errorOf(() => checkDeclaredSizes(topology)).code).toBe('MODEL_TOO_LARGE');
  });

  it('finds a cycle and an unknown layer written with the camel-cased keys tfjs accepts', async () => {
    const a = await smallArtifacts();
    const camelCased = (l: Record<string, unknown>) => {
      const { class_name, inbound_nodes, ...rest } = l;
      return { ...rest, className: class_name, inboundNodes: inbound_nodes };
    };
    const cyclic = structuredClone(a);
    const layers = layersOf(cyclic) as unknown as Record<string, unknown>[];
    layers.splice(0, layers.length, ...layers.map(camelCased));
    (layers.find((l) => (l.config as { name: string }).name === 'hidden')!.inboundNodes as unknown[][][])[0][0][0] =
      'out';
    const loop = await refusal(() => loadModelFromArtifacts(cyclic, 'model.json'));
    expect(loop.code).toBe('MODEL_NOT_LAYERS');
    expect(loop.message).toMatch(/feeds layer hidden from node 0 of layer out, which never exists/);
    const unknown = structuredClone(a);
    const ul = layersOf(unknown) as unknown as Record<string, unknown>[];
    ul.splice(0, ul.length, ...ul.map(camelCased));
    ul.find((l) => (l.config as { name: string }).name === 'out')!.className = 'Evil';
    expect((await refusal(() => loadModelFromArtifacts(unknown, 'model.json'))).code).toBe('MODEL_UNKNOWN_LAYER');
  });

  it('refuses Keras models nested 20,000 deep in one sentence, and tfjs topologies nested past the limit', async () => {
    let config: Record<string, unknown> = { class_name: 'Sequential', config: { name: 'leaf', layers: [] } };
    for (let i = 0; i < 20_000; i++)
      config = { class_name: 'Sequential', config: { name: `level${i}`, layers: [config] } };
    const e = errorOf(() =>
      convertKeras3({ config, metadata: { keras_version: '3.6.0' }, tensors: new Map() }, 'm.keras'),
    );
    expect(e.code).toBe('MODEL_NOT_LAYERS');
    expect(e.message).toContain(`m.keras cannot be imported: it nests models more than ${LIMITS.modelNesting} deep`);
    const topology = { class_name: 'Model', config: { name: 'm', layers: [config] } };
    const t = errorOf(() => checkTopologyGraph(topology, 'model.json'));
    expect(t.message).toContain(`nests models more than ${LIMITS.modelNesting} deep (LIMITS.modelNesting)`);
  });

  it('refuses a parameter total over LIMITS.modelParams from widths each within the limit', () => {
    const dense = (name: string, units: unknown, extra: Record<string, unknown> = {}) => ({
      class_name: 'Dense',
      config: { name, units, ...extra },
    });
    const topology = {
      class_name: 'Sequential',
      config: {
        name: 'm',
        layers: [dense('a', 10_000, { batch_input_shape: [null, 10_000] }), dense('b', [10_000]), dense('c_', '10000')],
      },
    };
    const e = errorOf(() => checkDeclaredSizes(topology, 'model.json'));
    expect(e.code).toBe('MODEL_TOO_LARGE');
    expect(e.message).toBe(
      'The layer c_ declares 100,010,000 parameters, bringing the model to 300,030,000 in model.json, more than ' +
        'the 268,435,456 LIMITS.modelParams allows; this is not a model CTR Studio is meant for (or the file was ' +
        'edited), so export a smaller model, or raise LIMITS.modelParams in src/core/limits.ts and rebuild.',
    );
    expect(LIMITS.modelParams).toBeLessThan(300_030_000);
  });

  it('counts a functional layer listed before the input that feeds it from that input', () => {
    const topology = {
      class_name: 'Model',
      config: {
        name: 'm',
        layers: [
          { name: 'd', class_name: 'Dense', config: { name: 'd', units_: 100 }, inbound_nodes: [[['x', 0, 0, {}]]] },
          { name: 'x', class_name: 'InputLayer', config: { name: 'x', batch_input_shape: [null, 4_000_000] } },
        ],
        input_layers: [['x', 0, 0]],
        output_layers: [['d', 0, 0]],
      },
    };
    expect(errorOf(() => checkDeclaredSizes(topology)).message).toMatch(/^The layer d declares 400,000,100 parameters/);
  });

  it('counts the layers of ordinary topologies without refusing them', () => {
    const topology = {
      class_name: 'Sequential',
      config: [
        {
          class_name: 'Embedding',
          config: { name: 'e', input_dim: 100_000, output_dim: 64, batch_input_shape: [null, 26] },
        },
        { class_name: 'Flatten', config: { name: 'f' } },
        { class_name: 'Dense', config: { name: 'd', units: 400 } },
      ],
    };
    expect(() => checkDeclaredSizes(topology)).not.toThrow();
  });

  it('still loads the unedited model', async () => {
    const model = await loadModelFromArtifacts(await smallArtifacts(), 'model.json');
    expect(model.outputs[0].shape).toEqual([null, 1]);
    model.dispose();
  });
});

/** An .h5 whose one weight is declared n × n float32 (a resized chunked dataset: nothing written). */
const h5Declaring = async (n: number) => (await h5Files(n))['model.h5'] as Uint8Array;

describe('Keras files: declared weights checked before reading, .keras unzipped with CRC checks', () => {
  it('refuses an .h5 declaring a weight of gigabytes from its metadata', async () => {
    const bytes = await h5Declaring(30_000);
    expect(bytes.length).toBeLessThan(64 * 1024);
    const r = await refusal(() => readKerasFile(bytes, 'model.h5'));
    expect(r.code).toBe('MODEL_TOO_LARGE');
    expect(r.message).toMatch(/^model\.h5 declares a weight of 3\.4 GiB \(\/model_weights\/dense\/kernel:0\)/);
    expect(r.rssMiB).toBeLessThan(512);
  });

  it('refuses an .h5 whose declared weights were never written', async () => {
    const bytes = await h5Declaring(8_000);
    const r = await refusal(() => readKerasFile(bytes, 'model.h5'));
    expect(r.code).toBe('MODEL_WEIGHTS_MISSING');
    expect(r.message).toMatch(
      /^model\.h5 declares 244 MiB of weights but is only .* long, so its weights were never written/,
    );
    expect(r.rssMiB).toBeLessThan(512);
  });

  it('refuses a .keras archive whose config.json fails its CRC-32', async () => {
    const bytes = await kerasArchive(MLP as ModelDesc, randomWeights(MLP as ModelDesc, 3), {});
    const name = new TextEncoder().encode('config.json');
    // The local header of config.json: its CRC-32 field is at offset 14; the central directory keeps the true one,
    // so flip a byte of the stored data instead (the archive is written stored, uncompressed).
    const at = findBytes(bytes, name);
    const data = at + name.length + new DataView(bytes.buffer, bytes.byteOffset).getUint16(at - 2, true);
    const bad = bytes.slice();
    bad[data + 1] ^= 0x01;
    const r = await refusal(() => readKerasFile(bad, 'model.keras'));
    expect(r.code).toBe('MODEL_NOT_LAYERS');
    expect(r.message).toMatch(/^model\.keras cannot be read as a Keras model \(its zip archive is damaged: /);
    expect(r.message).toContain('config.json does not match its CRC-32 checksum');
    expect(r.message).toContain("model.save('model.keras')");
  });

  it('still opens ordinary .keras and .h5 files', async () => {
    const w = randomWeights(MLP as ModelDesc, 5);
    for (const [bytes, name] of [
      [await kerasArchive(MLP as ModelDesc, w, {}), 'model.keras'],
      [await legacyH5(MLP as ModelDesc, w, { dialect: 'tf.keras2' }), 'model.h5'],
    ] as const) {
      const a = await readKerasFile(bytes, name);
      const model = await loadModelFromArtifacts(a, name);
      expect(model.outputs.length).toBe(1);
      model.dispose();
    }
  });
});

function findBytes(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
