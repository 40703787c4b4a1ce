import { describe, expect, it } from 'vitest';
import { sourceName } from '../../../src/runs/code-source.ts';
import { MAX_PARAMETERS_BYTES, readParameters } from '../../../src/inputs/notebook-inputs.ts';
import { MAX_PARAMETER_DEPTH, parameterSource } from '../../../src/runs/notebook.ts';

const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('readParameters', () => {
  it('is undefined when not given', () => {
    expect(readParameters('')).toBeUndefined();
    expect(readParameters(' \n ')).toBeUndefined();
  });

  it('takes a JSON object, values of every JSON kind', () => {
    expect(readParameters('{"a": 1, "b": [true, null], "c": {"d": "x"}}')).toEqual({
      a: 1,
      b: [true, null],
      c: { d: 'x' },
    });
    expect(readParameters('{}')).toEqual({});
  });

  it('takes values nested exactly as deep as the writers allow, and no deeper', () => {
    const ok = readParameters(`{"a": ${nested(MAX_PARAMETER_DEPTH)}}`) as Record<string, unknown>;
    // The writers accept what the input accepts.
    expect(() => parameterSource('python', ok)).not.toThrow();
    expect(() => readParameters(`{"a": ${nested(MAX_PARAMETER_DEPTH + 1)}}`)).toThrow(
      /must not nest deeper than 32 levels/,
    );
  });

  it('is bounded in bytes, not characters', () => {
    const fits = JSON.stringify({ a: 'x'.repeat(MAX_PARAMETERS_BYTES - 10) });
    expect(Buffer.byteLength(fits)).toBeLessThanOrEqual(MAX_PARAMETERS_BYTES);
    expect(readParameters(fits)).toBeDefined();
    // 3 bytes each in UTF-8: fewer characters than the limit, more bytes.
    const wide = JSON.stringify({ a: '€'.repeat(MAX_PARAMETERS_BYTES / 2) });
    expect(wide.length).toBeLessThan(MAX_PARAMETERS_BYTES);
    expect(() => readParameters(wide)).toThrow(/must be at most 65536 bytes of JSON/);
  });

  it.each([
    ['[1]', /got an array/],
    ['1', /got number/],
    ['"x"', /got string/],
    ['true', /got boolean/],
    ['null', /got null/],
    ['{"a": }', /it is not valid JSON/],
  ])('refuses %s, naming the input', (value, message) => {
    expect(() => readParameters(value)).toThrow(/^Input 'parameters' must/);
    expect(() => readParameters(value)).toThrow(message);
  });
});

describe('sourceName', () => {
  it('names files, Markdown blocks and notebook cells', () => {
    expect(sourceName({ kind: 'inline' })).toBe('inline code');
    expect(sourceName({ kind: 'file', path: 'a.py' })).toBe('a.py');
    expect(sourceName({ kind: 'file', path: 'd.md', fenceLine: 7 })).toBe('d.md:7');
    expect(sourceName({ kind: 'file', path: 'n.ipynb', cell: 3 })).toBe('n.ipynb cell 3');
    expect(sourceName({ kind: 'file', path: 'n.ipynb', cell: 0 })).toBe(
      'n.ipynb injected parameters',
    );
  });
});
