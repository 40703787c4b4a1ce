import { describe, expect, it } from 'vitest';
import { excerpt, lineCount, numberedCode } from '../../../src/report/excerpt.ts';

describe('lineCount', () => {
  it('counts lines as a person does: a final newline adds none', () => {
    expect(lineCount('a\nb\nc\n')).toBe(3);
    expect(lineCount('a\nb\nc')).toBe(3);
    expect(lineCount('a\n')).toBe(1);
    expect(lineCount('a\n\n')).toBe(2);
    expect(lineCount('')).toBe(0);
  });
});

describe('numberedCode', () => {
  it('numbers every line, aligned, without an empty last line', () => {
    const code = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const lines = numberedCode(code).split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe(' 1 | line 1');
    expect(lines[9]).toBe('10 | line 10');
  });
});

describe('excerpt', () => {
  const code = ['a = 1', 'b = 0', 'def f():', '    return a / b', '', 'f()', 'done()'].join('\n');

  it('shows the failing line among two on each side, marked', () => {
    expect(excerpt(code, 4)).toBe(
      ['  2 | b = 0', '  3 | def f():', '> 4 |     return a / b', '  5 | ', '  6 | f()'].join('\n'),
    );
  });

  it('stays inside the code at its first and last line', () => {
    expect(excerpt(code, 1).split('\n')[0]).toBe('> 1 | a = 1');
    expect(excerpt(code, 7).split('\n').at(-1)).toBe('> 7 | done()');
  });

  it('shows no empty line after a final newline', () => {
    expect(excerpt('a\nb\n', 2)).toBe('  1 | a\n> 2 | b');
  });

  it('puts a caret under the column when it is known', () => {
    expect(excerpt('x = 1\nnull.foo;\n', 2, 5, 0)).toBe('> 2 | null.foo;\n    |     ^');
  });

  it('numbers from firstLine, as a Markdown page numbers its block, the width to match', () => {
    expect(excerpt(code, 2, 1, 1, 9)).toBe(
      ['   9 | a = 1', '> 10 | b = 0', '     | ^', '  11 | def f():'].join('\n'),
    );
  });

  it('cuts a minified line instead of showing all of it', () => {
    const line = excerpt(`${'x'.repeat(10_000)}\n`, 1, 9_000, 0);
    expect(line.length).toBeLessThan(400);
    expect(line).not.toContain('^');
  });
});

describe('excerpt with the numbers of a block joined from two fences', () => {
  it('shows each line with its page number', () => {
    expect(excerpt('a\nb\nc\n', 3, undefined, 2, 1, [4, 9, 10])).toBe(
      '   4 | a\n   9 | b\n> 10 | c',
    );
  });
});
