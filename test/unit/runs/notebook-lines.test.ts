import { describe, expect, it } from 'vitest';
import { cellSourceLines } from '../../../src/runs/notebook-lines.ts';

/** The 1-based line of the first occurrence of `needle` in `text`. */
function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

const cells = [
  { cell_type: 'markdown', metadata: {}, source: ['# Title\n', 'prose'] },
  {
    cell_type: 'code',
    execution_count: 1,
    metadata: { tags: ['parameters'], deep: [[[{ a: [1, 2.5e3, true, null, '"]}'] }]]] },
    outputs: [{ output_type: 'stream', name: 'stdout', text: ['x\n', 'y "[{" \\ \n'] }],
    source: ['a = 1\n', 'b = 2\n', 'c = a / 0'],
  },
  { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: 'x = 1\ny = 2\n' },
];
const document = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells };

describe('cellSourceLines', () => {
  it('maps each line of a cell to its line in a Jupyter-written file (one source line per file line)', () => {
    const text = JSON.stringify(document, null, 1);
    const lines = cellSourceLines(text);
    expect(lines.get(1)).toEqual([
      lineOf(text, '"a = 1\\n"'),
      lineOf(text, '"b = 2\\n"'),
      lineOf(text, '"c = a / 0"'),
    ]);
    expect(lines.get(0)).toEqual([lineOf(text, '"# Title'), lineOf(text, '"prose"')]);
    // A source held as one string stands on one file line.
    expect(lines.get(2)).toEqual([lineOf(text, '"x = 1'), lineOf(text, '"x = 1')]);
  });

  it('maps everything to line 1 in a one-line file, and copes with a byte-order mark', () => {
    const lines = cellSourceLines('\uFEFF' + JSON.stringify(document));
    expect(lines.get(1)).toEqual([1, 1, 1]);
  });

  it('follows lines that a writer split across pieces', () => {
    const text = JSON.stringify({ cells: [{ source: ['a = ', '1\nb', ' = 2\n', 'c'] }] }, null, 1);
    expect(cellSourceLines(text).get(0)).toEqual([
      lineOf(text, '"a = "'),
      lineOf(text, '"1\\nb"'),
      lineOf(text, '"c"'),
    ]);
  });

  it('skips hostile nesting without recursion', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const text = `{"metadata": ${deep},\n"cells": [{"metadata": ${deep},\n"source": ["ok\\n", "two"]}]}`;
    expect(cellSourceLines(text).get(0)).toEqual([3, 3]);
  });

  it('finds nothing where there is no cells list', () => {
    expect(cellSourceLines('[1, 2]').size).toBe(0);
    expect(cellSourceLines('{"cells": 3}').size).toBe(0);
    expect(cellSourceLines('{"cells": [1, "x", {"source": 5}]}').size).toBe(0);
  });
});
