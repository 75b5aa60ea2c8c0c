import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { STUDIO_VERSION } from '../../../src/core/version';

describe('studio version', () => {
  it('is package.json version (it is written into every exported model)', () => {
    expect(STUDIO_VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
});
