// A run's verdict from what happened to it: the code's own result, turned round for a block
// that must fail, checked against the output a Markdown page expects; and where a failure is
// shown (the page's line for a block, the notebook's cell for a cell).
import type { CodeRunResult } from './result.ts';
import { sourceName, type CodeSource } from './code-source.ts';
import type { ErrorLocation } from './error-location.ts';
import { compareOutput } from './markdown-blocks.ts';
import { describeCellAt } from './notebook.ts';
import type { RunOutcome } from './planned-run.ts';

/** A result for a run that gave none (not run, or kept from finishing by the service). */
export function noResult(error: string): CodeRunResult {
  return {
    success: false,
    toolError: false,
    output: '',
    stdout: '',
    stderr: '',
    error,
    errorDetail: '',
    results: [],
    executionTimeS: undefined,
    executionCount: undefined,
    format: 'structured',
    traceId: '',
  };
}

/**
 * A run's verdict. `location` is a line of the page that the failure is about, when it is not
 * a line of the code. `describe` words a service failure (the step's wording of errors).
 */
export function judge(
  outcome: RunOutcome,
  outcomes: readonly RunOutcome[],
  describe: (error: unknown) => string,
): { result: CodeRunResult; location?: number } {
  const { run } = outcome;
  if (outcome.skipped) return { result: { ...noResult(''), success: true } };
  if (outcome.notRunAfter !== undefined) {
    const failed = outcomes.find((o) => o.index === outcome.notRunAfter);
    const name = failed ? sourceName(failed.run.source) : 'an earlier run';
    return { result: noResult(`not run: ${name} failed before it`) };
  }
  if (!outcome.result) return { result: noResult(describe(outcome.serviceError)) };
  const result = outcome.result;
  if (run.expectError) {
    return result.success
      ? {
          result: {
            ...result,
            success: false,
            error:
              run.source.cell !== undefined
                ? 'the cell is tagged raises-exception, but it ran without an error'
                : `the block is marked ${run.expectErrorMarker ?? 'expect-error'}, but it ran without an error`,
          },
          location: run.source.fenceLine,
        }
      : { result: { ...result, success: true, error: '', errorDetail: '' } };
  }
  if (result.success && run.expectedOutput) {
    const comparison = compareOutput(run.expectedOutput.text, result.stdout || result.output);
    if (!comparison.matches) {
      return {
        result: {
          ...result,
          success: false,
          error: `the output differs from the expected output at line ${run.expectedOutput.line}`,
          errorDetail: comparison.diff,
        },
        location: run.expectedOutput.line,
      };
    }
  }
  return { result };
}

/** The parts of a run's report that say where it failed. */
export interface FailurePlace {
  source: CodeSource;
  result: CodeRunResult;
  errorLocation?: ErrorLocation;
}

/** A failing notebook cell's error says where: the notebook, the cell and the line in it. */
export function placeInNotebook(report: FailurePlace): void {
  const { source, result } = report;
  if (source.cell === undefined || result.success) return;
  const where = describeCellAt(source.path ?? '', source.cell, report.errorLocation?.line);
  report.result = { ...result, error: `${where}: ${result.error}` };
}

/** A Markdown block's failing line, moved from the block's lines to the page's. */
export function placeInPage(report: FailurePlace, pageLine: number | undefined): void {
  const fence = report.source.fenceLine;
  if (!fence || report.result.success) return;
  if (pageLine !== undefined) {
    report.errorLocation = { line: pageLine, calledFrom: [] };
  } else if (report.errorLocation) {
    report.errorLocation = {
      ...report.errorLocation,
      line: fence + report.errorLocation.line,
      calledFrom: report.errorLocation.calledFrom.map((line) => fence + line),
    };
  } else {
    report.errorLocation = { line: fence, calledFrom: [] };
  }
}
