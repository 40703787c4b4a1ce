// The syntax pre-check for a batch: every run checked on the runner before any session, as a
// single run is. A run with a syntax error is that run's failure and costs no sandbox call.
import type { CodeRunResult } from '../runs/result.ts';
import type { SyntaxCheckMode } from '../inputs/parse.ts';
import type { PlannedRun } from '../runs/planned-run.ts';
import type { ErrorLocation } from '../runs/error-location.ts';
import { checkSyntax } from './syntax-check.ts';

/** A run the runner's interpreter already failed: the result to report, and where. */
export interface RunnerFailure {
  result: CodeRunResult;
  location?: ErrorLocation;
}

export interface BatchSyntax {
  /** By the run's position in the batch. */
  failures: Map<number, RunnerFailure>;
  /** How many runs were checked, and what the log says about it. */
  checked: number;
  summary: string;
}

/**
 * Checks each run that will be sent (skipped blocks are not; a block that must fail is left
 * to the sandbox, where its failure is what it expects). `syntax-check: true` still throws
 * an InputError for a run the runner cannot check, before any session.
 */
export function checkBatchSyntax(
  mode: SyntaxCheckMode,
  runs: readonly PlannedRun[],
  tempDir: string,
): BatchSyntax {
  const failures = new Map<number, RunnerFailure>();
  let checked = 0;
  const checkers = new Set<string>();
  const unchecked = new Set<string>();
  runs.forEach((run, index) => {
    if (run.skip || run.expectError) return;
    const check = checkSyntax(mode, run.language, run.code, tempDir);
    if (check.status === 'skipped' || check.status === 'inconclusive') {
      unchecked.add(check.reason);
      return;
    }
    checked++;
    checkers.add(check.checker);
    if (check.status === 'ok') return;
    failures.set(index, {
      result: {
        success: false,
        toolError: false,
        output: '',
        stdout: '',
        stderr: '',
        error: check.message,
        errorDetail: `${check.message}\n(found by ${check.checker} on the runner; not sent to the sandbox)`,
        results: [],
        executionTimeS: undefined,
        executionCount: undefined,
        format: 'structured',
        traceId: '',
      },
      location: check.location,
    });
  });
  const found = failures.size;
  const parts = [
    mode === 'false'
      ? 'Syntax not checked on the runner: syntax-check is false.'
      : `Syntax checked on the runner (${[...checkers].join(', ') || 'no checker'}): ${checked} of ${runs.length} runs, ${found} with a syntax error.`,
  ];
  if (mode !== 'false' && unchecked.size > 0) {
    parts.push(`Not checked: ${[...unchecked].join('; ')}.`);
  }
  return { failures, checked, summary: parts.join(' ') };
}
