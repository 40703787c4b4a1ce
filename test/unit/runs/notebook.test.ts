import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import draft04 from 'ajv/lib/refs/json-schema-draft-04.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import {
  cellOutputs,
  codeCells,
  describeCell,
  executedNotebook,
  injectParameters,
  NotebookError,
  parameterSource,
  parseNotebook,
  type CellRun,
} from '../../../src/runs/notebook.ts';

const ajv = new Ajv({ schemaId: 'id', meta: false, allErrors: true });
ajv.addMetaSchema(draft04);
const validators = {
  4: ajv.compile(schema('4.4')),
  5: ajv.compile(schema('4.5')),
};

function schema(version: string): object {
  const url = new URL(`../../fixtures/nbformat/nbformat.v${version}.schema.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as object;
}

/** The executed notebook must be valid nbformat 4 for its own minor version. */
function expectValid(text: string): Record<string, unknown> {
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const validate = parsed.nbformat_minor === 5 ? validators[5] : validators[4];
  const valid = validate(parsed);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
  return parsed;
}

function notebook(cells: object[], extra: object = {}, minor = 5): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: minor,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
      language_info: { name: 'python' },
    },
    cells,
    ...extra,
  });
}

let nextId = 0;
function code(source: string | string[], tags: string[] = [], minor = 5): object {
  return {
    ...(minor >= 5 ? { id: `c${nextId++}` } : {}),
    cell_type: 'code',
    execution_count: 7,
    metadata: tags.length ? { tags } : {},
    outputs: [{ output_type: 'stream', name: 'stdout', text: ['stale from the author\n'] }],
    source,
  };
}

function markdown(source: string, minor = 5): object {
  return {
    ...(minor >= 5 ? { id: `m${nextId++}` } : {}),
    cell_type: 'markdown',
    metadata: {},
    source,
  };
}

const ok = (n: number, extra: Partial<CellRun> = {}): CellRun => ({
  executionCount: n,
  success: true,
  stdout: '',
  stderr: '',
  results: [],
  error: '',
  errorDetail: '',
  ...extra,
});

describe('parseNotebook', () => {
  it('reads cells in order with sources joined and tags, and the kernel language', () => {
    const nb = parseNotebook(
      notebook([markdown('# Title'), code(['a = 1\n', 'b = 2'], ['parameters']), code('print(a)')]),
      'nb/demo.ipynb',
    );
    expect(nb.language).toBe('python');
    expect(nb.cells.map((c) => [c.number, c.type, c.source, c.tags])).toEqual([
      [1, 'markdown', '# Title', []],
      [2, 'code', 'a = 1\nb = 2', ['parameters']],
      [3, 'code', 'print(a)', []],
    ]);
    expect(codeCells(nb).map((c) => c.index)).toEqual([1, 2]);
  });

  it.each([
    [{ kernelspec: { name: 'ir', display_name: 'R', language: 'R' } }, 'r'],
    [{ language_info: { name: 'javascript' } }, 'javascript'],
    [{ kernelspec: { name: 'ijavascript', display_name: 'JS' } }, 'javascript'],
    [{ kernelspec: { name: 'java', display_name: 'Java' } }, 'java'],
    [{ kernelspec: { name: 'python3', display_name: 'P' } }, 'python'],
    [{ kernelspec: { name: 'julia-1.9', display_name: 'Julia', language: 'julia' } }, undefined],
    [{}, undefined],
  ])('takes the language from metadata %j', (metadata, language) => {
    const nb = parseNotebook(notebook([], { metadata }), 'x.ipynb');
    expect(nb.language).toBe(language);
  });

  it('says what it declared when the language is unknown', () => {
    const nb = parseNotebook(
      notebook([], {
        metadata: { kernelspec: { name: 'j', display_name: 'J', language: 'julia' } },
      }),
      'x.ipynb',
    );
    expect(nb.declaredLanguage).toBe('julia');
  });

  it('skips empty code cells and keeps a BOM from breaking the parse', () => {
    const nb = parseNotebook('\uFEFF' + notebook([code('  \n'), code('x = 1')]), 'x.ipynb');
    expect(codeCells(nb).map((c) => c.cell.source)).toEqual(['x = 1']);
  });

  it.each([
    ['{"nbformat": 4, "cells": [', /is not valid JSON/],
    ['[]', /is not a JSON object/],
    ['null', /is not a JSON object/],
    [
      JSON.stringify({ nbformat: 3, nbformat_minor: 0, worksheets: [] }),
      /nbformat 3; only nbformat 4/,
    ],
    [JSON.stringify({ nbformat: '4', nbformat_minor: 0, cells: [] }), /only nbformat 4/],
    [JSON.stringify({ nbformat: 4, nbformat_minor: -1, cells: [] }), /nbformat_minor/],
    [JSON.stringify({ nbformat: 4, nbformat_minor: 5 }), /no cells list/],
    [JSON.stringify({ nbformat: 4, nbformat_minor: 5, cells: [1] }), /cell 1 is not an object/],
    [JSON.stringify({ nbformat: 4, nbformat_minor: 5, cells: [{}] }), /cell 1 has no cell_type/],
    [
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        cells: [{ cell_type: 'code', source: [1] }],
      }),
      /cell 1 has a source that is neither/,
    ],
  ])('refuses a malformed notebook: %s', (text, message) => {
    expect(() => parseNotebook(text, 'bad.ipynb')).toThrow(NotebookError);
    expect(() => parseNotebook(text, 'bad.ipynb')).toThrow(message);
  });

  it('refuses hostile nesting and cell counts without overflowing the stack', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const text = `{"nbformat":4,"nbformat_minor":5,"cells":[],"metadata":{"x":${deep}}}`;
    expect(() => parseNotebook(text, 'deep.ipynb')).toThrow(/nests deeper than 256/);
    const many = notebook(Array.from({ length: 2001 }, () => code('1')));
    expect(() => parseNotebook(many, 'many.ipynb')).toThrow(/2001 cells; at most 2000/);
  });
});

describe('injectParameters', () => {
  it('adds a tagged cell right after the parameters cell, papermill style', () => {
    const nb = parseNotebook(
      notebook([markdown('m'), code('alpha = 0', ['parameters']), code('print(alpha)')]),
      'p.ipynb',
    );
    const injected = injectParameters(nb, { alpha: 0.5, name: 'x' }, 'python');
    expect(injected.cells.map((c) => (c.injected ? 'INJ' : c.number))).toEqual([1, 2, 'INJ', 3]);
    expect(injected.cells[2]?.source).toBe(
      '# Parameters injected by agentbay-run-code\nalpha = 0.5\nname = "x"\n',
    );
    expect(nb.cells).toHaveLength(3); // the original is not changed
    expectValid(executedNotebook(injected, new Map()));
  });

  it('puts the cell first when no cell is tagged, and replaces an earlier injected cell', () => {
    const nb = parseNotebook(
      notebook([code('old = 1', ['injected-parameters']), code('print(a)')]),
      'p.ipynb',
    );
    const injected = injectParameters(nb, { a: 1 }, 'python');
    expect(injected.cells.map((c) => c.source)).toEqual([
      '# Parameters injected by agentbay-run-code\na = 1\n',
      'print(a)',
    ]);
    const doc = expectValid(executedNotebook(injected, new Map()));
    expect((doc.cells as Array<{ id: string }>)[0]?.id).toBe('injected-parameters');
  });

  it('gives the cell an id only where the minor version has ids, and a unique one', () => {
    const old = parseNotebook(notebook([code('x', [], 4)], {}, 4), 'o.ipynb');
    const oldDoc = expectValid(
      executedNotebook(injectParameters(old, { a: 1 }, 'python'), new Map()),
    );
    expect((oldDoc.cells as object[])[0]).not.toHaveProperty('id');
    const clash = parseNotebook(
      notebook([{ ...code('x'), id: 'injected-parameters' }, code('y')]),
      'c.ipynb',
    );
    const doc = expectValid(
      executedNotebook(injectParameters(clash, { a: 1 }, 'python'), new Map()),
    );
    expect((doc.cells as Array<{ id: string }>).map((c) => c.id)[0]).toBe('injected-parameters-2');
  });

  it('leaves the notebook alone with no parameters', () => {
    const nb = parseNotebook(notebook([code('x')]), 'p.ipynb');
    expect(injectParameters(nb, {}, 'python')).toBe(nb);
  });
});

describe('parameterSource', () => {
  const value = {
    s: 'a"b\\c\n\u2028é😀',
    n: -1.5e300,
    t: true,
    f: false,
    z: null,
    l: [1, [2]],
    o: { 'k y': 1 },
  };

  it('writes Python literals', () => {
    expect(parameterSource('python', { v: value })).toBe(
      '# Parameters injected by agentbay-run-code\n' +
        'v = {"s": "a\\"b\\\\c\\n\u2028é😀", "n": -1.5e+300, "t": True, "f": False, "z": None, "l": [1, [2]], "o": {"k y": 1}}\n',
    );
  });

  it('writes JavaScript and R', () => {
    expect(parameterSource('javascript', { v: [1, 'a'] })).toContain('var v = [1,"a"];');
    expect(parameterSource('r', { v: value.o, w: null, x: [true] })).toContain(
      'v <- list("k y" = 1)\nw <- NULL\nx <- list(TRUE)',
    );
  });

  it.each([
    ['python', 'class'],
    ['python', '1a'],
    ['python', 'a-b'],
    ['python', 'a\nimport os'],
    ['python', ''],
    ['javascript', 'var'],
    ['r', 'if'],
    ['r', '.1x'],
  ] as const)('refuses %s name %j', (language, name) => {
    expect(() => parameterSource(language, { [name]: 1 })).toThrow(/not a plain .* variable name/);
  });

  it('refuses Java and parameters nested too deep', () => {
    expect(() => parameterSource('java', { a: 1 })).toThrow(/Python, JavaScript and R/);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(() => parameterSource('python', { a: deep })).toThrow(/deeper than 32/);
  });
});

describe('executedNotebook', () => {
  const png =
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

  it('writes stream, display_data, execute_result and error outputs in valid nbformat 4', () => {
    const nb = parseNotebook(
      notebook([
        markdown('# t'),
        code('print(1)'),
        code('display(img); 42'),
        code('1/0'),
        code('never()'),
      ]),
      'run.ipynb',
    );
    const runs = new Map<number, CellRun>([
      [1, ok(1, { stdout: 'one\ntwo\n', stderr: 'warn\n' })],
      [
        2,
        ok(2, {
          results: [
            { isMain: false, data: { 'image/png': png, 'text/plain': '<Image>' } },
            {
              isMain: false,
              data: { 'application/vnd.vegalite.v5+json': { mark: 'bar' }, 'text/odd': { a: 1 } },
            },
            { isMain: true, data: { 'text/plain': '42', 'text/html': '<b>42</b>' } },
          ],
        }),
      ],
      [
        3,
        {
          ...ok(3),
          success: false,
          stderr:
            'Traceback (most recent call last):\n  File "<cell>", line 1\nZeroDivisionError: division by zero\n',
          error: 'ZeroDivisionError: division by zero',
          errorDetail:
            'Traceback (most recent call last):\n  File "<cell>", line 1\nZeroDivisionError: division by zero\n',
        },
      ],
    ]);
    const doc = expectValid(executedNotebook(nb, runs));
    const cells = doc.cells as Array<Record<string, unknown>>;
    expect(cells[0]).toEqual(JSON.parse(notebook([])).cells[0] ?? cells[0]);
    expect(cells[1]).toMatchObject({
      execution_count: 1,
      outputs: [
        { output_type: 'stream', name: 'stdout', text: ['one\n', 'two\n'] },
        { output_type: 'stream', name: 'stderr', text: ['warn\n'] },
      ],
    });
    expect(cells[2]?.outputs).toEqual([
      {
        output_type: 'display_data',
        data: { 'image/png': png, 'text/plain': '<Image>' },
        metadata: {},
      },
      {
        output_type: 'display_data',
        data: { 'application/vnd.vegalite.v5+json': { mark: 'bar' }, 'text/odd': '{"a":1}' },
        metadata: {},
      },
      {
        output_type: 'execute_result',
        execution_count: 2,
        data: { 'text/plain': '42', 'text/html': '<b>42</b>' },
        metadata: {},
      },
    ]);
    expect(cells[3]?.outputs).toEqual([
      {
        output_type: 'error',
        ename: 'ZeroDivisionError',
        evalue: 'division by zero',
        traceback: [
          'Traceback (most recent call last):',
          '  File "<cell>", line 1',
          'ZeroDivisionError: division by zero',
          '',
        ],
      },
    ]);
    // Not run after the failure: cleared, not the author's stale output.
    expect(cells[4]).toMatchObject({ execution_count: null, outputs: [] });
  });

  it('keeps the metadata, attachments and unknown fields it does not own', () => {
    const text = notebook(
      [
        {
          ...markdown('![x](attachment:x.png)'),
          attachments: { 'x.png': { 'image/png': 'AAAA' } },
        },
      ],
      {
        metadata: { kernelspec: { name: 'python3', display_name: 'P' }, custom: { deep: [1, 2] } },
      },
    );
    const doc = expectValid(executedNotebook(parseNotebook(text, 'k.ipynb'), new Map()));
    expect(doc.metadata).toEqual({
      kernelspec: { name: 'python3', display_name: 'P' },
      custom: { deep: [1, 2] },
    });
    expect((doc.cells as object[])[0]).toHaveProperty('attachments');
  });

  it('writes an error without a traceback and a text without a final newline', () => {
    expect(
      cellOutputs({
        ...ok(1),
        success: false,
        error: 'process exited with code 3',
        stdout: 'a\nb',
      }),
    ).toEqual([
      { output_type: 'stream', name: 'stdout', text: ['a\n', 'b'] },
      {
        output_type: 'error',
        ename: 'Error',
        evalue: 'process exited with code 3',
        traceback: ['process exited with code 3'],
      },
    ]);
  });

  it('names the notebook, cell and line', () => {
    const nb = injectParameters(
      parseNotebook(notebook([code('x'), code('y')]), 'n/a.ipynb'),
      { a: 1 },
      'python',
    );
    expect(describeCell(nb, nb.cells[2] as never, 4)).toBe("Notebook 'n/a.ipynb' cell 2, line 4");
    expect(describeCell(nb, nb.cells[0] as never)).toBe(
      "Notebook 'n/a.ipynb' the injected parameters cell",
    );
  });
});
