import { describe, expect, it } from 'vitest';
import { linesOfString, readLines } from '../../../src/core/data';
import { chunked, collectAll, fixedChunks, studioError, utf8 } from './helpers';

const TEXT = '\uFEFFé€,a\r\n😀\tb\r\n\r\nlast\u00e9 line\nx€\r';
const EXPECTED = ['é€,a', '😀\tb', '', 'last\u00e9 line', 'x€'];

const texts = async (src: Parameters<typeof readLines>[0]) => (await collectAll(readLines(src))).map((l) => l.text);

describe('readLines', () => {
  it('decodes, strips the BOM, handles CRLF and a final line without newline', async () => {
    const lines = await collectAll(readLines(chunked(utf8(TEXT), [])));
    expect(lines).toEqual(EXPECTED.map((text, i) => ({ text, line: i + 1 })));
  });

  it(
    'gives the same lines for a cut at every byte position (inside multi-byte chars, ' + 'between \\r and \\n)',
    async () => {
      const bytes = utf8(TEXT);
      for (let p = 0; p <= bytes.length; p++) {
        expect(await texts(chunked(bytes, [p])), `cut at ${p}`).toEqual(EXPECTED);
      }
    },
  );

  it('gives the same lines for every pair of cuts and for 1-byte chunks', async () => {
    const bytes = utf8(TEXT);
    for (let p = 0; p <= bytes.length; p++) {
      for (let q = p; q <= bytes.length; q++) {
        expect(await texts(chunked(bytes, [p, q])), `cuts at ${p},${q}`).toEqual(EXPECTED);
      }
    }
    expect(await texts(fixedChunks(bytes, 1))).toEqual(EXPECTED);
  });

  it('accepts string chunks, mixed chunks, web ReadableStreams and whole strings', async () => {
    expect(await texts(['\uFEFFa,b\r', '\nc', 'd\n'])).toEqual(['a,b', 'cd']);
    expect(await texts([utf8('a\nb'), 'c\n', utf8('d')])).toEqual(['a', 'bc', 'd']);
    const bytes = utf8(TEXT);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 3) c.enqueue(bytes.slice(i, i + 3));
        c.close();
      },
    });
    expect(await texts(stream)).toEqual(EXPECTED);
    expect(await texts(TEXT)).toEqual(EXPECTED);
    expect(await texts(utf8(TEXT))).toEqual(EXPECTED); // a whole Uint8Array (Node Buffer)
    expect(await texts(utf8(TEXT).buffer as ArrayBuffer)).toEqual(EXPECTED); // File.arrayBuffer()
    expect([...linesOfString(TEXT)].map((l) => l.text)).toEqual(EXPECTED);
  });

  it('handles empty input, lone newlines and trailing newlines like linesOfString', async () => {
    for (const s of ['', '\n', '\r\n', 'a', 'a\n', 'a\n\n', '\n\na', 'a\rb\n', '\uFEFF', '\uFEFF\n']) {
      const want = [...linesOfString(s)];
      expect(await collectAll(readLines(chunked(utf8(s), [1]))), JSON.stringify(s)).toEqual(want);
    }
    expect([...linesOfString('')]).toEqual([]);
    expect([...linesOfString('a\n')].map((l) => l.text)).toEqual(['a']);
    expect([...linesOfString('a\n\n')].map((l) => l.text)).toEqual(['a', '']);
    expect([...linesOfString('a\rb\n')].map((l) => l.text)).toEqual(['a\rb']); // a lone CR is not a line break
  });

  it('strips only one leading BOM and keeps BOM characters elsewhere', async () => {
    expect(await texts(chunked(utf8('\uFEFF\uFEFFa\n\uFEFFb'), [2]))).toEqual(['\uFEFFa', '\uFEFFb']);
  });

  it('rejects an overlong line and stops on abort', async () => {
    await studioError(
      () => collectAll(readLines(['x'.repeat(50), 'y'.repeat(60)], { maxLineChars: 100 })),
      'DATA_SCHEMA',
    );
    expect(await texts(['x'.repeat(100) + '\r\n'])).toHaveLength(1);
    const ac = new AbortController();
    ac.abort();
    await studioError(() => collectAll(readLines(['a\n', 'b\n'], { signal: ac.signal })), 'CANCELLED');
  });

  it('never holds more than the current line (a tight maxLineChars passes over a long file)', async () => {
    const chunk = utf8('0\t1\t2\n'.repeat(1000));
    async function* many() {
      for (let i = 0; i < 200; i++) yield chunk;
    }
    let n = 0;
    let wrong = 0;
    for await (const l of readLines(many(), { maxLineChars: 10 })) {
      n++;
      if (l.text !== '0\t1\t2' || l.line !== n) wrong++;
    }
    expect([n, wrong]).toEqual([200_000, 0]);
  });
});
