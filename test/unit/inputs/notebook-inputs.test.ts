import { describe, expect, it } from 'vitest';
import { sourceName } from '../../../src/runs/code-source.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  MAX_PARAMETERS_BYTES,
  readNotebookRuns,
  readParameters,
} from '../../../src/inputs/notebook-inputs.ts';
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

describe('readNotebookRuns', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nb-inputs-'));
  function file(name: string, document: object) {
    const realPath = path.join(dir, name);
    const text = JSON.stringify({ nbformat: 4, nbformat_minor: 5, ...document });
    writeFileSync(realPath, text);
    return { path: name, realPath, size: Buffer.byteLength(text) };
  }
  const cell = (source: string, tags?: string[]) => ({
    cell_type: 'code',
    metadata: tags ? { tags } : {},
    outputs: [],
    source,
  });
  const PYTHON = { kernelspec: { name: 'python3', language: 'python' } };

  it('skips cells tagged skip-execution and expects those tagged raises-exception to raise', () => {
    const nb = file('tags.ipynb', {
      metadata: PYTHON,
      cells: [cell('a = 1'), cell('b', ['skip-execution']), cell('1/0', ['raises-exception'])],
    });
    const { runs, notices } = readNotebookRuns(nb, undefined, undefined);
    expect(runs.map((r) => [r.skip ?? false, r.expectError ?? false])).toEqual([
      [false, false],
      [true, false],
      [false, true],
    ]);
    expect(notices).toEqual([]);
  });

  it('runs a notebook whose metadata names no kernel as Python, with a notice', () => {
    const nb = file('bare.ipynb', { metadata: {}, cells: [cell('print(1)')] });
    const { runs, notices } = readNotebookRuns(nb, undefined, undefined);
    expect(runs[0]!.language).toBe('python');
    expect(notices).toEqual([
      "Notebook 'bare.ipynb' names no kernel (no kernelspec or language_info in its metadata): it runs as Python, as Jupyter and nbmake assume.",
    ]);
    // The `language` input still wins over the assumption.
    expect(readNotebookRuns(nb, 'r', undefined).runs[0]!.language).toBe('r');
    // A kernel the sandbox does not run is still refused: it is not "no kernel".
    const julia = file('julia.ipynb', {
      metadata: { kernelspec: { name: 'julia-1.9', language: 'julia' } },
      cells: [cell('1')],
    });
    expect(() => readNotebookRuns(julia, undefined, undefined)).toThrow(/it says 'julia'/);
  });

  it('makes no run of a notebook with no code cell, and says so', () => {
    const nb = file('prose.ipynb', {
      metadata: PYTHON,
      cells: [{ cell_type: 'markdown', metadata: {}, source: '# Prose' }, cell('  \n')],
    });
    const { runs, notices } = readNotebookRuns(nb, undefined, undefined);
    expect(runs).toEqual([]);
    expect(notices).toEqual(["Notebook 'prose.ipynb' has no code cell to run: it makes no run."]);
  });
});
