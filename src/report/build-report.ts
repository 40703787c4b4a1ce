import type { CodeRunResult } from '../runs/result.ts';
import { blobUrl, type RunnerContext } from '../github/runner-context.ts';
import { findErrorLocation } from '../runs/error-location.ts';
import { makeRedactor } from '../text/secrets.ts';
import { redactResult } from './redact.ts';
import { resultFilePath } from './result-file.ts';
import { richFilesDir, writeRichFiles } from './rich-files.ts';
import type { ReportedCode, RunReport } from './run-report.ts';

/** A finished run_code call, as the service answered it, before anything is written. */
export interface FinishedRun extends ReportedCode {
  sessionId: string;
  requestId: string;
  result: CodeRunResult;
  wallTimeMs: number;
  sessionKept: boolean;
  /** Values that must not reach any file, output, log or summary. */
  secrets: string[];
  /** Files fetched with `download`. */
  downloads?: { dir: string; files: string[] };
  /** What `setup` printed. */
  setupOutput?: string;
  /** stdout and stderr already went to the log as they arrived. */
  streamed?: boolean;
  /** The sandbox file the code ran from, when it did: error output names it. */
  codeFile?: string;
  /** Names the result file when one session has several runs (default: the session id). */
  resultKey?: string;
}

/**
 * The report of one run: secrets out before anything is written (files, outputs, log,
 * summary, comment), rich results written to files, and the failing line located.
 */
export function buildRunReport(
  run: FinishedRun,
  context: Pick<RunnerContext, 'runnerTemp' | 'blobUrlBase'>,
): RunReport {
  // Built once: every encoded form of every secret, for each text of the report.
  const redact = makeRedactor(run.secrets);
  const result = redactResult(run.result, redact);
  const resultFile = resultFilePath(context.runnerTemp, run.resultKey ?? run.sessionId);
  return {
    language: run.language,
    source: run.source,
    code: redact(run.code),
    sessionId: run.sessionId,
    requestId: run.requestId,
    result,
    wallTimeMs: run.wallTimeMs,
    sessionKept: run.sessionKept,
    resultFile,
    downloads: run.downloads,
    streamed: run.streamed,
    setupOutput: run.setupOutput === undefined ? undefined : redact(run.setupOutput),
    files: writeRichFiles(result.results, richFilesDir(resultFile)),
    sourceUrl:
      run.source.kind === 'file' && run.source.path
        ? blobUrl(context, run.source.path) || undefined
        : undefined,
    errorLocation: result.success
      ? undefined
      : findErrorLocation(
          run.language,
          [result.errorDetail, result.stderr, result.error],
          run.code,
          run.codeFile,
        ),
  };
}
