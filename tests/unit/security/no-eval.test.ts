/**
 * Nothing from a dropped file is ever executed: no eval, no Function constructor, no dynamic import of a
 * computed path anywhere in the product's code (literal lazy imports of our own modules only).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../../vite.config';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|tsx|mjs|js)$/.test(name) ? [path] : [];
  });
}

describe('no code execution from data', () => {
  const files = [...sources('src'), ...sources('workers'), ...sources('bin')];

  it('has no eval, Function constructor or computed dynamic import', () => {
    expect(files.length).toBeGreaterThan(50);
    const offenders: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      if (/\beval\s*\(/.test(text) || /new\s+Function\s*\(/.test(text) || /\bimport\(\s*[^'"\s)]/.test(text))
        offenders.push(f);
    }
    expect(offenders).toEqual([]);
  });

  it('the built page is served with a strict Content-Security-Policy', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'|\*/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
  });
});
