/** Streamed splits equal the in-memory ones: same encoding, same encoded rows, whatever the batch size. */
import { describe, expect, it } from 'vitest';
import {
  concatRaw,
  encodeBatch,
  fitEncoding,
  openDataset,
  overridesForSchema,
  type RawBatch,
} from '../../../src/core/data';
import { prepareSplits, splitTail } from '../../../src/core/pipeline/splits';
import { encodeStream, StreamingSplits } from '../../../src/core/pipeline/streamSplits';
import { createRng } from '../../../src/core/random';

/** A CSV with a label, a heavy-tailed count, a decimal (not exact in float32), gaps, and skewed categories. */
function csv(rows: number, seed: number): string {
  const rng = createRng(seed);
  const lines = ['click,count,price,city,device'];
  for (let i = 0; i < rows; i++) {
    const u = rng();
    const count = u < 0.1 ? '' : String(Math.floor(Math.exp(6 * rng())));
    const price = rng() < 0.05 ? '' : (rng() * 10).toFixed(3);
    // Zipf-ish: a few frequent values, many rare ones; values only near the end appear in the validation tail.
    const city = `c${Math.floor(1 / (0.02 + rng()) ** 1.3)}${i > rows * 0.93 && rng() < 0.3 ? 'late' : ''}`;
    const device = rng() < 0.05 ? '' : ['ios', 'android', 'web'][Math.floor(rng() * 3)];
    lines.push(`${rng() < 0.3 ? 1 : 0},${count},${price},${city},${device}`);
  }
  return `${lines.join('\n')}\n`;
}

async function readAll(text: string, batchSize: number, overrides?: Parameters<typeof overridesForSchema>[0]) {
  const opened = await openDataset(text, {
    batchSize,
    ...(overrides ? { overrides: overridesForSchema(overrides) } : {}),
  });
  const batches: RawBatch[] = [];
  for (;;) {
    const step = await opened.batches.next();
    if (step.done) break;
    batches.push(step.value);
  }
  return { schema: opened.schema, batches };
}

describe('StreamingSplits', () => {
  it.each([7, 64, 5000])('equals prepareSplits on the whole file (batches of %i rows)', async (batchSize) => {
    const train = await readAll(csv(1200, 1), batchSize);
    const test = await readAll(csv(300, 2), batchSize, train.schema);
    const opts = { validFraction: 0.1, minCount: 3 };
    const whole = prepareSplits(
      concatRaw(train.batches, train.schema),
      train.schema,
      { raw: concatRaw(test.batches, test.schema), schema: test.schema },
      opts,
    );
    const fit = new StreamingSplits(train.schema, opts);
    for (const b of train.batches) fit.add(b);
    const streamed = fit.finish();
    expect(streamed.encoding).toEqual(whole.encoding);
    expect(streamed.train).toEqual(whole.train);
    expect(streamed.valid).toEqual(whole.valid);
    expect(await encodeStream(streamed.encoding, test.schema, test.batches)).toEqual(whole.test);
  });

  it('hashes a field exactly as fitEncoding does when too many values reach minCount', async () => {
    const train = await readAll(csv(600, 3), 50);
    const raw = concatRaw(train.batches, train.schema);
    const [head, tail] = splitTail(raw, 0.2);
    const fitOpts = { minCount: 1, hashAbove: 5 };
    const enc = fitEncoding(head, train.schema, fitOpts);
    expect(enc.categorical.some((f) => f.kind === 'hash')).toBe(true);
    const fit = new StreamingSplits(train.schema, { validFraction: 0.2, ...fitOpts });
    for (const b of train.batches) fit.add(b);
    const streamed = fit.finish();
    expect(streamed.encoding).toEqual(enc);
    expect(streamed.train).toEqual(encodeBatch(enc, head, train.schema));
    expect(streamed.valid).toEqual(encodeBatch(enc, tail, train.schema));
  });

  it('refuses too few rows as prepareSplits does', async () => {
    const train = await readAll(csv(8, 4), 4);
    const fit = new StreamingSplits(train.schema, { validFraction: 0.1, minCount: 1 });
    for (const b of train.batches) fit.add(b);
    expect(() => fit.finish()).toThrow(/too few to train on/);
  });
});
