import { describe, expect, it } from 'vitest';
import {
  MAX_ARGS_BYTES,
  parseFileInfo,
  splitForArgs,
  writeArgsBytes,
} from '../../../src/agentbay/sandbox-files.ts';

describe('splitForArgs', () => {
  const path = '/workspace/dir with space/ファイル.txt';
  const cases: [string, string][] = [
    ['ASCII', 'a'.repeat(200_000)],
    ['CJK (3 bytes each)', '漢'.repeat(100_000)],
    ['quotes and backslashes (escaped to 2 bytes)', '"\\'.repeat(70_000)],
    ['control characters (escaped to 6 bytes)', '\u0001'.repeat(40_000)],
    ['emoji (surrogate pairs)', '😀'.repeat(50_000)],
    ['mixed', 'x"é😀\n\t漢'.repeat(30_000)],
  ];
  for (const [name, content] of cases) {
    it(`keeps every call under the limit and loses nothing: ${name}`, () => {
      const chunks = splitForArgs(path, content);
      expect(chunks.join('')).toBe(content);
      for (const [i, chunk] of chunks.entries()) {
        expect(writeArgsBytes(path, chunk, i === 0 ? 'overwrite' : 'append')).toBeLessThanOrEqual(
          MAX_ARGS_BYTES,
        );
        // No chunk ends in half a surrogate pair (it would not survive JSON as UTF-8).
        const last = chunk.charCodeAt(chunk.length - 1);
        expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
      }
    });
  }

  it('sends plain text in the SDK chunks of 61 440 characters', () => {
    expect(splitForArgs(path, 'a'.repeat(122_980)).map((c) => c.length)).toEqual([
      61_440, 61_440, 100,
    ]);
  });

  it('writes an empty file with one call', () => {
    expect(splitForArgs(path, '')).toEqual(['']);
  });
});

describe('parseFileInfo', () => {
  it('reads the size and the kind from the key: value lines', () => {
    const info = parseFileInfo(
      'name: a.txt\nsize: 12\nisDirectory: false\nmodTime: 2026-01-29T09:15:00Z\n',
    );
    expect(info).toEqual({ size: 12, isDirectory: false });
    expect(parseFileInfo('size:0\nisDirectory: true')).toEqual({ size: 0, isDirectory: true });
  });

  it('refuses an answer without a usable size', () => {
    expect(() => parseFileInfo('name: a\nsize: -1')).toThrow(/size/);
    expect(() => parseFileInfo('<html>oops</html>')).toThrow(/size/);
  });
});
