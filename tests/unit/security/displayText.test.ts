/** Sentences that quote names from a user's files are safe to show: no reordering, no control characters, bounded. */
import { describe, expect, it } from 'vitest';
import { describeError, displayText, StudioError } from '../../../src/core/errors';

describe('displayText', () => {
  it('escapes direction marks and control characters, so a name cannot reverse the rest of a sentence', () => {
    expect(displayText('Layer "ab\u202Ecd" is not a Dense layer; choose another.')).toBe(
      'Layer "ab\\u{202E}cd" is not a Dense layer; choose another.',
    );
    expect(displayText('a\u0007b\u2066c\u200Fd\u009Be')).toBe('a\\u{7}b\\u{2066}c\\u{200F}d\\u{9B}e');
  });

  it('leaves ordinary sentences as they are, accents, symbols and other scripts included', () => {
    const s = 'Column "café" holds "日本" on line 3; AUC change −0.0514 [−0.0695, −0.0333] (Δ, ≥ 4.5:1).';
    expect(displayText(s)).toBe(s);
  });

  it('cuts a megabyte-long name in the middle and bounds the whole message', () => {
    const m = describeError(new StudioError('MODEL_LOAD', `Layer "${'n'.repeat(1_000_000)}" is bad; fix it.`));
    expect(m.code).toBe('MODEL_LOAD');
    expect(m.message.length).toBeLessThan(200);
    expect(m.message).toMatch(/^Layer "n+…\(1000002 characters\)…n+" is bad; fix it\.$/);
    const many = describeError(new Error(Array.from({ length: 50_000 }, () => 'word').join(' ')));
    expect(many.code).toBe('INTERNAL');
    expect(many.message.length).toBeLessThanOrEqual(2000);
  });
});
