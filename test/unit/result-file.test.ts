import { describe, expect, it } from 'vitest';
import { writeJson } from '../../src/report/result-file.ts';

function written(value: unknown): string {
  let text = '';
  writeJson(value, (piece) => (text += piece));
  return text;
}

describe('writeJson', () => {
  it('writes what JSON.stringify(value, null, 2) writes: indented for people', () => {
    const value = {
      success: false,
      stdout: 'a\nb "quoted" \u2028',
      nothing: null,
      skipped: undefined,
      results: [{ isMain: true, data: { 'text/plain': '42', nested: [1, [], {}, [2]] } }, null],
      empty: {},
      list: [],
    };
    expect(written(value)).toBe(JSON.stringify(value, null, 2));
    expect(written([])).toBe('[]');
    expect(written('x')).toBe('"x"');
  });

  it('writes a huge string in pieces that still parse back to it', () => {
    const big = `${'é'.repeat(1024 * 1024)}😀${'"'.repeat(10)}`;
    const pieces: string[] = [];
    writeJson({ stdout: big }, (piece) => pieces.push(piece));
    expect(pieces.length).toBeGreaterThan(3);
    expect(JSON.parse(pieces.join(''))).toEqual({ stdout: big });
  });
});
