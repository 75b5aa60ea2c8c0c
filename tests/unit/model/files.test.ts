import { describe, expect, it } from 'vitest';
import { sortDrop } from '../../../src/formats/tfjs/sortDrop';
import { memoryFile, sortFiles } from '../../../src/formats';

const modelJson = (paths: string[]) =>
  JSON.stringify({
    modelTopology: { class_name: 'Model', config: { layers: [] } },
    format: 'layers-model',
    weightsManifest: [{ paths, weights: [] }],
  });
const f = (name: string, text?: string) => ({ name, text });

describe('sorting a drop', () => {
  it('finds model.json by content, its shards in any order, and data files', () => {
    const files = [
      f('group1-shard2of2.bin'),
      f('train.tsv'),
      f('group1-shard1of2.bin'),
      f('m.json', modelJson(['group1-shard1of2.bin', 'group1-shard2of2.bin'])),
    ];
    const s = sortDrop(files);
    expect(s.modelJson?.name).toBe('m.json');
    expect(s.shards.map((x) => x.name).sort()).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin']);
    expect(s.data.map((x) => x.name)).toEqual(['train.tsv']);
  });

  it('names missing, extra and duplicated shards, and shards without a model.json', () => {
    expect(() => sortDrop([f('model.json', modelJson(['a.bin', 'b.bin'])), f('a.bin')])).toThrow(
      /b\.bin named in model\.json is missing/,
    );
    expect(() => sortDrop([f('model.json', modelJson(['a.bin'])), f('a.bin'), f('c.bin')])).toThrow(
      /c\.bin is not named in model\.json/,
    );
    expect(() => sortDrop([f('model.json', modelJson(['a.bin'])), f('a.bin'), f('x/a.bin')])).toThrow(/dropped twice/);
    expect(() => sortDrop([f('a.bin')])).toThrow(/without their model\.json/);
    expect(() => sortDrop([f('model.json', 'nope')])).toThrow(/not valid JSON/);
  });

  it('a Keras or ONNX file is a model of its own format, one model at a time', async () => {
    const file = (name: string) => memoryFile(name, new Uint8Array([1]));
    const keras = await sortFiles([file('rows.tsv'), file('m.keras')]);
    expect([keras.model?.format.id, keras.model?.files[0].name, keras.data[0].name]).toEqual([
      'keras',
      'm.keras',
      'rows.tsv',
    ]);
    expect((await sortFiles([file('net.onnx')])).model?.format.id).toBe('onnx');
    await expect(sortFiles([file('a.onnx'), file('b.h5')])).rejects.toThrow(/one model at a time/);
  });

  it('data alone is just data', () => {
    expect(sortDrop([f('rows.csv')])).toEqual({ modelJson: null, shards: [], data: [f('rows.csv')] });
  });
});
