import { describe, expect, it } from 'vitest';
import type { CodeRunResult } from '../../../src/runs/result.ts';
import type { BatchEntry } from '../../../src/report/batch-report.ts';
import { batchCounts, isFailure, tableRow } from '../../../src/report/batch-report.ts';
import { runLogLine, runVerdict } from '../../../src/report/verdict.ts';

function entry(result: Partial<CodeRunResult>, flags: Partial<BatchEntry> = {}): BatchEntry {
  return {
    report: {
      language: 'python',
      source: { kind: 'file', path: 'docs/page.md', fenceLine: 7 },
      code: '1',
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
    },
    durationMs: 1200,
    ...flags,
  };
}

const passed = entry({});
const failed = entry({ success: false, error: 'NameError: x' });
const skipped = entry({}, { skipped: true });
const notRun = entry(
  { success: false, error: 'not run: docs/page.md:3 failed before it' },
  { notRun: true },
);

describe('runVerdict', () => {
  it('says skipped and not run before what the result says', () => {
    expect([passed, failed, skipped, notRun].map((e) => runVerdict(e))).toEqual([
      { kind: 'passed', text: 'passed', icon: '✅' },
      { kind: 'failed', text: 'failed', icon: '❌' },
      { kind: 'skipped', text: 'skipped', icon: '⏭️' },
      { kind: 'not-run', text: 'not run', icon: '⏹️' },
    ]);
  });

  it('is what the counts, the failures and the table go by', () => {
    const all = [passed, failed, skipped, notRun, failed];
    expect(batchCounts(all)).toEqual({ passed: 1, failed: 2, skipped: 1, notRun: 1 });
    expect(all.map(isFailure)).toEqual([false, true, false, false, true]);
    expect(all.map(tableRow)).toEqual([
      '| <code>docs/page&#46;md&#58;7</code> | Python | ✅ passed | 1.2 s |',
      '| <code>docs/page&#46;md&#58;7</code> | Python | ❌ failed | 1.2 s |',
      '| <code>docs/page&#46;md&#58;7</code> | Python | ⏭️ skipped | 1.2 s |',
      '| <code>docs/page&#46;md&#58;7</code> | Python | ⏹️ not run | 1.2 s |',
      '| <code>docs/page&#46;md&#58;7</code> | Python | ❌ failed | 1.2 s |',
    ]);
  });
});

describe('runLogLine', () => {
  it('names the run and its language, with the error of a failure and the reason of a run not run', () => {
    expect([passed, failed, skipped, notRun].map(runLogLine)).toEqual([
      'docs/page.md:7 (Python): passed',
      'docs/page.md:7 (Python): failed: NameError: x',
      'docs/page.md:7 (Python): skipped',
      'docs/page.md:7 (Python): not run: docs/page.md:3 failed before it',
    ]);
    expect(runLogLine(entry({ success: false }, { notRun: true }))).toBe(
      'docs/page.md:7 (Python): not run',
    );
  });
});
