import { describe, expect, it } from 'vitest';
import type { CodeRunResult } from '../../../src/runs/result.ts';
import { failingLine, failureSection, failureText } from '../../../src/report/failure-section.ts';
import type { RunReport } from '../../../src/report/run-report.ts';

function failed(fields: Partial<CodeRunResult>): CodeRunResult {
  return {
    success: false,
    toolError: false,
    output: '',
    stdout: '',
    stderr: '',
    error: 'ZeroDivisionError: division by zero',
    errorDetail: '',
    results: [],
    executionTimeS: 0.1,
    executionCount: undefined,
    traceId: '',
    format: 'structured',
    ...fields,
  };
}

const CODE = 'def ratio(a, b):\n    return a / b\n\nprint("before")\nratio(1, 0)\n';
const TRACEBACK =
  'Traceback (most recent call last):\n  File "<cell>", line 5, in <module>\n  File "<cell>", line 2, in ratio\nZeroDivisionError: division by zero\n';
const URL = 'https://github.com/o/r/blob/0123/docs/page.md';

function report(fields: Partial<RunReport>): RunReport {
  return {
    language: 'python',
    source: { kind: 'file', path: 'calc.py' },
    code: CODE,
    sessionId: 's',
    requestId: 'R',
    result: failed({ stderr: TRACEBACK }),
    wallTimeMs: 1,
    sessionKept: false,
    resultFile: '/tmp/r.json',
    files: [],
    errorLocation: { line: 2, calledFrom: [5] },
    ...fields,
  };
}

describe('failureText', () => {
  it('is stderr when the traceback is only there, without the headline the verdict says', () => {
    const text = failureText(failed({ stderr: `warned\n${TRACEBACK}`, errorDetail: TRACEBACK }));
    expect(text.title).toBe('stderr, with the traceback');
    expect(text.fromStderr).toBe(true);
    expect(text.text).toContain('warned\nTraceback (most recent call last):');
    expect(text.text).not.toContain('ZeroDivisionError');
  });

  it('is the service’s traceback when stderr does not hold it, and stderr stays shown', () => {
    const text = failureText(failed({ stderr: 'warned\n', errorDetail: TRACEBACK }));
    expect(text).toMatchObject({ title: 'Traceback', fromStderr: false });
    expect(text.text).toMatch(/^Traceback/);
  });

  it('is empty for a run that passed, and for an error that is only its headline', () => {
    expect(failureText({ ...failed({}), success: true }).text).toBe('');
    expect(failureText(failed({ errorDetail: 'ZeroDivisionError: division by zero' })).text).toBe(
      '',
    );
  });
});

describe('failingLine', () => {
  it('links a file’s line at the commit and numbers the code around it', () => {
    const url = 'https://github.com/o/r/blob/0123/calc.py';
    expect(failingLine(report({}), { line: 2, calledFrom: [] }, url)).toBe(
      [
        `[calc&#46;py, line 2](${url}#L2):`,
        '',
        '```',
        '  1 | def ratio(a, b):',
        '> 2 |     return a / b',
        '  3 | ',
        '  4 | print("before")',
        '```',
      ].join('\n'),
    );
  });

  it('numbers a Markdown block with its page’s lines and links the plain page', () => {
    const block = report({ source: { kind: 'file', path: 'docs/page.md', fenceLine: 10 } });
    // Line 12 of the page is line 2 of the block, whose fence is line 10.
    const text = failingLine(block, { line: 12, column: 12, calledFrom: [] }, URL);
    expect(text.split('\n')).toEqual([
      `[docs/page&#46;md, line 12](${URL}?plain=1#L12):`,
      '',
      '```',
      '  11 | def ratio(a, b):',
      '> 12 |     return a / b',
      '     |            ^',
      '  13 | ',
      '  14 | print("before")',
      '```',
    ]);
  });

  it('names a page line outside the block (its expected output) without code to show', () => {
    const block = report({ source: { kind: 'file', path: 'docs/page.md', fenceLine: 10 } });
    expect(failingLine(block, { line: 18, calledFrom: [] }, URL)).toBe(
      `[docs/page&#46;md, line 18](${URL}?plain=1#L18)`,
    );
    expect(failingLine(block, { line: 10, calledFrom: [] }, '')).toBe(
      '<code>docs/page&#46;md</code>, line 10',
    );
  });

  it('names a notebook cell and its own line, and links the notebook', () => {
    const cell = report({ source: { kind: 'file', path: 'nb.ipynb', cell: 3 } });
    const nb = 'https://github.com/o/r/blob/0123/nb.ipynb';
    const text = failingLine(cell, { line: 2, calledFrom: [] }, nb);
    expect(text.split('\n').slice(0, 5)).toEqual([
      `[nb&#46;ipynb cell 3, line 2](${nb}):`,
      '',
      '```',
      '  1 | def ratio(a, b):',
      '> 2 |     return a / b',
    ]);
  });

  it('says "line N of the code" for inline code, and nothing without a location', () => {
    const inline = report({ source: { kind: 'inline' } });
    expect(failingLine(inline, { line: 5, calledFrom: [] })).toMatch(
      /^Line 5 of the code:\n\n```\n {2}3 \| \n {2}4 \| print\("before"\)\n> 5 \| ratio\(1, 0\)\n```$/,
    );
    expect(failingLine(inline, undefined)).toBe('');
  });
});

describe('failureSection', () => {
  it('is the failing line, then the given traceback collapsed', () => {
    const text = failureSection(report({ sourceUrl: 'https://x/blob/1/calc.py' }), {
      title: 'stderr, with the traceback',
      text: 'Traceback …',
    });
    const [line, traceback] = text.split('\n\n<details>');
    expect(line).toMatch(/^\[calc&#46;py, line 2\]\(https:\/\/x\/blob\/1\/calc\.py#L2\):\n\n```\n/);
    expect(`<details>${traceback}`).toBe(
      '<details><summary>stderr, with the traceback</summary>\n\n```\nTraceback …\n```\n\n</details>',
    );
  });

  it('leaves out an empty traceback, and is empty for a run that passed', () => {
    expect(failureSection(report({}), { title: 'Traceback', text: '' })).not.toContain('details');
    const passed = report({ result: { ...failed({}), success: true, error: '' } });
    expect(failureSection(passed, { title: 'Traceback', text: 'x' })).toBe('');
  });
});
