/** Names from a user's files as the studio's tables show them: escaped, and cut in the middle when long. */
import { describe, expect, it } from 'vitest';
import { NOTE_CHARS, nameId, shortName } from '../../../src/ui/ShownName';

describe('shortName', () => {
  it('keeps ordinary names as they are', () => {
    expect(shortName('dense_1')).toBe('dense_1');
    expect(shortName('User’s features')).toBe('User’s features');
  });

  it('cuts a megabyte-long name to its start and end, within the limit', () => {
    const name = `start_${'x'.repeat(1 << 20)}_end`;
    const s = shortName(name);
    expect(s.length).toBeLessThanOrEqual(48);
    expect(s.startsWith('start_x')).toBe(true);
    expect(s.endsWith('x_end')).toBe(true);
    expect(s).toContain('…');
    expect(shortName(name, 400).length).toBeLessThanOrEqual(400);
  });

  it('escapes direction-changing and control characters, so a row cannot be reversed', () => {
    const s = shortName('evil\u202Edense\n');
    expect(s).not.toMatch(/[\u202E\n]/);
    expect(s).toContain('\\u{202E}');
  });

  it('keeps names up to 200 characters whole in test ids, and cuts longer ones', () => {
    const name = 'd'.repeat(200);
    expect(nameId(name)).toBe(name);
    const long = `start_${'x'.repeat(1 << 20)}_end`;
    expect(nameId(long).length).toBeLessThanOrEqual(200);
    expect(nameId(long).endsWith('x_end')).toBe(true);
  });

  it('cuts a sentence that quotes a megabyte-long name, keeping its start and end', () => {
    const why = `projection kept for hidden_${'x'.repeat(1 << 20)} (Dense): its output is read twice.`;
    const s = shortName(why, NOTE_CHARS);
    expect(s.length).toBeLessThanOrEqual(400);
    expect(s.startsWith('projection kept for hidden_')).toBe(true);
    expect(s.endsWith('read twice.')).toBe(true);
  });
});
