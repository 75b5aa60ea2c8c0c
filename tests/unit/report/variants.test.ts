/** The report's variants: one row per method the runtime can feed, then the fine-tuning recipes, then activation. */
import { describe, expect, it } from 'vitest';
import { reportVariants } from '../../../src/cli/commands/reportMeasure';
import { DEFAULT_METHOD, METHODS } from '../../../src/core/compress/methods';

describe('reportVariants', () => {
  const tune = { label: 'Adam 1e-3, 1 epoch', options: { epochs: 1 } };

  it('tags every label, keeps the ranks, and fine-tunes only the recipes', () => {
    const all = { has: () => true };
    const rows = reportVariants(all, { dense: 72, embedding: 4 }, [tune], tune, '1/3: ');
    expect(rows.every(([label]) => label.startsWith('1/3: '))).toBe(true);
    expect(rows.every(([, plan]) => plan.denseRank === 72 && plan.embeddingRank === 4)).toBe(true);
    expect(rows.slice(0, METHODS.length).map(([, plan, ft]) => [plan.method, ft])).toEqual(
      METHODS.map((m) => [m.id, null]),
    );
    const tuned = rows.slice(METHODS.length);
    expect(tuned.map(([label]) => label)).toEqual([
      `1/3: ${DEFAULT_METHOD.label} + fine-tune (Adam 1e-3, 1 epoch)`,
      `1/3: ${DEFAULT_METHOD.label} + activation + fine-tune (Adam 1e-3, 1 epoch)`,
    ]);
    expect(tuned.map(([, plan, ft]) => [plan.activation ?? false, ft])).toEqual([
      [false, { epochs: 1 }],
      [true, { epochs: 1 }],
    ]);
  });

  it('leaves out methods whose statistics the runtime cannot give, and the activation row when not asked', () => {
    const noGradients = { has: (k: string) => k !== 'gradients' };
    const rows = reportVariants(noGradients, { dense: 8, embedding: 2 }, [], null);
    expect(rows.map(([, plan]) => plan.method)).toEqual(
      METHODS.filter((m) => m.needs !== 'gradients').map((m) => m.id),
    );
  });
});
