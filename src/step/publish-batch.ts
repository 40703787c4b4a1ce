// Everything a batch's runs turn into for the workflow: a result file per run, the executed
// notebooks, the index file, the artifact, the log, the outputs, the job summary, the
// pull-request comment, one annotation per failed run, and the step's verdict.
import path from 'node:path';
import * as core from '@actions/core';
import type { RunnerContext } from '../github/runner-context.ts';
import type { PreparedSession } from '../pool/session-pool.ts';
import { annotate, annotationFor, fail } from '../report/annotations.ts';
import { renderBatchComment } from '../report/batch-comment.ts';
import {
  batchCounts,
  isFailure,
  renderBatchSummary,
  setBatchOutputs,
  writeBatchIndex,
  type BatchDownloads,
  type BatchEntry,
  type BatchFile,
  type SessionSetup,
} from '../report/batch-report.ts';
import { buildRunReport } from '../report/build-report.ts';
import { writeExecutedNotebooks, type CellOutcome } from '../report/executed-notebooks.ts';
import { printUntrusted } from '../report/log.ts';
import { resultFilePath, writeResultFile } from '../report/result-file.ts';
import type { ArtifactLink } from '../report/run-report.ts';
import { runLogLine } from '../report/verdict.ts';
import { judge, placeInNotebook, placeInPage } from '../runs/judge.ts';
import type { RunOutcome } from '../runs/planned-run.ts';
import type { CodeRunResult } from '../agentbay/run-code-result.ts';
import { makeRedactor, type Redactor } from '../text/secrets.ts';
import type { RunnerFailure } from '../syntax/batch-syntax.ts';
import { describeFailure } from './failure.ts';
import { withNotes, type Selection } from '../report/selection-notes.ts';
import { publishJUnit } from './publish-junit.ts';
import { postComment, uploadFilesArtifact, type PublishOptions } from './publish.ts';
import type { ActionInputs } from '../inputs/action-inputs.ts';

/** What the pool left for the batch's reports besides the outcomes. */
export interface BatchRun {
  outcomes: readonly RunOutcome[];
  wallTimeMs: number;
  /** Names this step's files (several steps may share a session, and a job's temp directory). */
  key: string;
  prepared: ReadonlyMap<string, PreparedSession>;
  syntaxFailures: ReadonlyMap<number, RunnerFailure>;
  secrets: string[];
  /** What `changed-only` and `shard` chose. */
  selection?: Selection;
}

type BatchInputs = PublishOptions & Pick<ActionInputs, 'parallel' | 'notebooks'>;

export async function publishBatch(
  inputs: BatchInputs,
  context: RunnerContext,
  batch: BatchRun,
): Promise<void> {
  const { entries, cellOutcomes } = await reportRuns(inputs, context, batch);
  const { downloads, setups, sessions } = sessionResults(inputs, batch.prepared);
  const notebookFiles = writeExecutedNotebooks(
    inputs.notebooks,
    cellOutcomes,
    resultFilePath(context.runnerTemp, `${batch.key}-notebooks`).replace(/\.json$/, ''),
    batch.secrets,
  );
  const indexFile = resultFilePath(context.runnerTemp, `${batch.key}-batch`);
  writeBatchIndex(
    indexFile,
    entries,
    [
      ...notebookFiles,
      ...downloads.files.map((file) => ({ path: file, mimeType: 'application/octet-stream' })),
    ],
    sessions,
  );
  logBatch(entries, notebookFiles);
  let artifact: ArtifactLink | undefined;
  if (inputs.artifact) {
    const files = [
      indexFile,
      ...entries.flatMap(({ report }) => [report.resultFile, ...report.files.map((f) => f.path)]),
      ...notebookFiles.map((f) => f.path),
      ...downloads.files,
    ];
    artifact = await uploadFilesArtifact(inputs.artifact, files, path.dirname(indexFile), context);
  }
  setBatchOutputs(
    entries,
    inputs.maxOutputSize,
    indexFile,
    notebookFiles,
    downloads,
    artifact?.url,
    batch.selection?.shard,
  );
  publishJUnit(inputs.junitFile, entries, {
    shard: batch.selection?.shard,
    redact: makeRedactor(batch.secrets),
  });
  if (inputs.summary && context.jobSummary) {
    const summary = renderBatchSummary(entries, batch.wallTimeMs, setups, artifact);
    await core.summary.addRaw(withNotes(summary, batch.selection?.notes ?? [])).write();
  }
  if (inputs.comment) {
    const body = renderBatchComment(entries, batch.wallTimeMs, {
      stepId: inputs.comment.stepId,
      runUrl: context.runUrl,
      artifactUrl: artifact?.url,
    });
    await postComment(inputs.comment, body);
  }
  judgeStep(inputs, entries, batch.outcomes);
}

/** Each run judged and reported, its result file written; a notebook's cells kept aside. */
async function reportRuns(
  inputs: BatchInputs,
  context: RunnerContext,
  batch: BatchRun,
): Promise<{ entries: BatchEntry[]; cellOutcomes: CellOutcome[] }> {
  const cellOutcomes: CellOutcome[] = [];
  const redact = makeRedactor(batch.secrets);
  const resultFiles: Promise<void>[] = [];
  const entries = batch.outcomes.map((outcome): BatchEntry => {
    const judged = judge(outcome, batch.outcomes, describeFailure);
    const report = buildRunReport(
      {
        language: outcome.run.language,
        source: outcome.run.source,
        code: outcome.run.code,
        sessionId: outcome.sessionId,
        requestId: outcome.requestId,
        result: judged.result,
        wallTimeMs: outcome.durationMs,
        sessionKept: !inputs.cleanup,
        secrets: batch.secrets,
        resultKey: `${batch.key}-run-${outcome.index + 1}`,
        codeFile: outcome.codeFile,
      },
      context,
    );
    // The runner's checker says where a syntax error is; no traceback does.
    const found = batch.syntaxFailures.get(outcome.index)?.location;
    if (found && outcome.result && !report.result.success) report.errorLocation = found;
    if (outcome.run.notebookCell !== undefined) {
      // The notebook keeps the error as the kernel gave it; reports add where it happened.
      cellOutcomes.push({ run: outcome.run, result: cellResult(outcome, report.result, redact) });
      if (outcome.notRunAfter === undefined) placeInNotebook(report);
    }
    placeInPage(report, judged.location);
    resultFiles.push(writeResultFile(report));
    const notRun = outcome.notRunAfter !== undefined || outcome.notRun === true;
    return { report, durationMs: outcome.durationMs, skipped: outcome.skipped, notRun };
  });
  await Promise.all(resultFiles);
  return { entries, cellOutcomes };
}

/**
 * What a cell's executed notebook shows: the reported result, except that a cell tagged
 * raises-exception keeps the error it raised (its verdict is a pass), as nbclient writes it.
 */
function cellResult(
  outcome: RunOutcome,
  reported: CodeRunResult,
  redact: Redactor,
): CodeRunResult | undefined {
  const raw = outcome.result;
  if (!raw) return undefined;
  if (!outcome.run.expectError || raw.success) return reported;
  return {
    ...reported,
    success: false,
    error: redact(raw.error),
    errorDetail: redact(raw.errorDetail),
  };
}

/** What the sessions brought back (downloads) and printed while getting ready (setup). */
function sessionResults(
  inputs: BatchInputs,
  prepared: ReadonlyMap<string, PreparedSession>,
): {
  downloads: BatchDownloads;
  setups: SessionSetup[];
  sessions: Array<{ session: number; sessionId: string; downloadDir: string }>;
} {
  const ordered = [...prepared.entries()].sort(([, a], [, b]) => a.ordinal - b.ordinal);
  const downloads = {
    dir: ordered.find(([, s]) => s.downloads)?.[1].downloads?.dir ?? '',
    files: ordered.flatMap(([, s]) => s.downloads?.files ?? []),
  };
  if (inputs.parallel > 1 && downloads.dir) downloads.dir = path.dirname(downloads.dir);
  const setups = ordered.flatMap(([, s]) =>
    s.setupOutput === undefined ? [] : [{ ordinal: s.ordinal, output: s.setupOutput }],
  );
  // Which session is `session-N`: the runs name their session by id.
  const sessions = ordered.map(([sessionId, s]) => ({
    session: s.ordinal,
    sessionId,
    downloadDir: s.downloads?.dir ?? '',
  }));
  return { downloads, setups, sessions };
}

function logBatch(entries: readonly BatchEntry[], notebookFiles: readonly BatchFile[]): void {
  const { passed, failed, notRun } = batchCounts(entries);
  // Errors are the sandbox's text (and names the workspace's): fenced from the runner.
  printUntrusted(entries.map(runLogLine).join('\n'));
  core.info(
    `${entries.length} runs: ${passed} passed, ${failed} failed${notRun ? `, ${notRun} not run` : ''}.`,
  );
  for (const file of notebookFiles) core.info(`Executed notebook written to ${file.path}`);
}

/** One annotation per failed run, then the step's verdict. */
function judgeStep(
  inputs: BatchInputs,
  entries: readonly BatchEntry[],
  outcomes: readonly RunOutcome[],
): void {
  entries.forEach((entry, i) => {
    if (!isFailure(entry)) return;
    const { message, properties } = annotationFor(entry, outcomes[i]?.run.fileLines);
    annotate(inputs.failOnError ? 'error' : 'warning', message, properties);
  });
  const { failed } = batchCounts(entries);
  if (failed > 0) {
    const message = `${failed} of ${entries.length} runs failed.`;
    if (inputs.failOnError) fail(message);
    else annotate('warning', `${message} (fail-on-error is false, so the step succeeds)`);
  }
}
