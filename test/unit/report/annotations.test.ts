import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  annotate,
  annotationFor,
  ANNOTATIONS_PER_TYPE,
  MAX_ANNOTATION_CHARS,
} from '../../../src/report/annotations.ts';
import type { BatchEntry } from '../../../src/report/batch-report.ts';
import type { RunReport } from '../../../src/report/run-report.ts';

describe('annotations', () => {
  afterEach(() => vi.restoreAllMocks());

  it(`emits at most ${ANNOTATIONS_PER_TYPE} of a type, then logs the rest`, () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    for (let i = 1; i <= 12; i++) annotate('warning', `w${i}`);
    annotate('notice', 'still room');
    const warnings = lines.filter((l) => l.startsWith('::warning::'));
    expect(warnings).toHaveLength(ANNOTATIONS_PER_TYPE);
    // Past the limit the message is logged, fenced: it can carry sandbox text.
    expect(lines.join('')).toMatch(
      /warning \(over the runner's 10-per-step limit\):\n::stop-commands::(\w+)\nw12\n::\1::/,
    );
    expect(lines.join('')).toContain('::notice::still room');
  });

  it(`cuts every annotation to ${MAX_ANNOTATION_CHARS} characters, keeping both ends`, () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    annotate('error', `START ${'x'.repeat(3 * 1024 * 1024)} END`);
    const line = lines.find((l) => l.startsWith('::error::'))!;
    expect(line.length).toBeLessThanOrEqual(MAX_ANNOTATION_CHARS + 20);
    expect(line).toContain('START');
    expect(line.trimEnd().endsWith('END')).toBe(true);
  });
});

describe('annotationFor', () => {
  function failed(fields: Partial<RunReport>): BatchEntry {
    const report = {
      language: 'python',
      code: 'a\nb\n',
      result: { success: false, error: 'NameError: x' },
      errorLocation: { line: 2, column: 3, calledFrom: [] },
      ...fields,
    } as RunReport;
    return { report, durationMs: 1 };
  }

  it('names a file or Markdown block and points at its failing line', () => {
    expect(annotationFor(failed({ source: { kind: 'file', path: 'checks/c.py' } }))).toEqual({
      message: 'checks/c.py failed: NameError: x',
      properties: {
        title: 'Python error',
        file: 'checks/c.py',
        startLine: 2,
        endLine: 2,
        startColumn: 3,
      },
    });
    const block = failed({
      source: { kind: 'file', path: 'docs/a.md', fenceLine: 7 },
      errorLocation: { line: 9, calledFrom: [] },
    });
    expect(annotationFor(block)).toEqual({
      message: 'docs/a.md:7 failed: NameError: x',
      properties: { title: 'Python error', file: 'docs/a.md', startLine: 9, endLine: 9 },
    });
  });

  it('puts a notebook cell’s at the line of the .ipynb where its failing line stands', () => {
    const cell = failed({
      source: { kind: 'file', path: 'nb.ipynb', cell: 3 },
      result: { success: false, error: "Notebook 'nb.ipynb' cell 3, line 2: NameError: x" },
    } as Partial<RunReport>);
    expect(annotationFor(cell, [40, 41])).toEqual({
      message: "Notebook 'nb.ipynb' cell 3, line 2: NameError: x",
      properties: { title: 'Python error', file: 'nb.ipynb', startLine: 41, endLine: 41 },
    });
    // The injected parameters cell is in no file: the notebook, no line.
    expect(annotationFor(cell).properties).toEqual({ title: 'Python error', file: 'nb.ipynb' });
  });
});
