import { describe, expect, it } from 'vitest';
import type { CodeRunResult } from '../../../src/runs/result.ts';
import { judge, noResult, placeInNotebook, placeInPage } from '../../../src/runs/judge.ts';
import type { PlannedRun, RunOutcome } from '../../../src/runs/planned-run.ts';

const describe_ = (error: unknown) => `described: ${String(error)}`;

function ran(result: Partial<CodeRunResult>): CodeRunResult {
  return { ...noResult(''), success: true, ...result };
}

function outcome(run: Partial<PlannedRun>, more: Partial<RunOutcome> = {}): RunOutcome {
  return {
    run: { source: { kind: 'inline' }, language: 'python', code: 'x', ...run },
    index: 0,
    sessionId: 's',
    requestId: 'r',
    durationMs: 1,
    ...more,
  };
}

describe('judge', () => {
  it("passes the code's own result through", () => {
    const result = ran({ stdout: 'hi\n', output: 'hi\n' });
    expect(judge(outcome({}, { result }), [], describe_)).toEqual({ result });
  });

  it('turns a block marked expect-error round, both ways', () => {
    const run = {
      source: { kind: 'file' as const, path: 'a.md', fenceLine: 7 },
      expectError: true,
    };
    const failed = ran({ success: false, error: 'ZeroDivisionError', errorDetail: 'tb' });
    expect(judge(outcome(run, { result: failed }), [], describe_).result).toMatchObject({
      success: true,
      error: '',
      errorDetail: '',
    });
    const passed = judge(outcome(run, { result: ran({}) }), [], describe_);
    expect(passed.result).toMatchObject({
      success: false,
      error: 'the block is marked expect-error, but it ran without an error',
    });
    // The failure is about the block, so it points at the fence.
    expect(passed.location).toBe(7);
  });

  it('says a notebook cell was tagged raises-exception when it did not raise', () => {
    const run = { source: { kind: 'file' as const, path: 'n.ipynb', cell: 2 }, expectError: true };
    expect(judge(outcome(run, { result: ran({}) }), [], describe_).result.error).toBe(
      'the cell is tagged raises-exception, but it ran without an error',
    );
  });

  it('fails a run whose output differs from what the page expects, at the expected line', () => {
    const run = { expectedOutput: { text: '42\n', line: 12 } };
    const judged = judge(outcome(run, { result: ran({ stdout: '41\n' }) }), [], describe_);
    expect(judged.result.success).toBe(false);
    expect(judged.result.error).toBe('the output differs from the expected output at line 12');
    expect(judged.result.errorDetail).toContain('41');
    expect(judged.location).toBe(12);
    expect(judge(outcome(run, { result: ran({ stdout: '42\n' }) }), [], describe_)).toEqual({
      result: ran({ stdout: '42\n' }),
    });
  });

  it('says which earlier run a run was not run after', () => {
    const first = outcome(
      { source: { kind: 'file', path: 'nb.ipynb', cell: 1 } },
      { index: 0, result: ran({ success: false, error: 'boom' }) },
    );
    const second = outcome(
      { source: { kind: 'file', path: 'nb.ipynb', cell: 2 } },
      { index: 1, notRunAfter: 0, sessionId: '' },
    );
    const judged = judge(second, [first, second], describe_);
    expect(judged.result.success).toBe(false);
    expect(judged.result.error).toBe('not run: nb.ipynb cell 1 failed before it');
  });

  it('counts a skipped run as neither failed nor run, and words a service failure', () => {
    expect(judge(outcome({ skip: true }, { skipped: true }), [], describe_).result).toMatchObject({
      success: true,
      error: '',
    });
    expect(judge(outcome({}, { serviceError: 'gone' }), [], describe_).result).toMatchObject({
      success: false,
      error: 'described: gone',
    });
  });
});

describe('where a failure is shown', () => {
  it("moves a block's failing line to the page's, or to the fence without one", () => {
    const source = { kind: 'file' as const, path: 'a.md', fenceLine: 10 };
    const failed = ran({ success: false, error: 'e' });
    const located = { source, result: failed, errorLocation: { line: 2, calledFrom: [1] } };
    placeInPage(located, undefined);
    expect(located.errorLocation).toEqual({ line: 12, calledFrom: [11] });
    const unlocated: Parameters<typeof placeInPage>[0] = { source, result: failed };
    placeInPage(unlocated, undefined);
    expect(unlocated.errorLocation).toEqual({ line: 10, calledFrom: [] });
    const expected: Parameters<typeof placeInPage>[0] = { source, result: failed };
    placeInPage(expected, 14);
    expect(expected.errorLocation).toEqual({ line: 14, calledFrom: [] });
    const passed: Parameters<typeof placeInPage>[0] = { source, result: ran({}) };
    placeInPage(passed, 14);
    expect(passed.errorLocation).toBeUndefined();
  });

  it("names a failing cell's notebook, cell and line in its error", () => {
    const report = {
      source: { kind: 'file' as const, path: 'nb.ipynb', cell: 3 },
      result: ran({ success: false, error: 'NameError' }),
      errorLocation: { line: 2, calledFrom: [] },
    };
    placeInNotebook(report);
    expect(report.result.error).toBe("Notebook 'nb.ipynb' cell 3, line 2: NameError");
  });
});
