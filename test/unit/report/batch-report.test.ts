import { describe, expect, it } from 'vitest';
import type { CodeRunResult } from '../../../src/runs/result.ts';
import {
  buildBatchOutputs,
  renderBatchSummary,
  type BatchEntry,
} from '../../../src/report/batch-report.ts';
import type { RunReport } from '../../../src/report/run-report.ts';
import { renderSummary } from '../../../src/report/summary.ts';
import { SUMMARY_MAX_BYTES } from '../../../src/report/truncate.ts';

const CODE = 'import sys\n\ndef ratio(a, b):\n    return a / b\n\nratio(1, 0)\n';
const ERROR = 'ZeroDivisionError: division by zero';
const TRACEBACK = `Traceback (most recent call last):\n  File "<cell>", line 6, in <module>\n  File "<cell>", line 4, in ratio\n${ERROR}\n`;

function report(path: string, result: Partial<CodeRunResult>): RunReport {
  return {
    language: 'python',
    source: { kind: 'file', path },
    code: CODE,
    sessionId: 's',
    requestId: 'R',
    result: {
      success: true,
      toolError: false,
      output: '',
      stdout: '',
      stderr: '',
      error: '',
      errorDetail: '',
      results: [],
      executionTimeS: 0.1,
      executionCount: undefined,
      traceId: '',
      format: 'structured',
      ...result,
    },
    wallTimeMs: 1,
    sessionKept: false,
    resultFile: '/tmp/r.json',
    files: [],
    sourceUrl: `https://github.com/o/r/blob/0123/${path}`,
  };
}

function failing(path: string, stderr = TRACEBACK): RunReport {
  return {
    ...report(path, { success: false, error: ERROR, stderr, errorDetail: TRACEBACK }),
    errorLocation: { line: 4, calledFrom: [6] },
  };
}

const entry = (r: RunReport): BatchEntry => ({ report: r, durationMs: 10 });

/** The failure section: from the linked failing line to the end of the collapsed traceback. */
function failureSection(markdown: string): string {
  const start = markdown.indexOf('\n[calc');
  return markdown.slice(start + 1, markdown.indexOf('</details>', start) + '</details>'.length);
}

describe('a failed run in the batch summary', () => {
  const bad = failing('calc.py');
  const summary = renderBatchSummary([entry(report('ok.py', { stdout: 'fine\n' })), entry(bad)], 5);

  it('has the failure section of a single run, word for word', () => {
    const section = failureSection(summary);
    expect(section).toMatch(
      /^\[calc&#46;py, line 4\]\(https:\/\/github\.com\/o\/r\/blob\/0123\/calc\.py#L4\):/,
    );
    expect(section).toContain('> 4 |     return a / b');
    expect(section).toContain('<details><summary>stderr, with the traceback</summary>');
    expect(section).toBe(failureSection(renderSummary(bad)));
  });

  it('comes first, open, and says the error once', () => {
    const first = summary.indexOf(
      '<details open><summary>❌ calc.py failed at line 4 (called from line 6)</summary>',
    );
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(summary.indexOf('<summary>✅ ok.py passed</summary>'));
    expect(summary.split('ZeroDivisionError&#58; division by zero')).toHaveLength(2);
    expect(summary).not.toContain(ERROR);
  });
});

describe('the batch summary’s budget', () => {
  it('holds 200 failures with long tracebacks, each with its section and its context', () => {
    const entries = Array.from({ length: 200 }, (_, i) =>
      entry(failing(`calc${i}.py`, `${'x'.repeat(100_000)}\n${TRACEBACK}`)),
    );
    const summary = renderBatchSummary(entries, 5);
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(summary.split('> 4 |     return a / b')).toHaveLength(201);
    expect(summary).toContain('the full text is in the result file');
  });

  it('stays under the limit when what is not cut (errors, names, lines) is too much', () => {
    const entries = Array.from({ length: 200 }, (_, i) => {
      const r = failing(`${'d/'.repeat(100)}calc${i}.py`);
      return entry({
        ...r,
        code: `${'<'.repeat(300)}\n`.repeat(5),
        errorLocation: { line: 3, calledFrom: [] },
        result: { ...r.result, error: '<'.repeat(1_000) },
      });
    });
    expect(Buffer.byteLength(renderBatchSummary(entries, 5))).toBeLessThanOrEqual(
      SUMMARY_MAX_BYTES,
    );
  });
});

describe('the files output of a batch', () => {
  it('lists whole entries, the batch’s own files first and the downloads last, as many as fit', () => {
    const withFile = {
      ...report('a.py', {}),
      files: [{ path: '/r/a.png', mimeType: 'image/png', result: 1, bytes: 9 }],
    };
    const outputs = (max: number) =>
      buildBatchOutputs(
        [entry(withFile)],
        max,
        '/r/index.json',
        [{ path: '/r/nb.ipynb', mimeType: 'application/x-ipynb+json' }],
        { dir: '/d', files: ['/d/out.txt'] },
      );
    const all = outputs(1_000_000);
    expect(JSON.parse(all.files!)).toEqual([
      { path: '/r/nb.ipynb', mimeType: 'application/x-ipynb+json' },
      { path: '/r/a.png', mimeType: 'image/png' },
      { path: '/d/out.txt', mimeType: 'application/octet-stream' },
    ]);
    expect(all.truncated).toBe('false');
    // An eighth of the budget for the files: room for two entries, not three.
    const cut = outputs(8 * (all.files!.length - 10));
    expect(JSON.parse(cut.files!)).toHaveLength(2);
    expect(cut.truncated).toBe('true');
  });
});
