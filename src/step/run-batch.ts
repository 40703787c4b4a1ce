import { randomBytes } from 'node:crypto';
import path from 'node:path';
import * as core from '@actions/core';
import type { AnnotationProperties } from '@actions/core';
import type { CodeRunResult } from '../agentbay/run-code-result.ts';
import { runBatch, type BatchOutcome } from '../pool/session-pool.ts';
import { checkBatchSyntax, type RunnerFailure } from '../syntax/batch-syntax.ts';
import { describeFailure, failureReport } from './failure.ts';
import { stepSecrets, type ActionInputs, type PlannedRun } from '../inputs/inputs.ts';
import { postComment, publishFailure, uploadFilesArtifact } from './publish.ts';
import { runUrl } from '../github/run-url.ts';
import { renderBatchComment } from '../report/batch-comment.ts';
import { annotate, fail, locationProperties } from '../report/annotations.ts';
import { sourceName } from '../runs/code-source.ts';
import { describeCellAt } from '../runs/notebook.ts';
import { writeExecutedNotebooks, type CellOutcome } from '../report/executed-notebooks.ts';
import { printUntrusted } from '../report/log.ts';
import {
  batchCounts,
  isFailure,
  renderBatchSummary,
  runName,
  setBatchOutputs,
  writeBatchIndex,
  type BatchEntry,
} from '../report/batch-report.ts';
import { buildRunReport } from '../report/build-report.ts';
import type { ArtifactLink, RunReport } from '../report/run-report.ts';
import { compareOutput } from '../runs/markdown-blocks.ts';
import { downloadDir, writeResultFile, resultFilePath } from '../report/result-file.ts';
import { sandboxWork, type PreparedSession } from '../pool/session-work.ts';
import { LANGUAGE_NAMES } from '../report/verdict.ts';
import { sessionLabels } from '../state/session-labels.ts';
import { saveState, type SavedSession } from '../state/state.ts';
import { startStepSession } from './step-session.ts';
import { sessionProof } from '../state/ownership.ts';
import { printableId } from '../text/printable-id.ts';
import { makeRedactor } from '../text/secrets.ts';

/** The main step for several runs: a pool of sessions, every session recorded for the post step. */
export async function runBatchStep(
  inputs: ActionInputs,
  runs: readonly PlannedRun[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  // Before any session: a syntax-check input error stops the step here, as for a single run.
  const syntax = checkBatchSyntax(inputs.syntaxCheck, runs, env);
  core.info(syntax.summary);
  const { cleanupToken, reused, client, guard } = startStepSession(inputs);
  if (reused) core.setOutput('session-id', reused);
  const sessions: SavedSession[] = [];
  // The post step looks for an unconfirmed create's session only while one may exist.
  let creates = 0;
  let uncertain = false;
  const settle = (): void => {
    if (--creates === 0 && !uncertain) saveState.createSettled();
  };
  const secrets = stepSecrets(inputs);
  const redact = makeRedactor(secrets);
  const started = Date.now();
  // Steps sharing a session must not share result files: named once the first session is known.
  let batchKey = '';
  const key = (): string =>
    (batchKey ||= `${sessions[0]?.id || reused || 'batch'}-${randomBytes(4).toString('hex')}`);
  try {
    const poolSize = Math.min(inputs.parallel, runs.length);
    core.info(
      `Running ${runs.length} files in up to ${poolSize} session${poolSize === 1 ? '' : 's'} on image ${inputs.imageId} at ${inputs.endpoint} …`,
    );
    const sessionWork = sandboxWork(client, inputs, secrets, poolSize, () =>
      downloadDir(resultFilePath(env, key())),
    );
    const outcomes = await runBatch(
      { createSession: (params) => client.createSession(params), ...sessionWork.work },
      runs,
      {
        parallel: inputs.parallel,
        reuseSessionId: reused || undefined,
        failedBeforehand: new Map(
          [...syntax.failures].map(([index, failure]) => [index, failure.result]),
        ),
        create: {
          imageId: inputs.imageId,
          labels: sessionLabels(env, cleanupToken, inputs.labels),
          loginRegionId: inputs.regionId,
          idleReleaseTimeoutS: inputs.idleTimeoutS,
        },
      },
      {
        createStarting: () => {
          creates++;
          saveState.createSent();
        },
        creating: (request) => guard.creating(request),
        created: (id) => {
          guard.created(id);
          const proof = sessionProof(inputs.apiKey, cleanupToken, id);
          sessions.push({ id, proof });
          // Recorded before the session is used, so the post step can always delete it.
          saveState.batchSessions(sessions);
          if (sessions.length === 1) {
            saveState.sessionId(id, proof);
            core.setOutput('session-id', id);
          }
          settle();
          core.info(`Session ${printableId(id)} created.`);
        },
        createFailed: settle,
        createUncertain: () => {
          uncertain = true;
          saveState.createUncertain();
          settle();
        },
        stopped: () => guard.cancelled,
        info: (message) => core.info(redact(message)),
      },
    );
    if (guard.cancelled) return;
    await publishBatch(inputs, env, outcomes, Date.now() - started, key(), {
      prepared: sessionWork.prepared,
      syntaxFailures: syntax.failures,
      secrets,
    });
  } catch (error) {
    await publishFailure(failureReport(error, sessions[0]?.id ?? reused), env, {
      summary: inputs.summary,
      redact,
    });
  } finally {
    if (!guard.cancelled) {
      guard.stop();
      await client.close();
    }
  }
}

async function publishBatch(
  inputs: ActionInputs,
  env: NodeJS.ProcessEnv,
  outcomes: readonly BatchOutcome[],
  wallTimeMs: number,
  batchKey: string,
  {
    prepared,
    syntaxFailures,
    secrets,
  }: {
    prepared: ReadonlyMap<string, PreparedSession>;
    syntaxFailures: ReadonlyMap<number, RunnerFailure>;
    secrets: string[];
  },
): Promise<void> {
  const cellOutcomes: CellOutcome[] = [];
  const resultFiles: Promise<void>[] = [];
  const entries: BatchEntry[] = outcomes.map((outcome) => {
    const judged = judge(outcome, outcomes);
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
        secrets,
        resultKey: `${batchKey}-run-${outcome.index + 1}`,
        codeFile: outcome.codeFile,
      },
      env,
    );
    // The runner's checker says where a syntax error is; no traceback does.
    const found = syntaxFailures.get(outcome.index)?.location;
    if (found && outcome.result && !report.result.success) report.errorLocation = found;
    if (outcome.run.notebookCell !== undefined) {
      // The notebook keeps the error as the kernel gave it; reports add where it happened.
      cellOutcomes.push({ run: outcome.run, result: outcome.result ? report.result : undefined });
      if (outcome.notRunAfter === undefined) placeInNotebook(report);
    }
    placeInPage(report, judged.location);
    resultFiles.push(writeResultFile(report));
    const notRun = outcome.notRunAfter !== undefined || outcome.notRun === true;
    return { report, durationMs: outcome.durationMs, skipped: outcome.skipped, notRun };
  });
  await Promise.all(resultFiles);
  const sessions = [...prepared.values()].sort((a, b) => a.ordinal - b.ordinal);
  const downloads = {
    dir: sessions.find((s) => s.downloads)?.downloads?.dir ?? '',
    files: sessions.flatMap((s) => s.downloads?.files ?? []),
  };
  if (inputs.parallel > 1 && downloads.dir) downloads.dir = path.dirname(downloads.dir);
  const setups = sessions.flatMap((s) =>
    s.setupOutput === undefined ? [] : [{ ordinal: s.ordinal, output: s.setupOutput }],
  );

  const notebookFiles = writeExecutedNotebooks(
    inputs.notebooks,
    cellOutcomes,
    resultFilePath(env, `${batchKey}-notebooks`).replace(/\.json$/, ''),
    secrets,
  );
  const indexFile = resultFilePath(env, `${batchKey}-batch`);
  writeBatchIndex(
    indexFile,
    entries,
    [
      ...notebookFiles,
      ...downloads.files.map((file) => ({ path: file, mimeType: 'application/octet-stream' })),
    ],
    // Which session is `session-N`: the runs name their session by id.
    [...prepared.entries()]
      .map(([sessionId, s]) => ({
        session: s.ordinal,
        sessionId,
        downloadDir: s.downloads?.dir ?? '',
      }))
      .sort((a, b) => a.session - b.session),
  );
  const { passed, failed, notRun } = batchCounts(entries);
  // Errors are the sandbox's text (and names the workspace's): fenced from the runner.
  printUntrusted(
    entries
      .map(({ report, skipped, notRun: unrun }) => {
        const verdict = skipped
          ? 'skipped'
          : unrun
            ? report.result.error
            : report.result.success
              ? 'passed'
              : `failed: ${report.result.error}`;
        return `${runName(report)} (${LANGUAGE_NAMES[report.language]}): ${verdict}`;
      })
      .join('\n'),
  );
  core.info(
    `${entries.length} runs: ${passed} passed, ${failed} failed${notRun ? `, ${notRun} not run` : ''}.`,
  );
  for (const file of notebookFiles) core.info(`Executed notebook written to ${file.path}`);
  let artifact: ArtifactLink | undefined;
  if (inputs.artifact) {
    const files = [
      indexFile,
      ...entries.flatMap(({ report }) => [report.resultFile, ...report.files.map((f) => f.path)]),
      ...notebookFiles.map((f) => f.path),
      ...downloads.files,
    ];
    artifact = await uploadFilesArtifact(inputs.artifact, files, path.dirname(indexFile), env);
  }
  setBatchOutputs(
    entries,
    inputs.maxOutputSize,
    indexFile,
    notebookFiles,
    downloads,
    artifact?.url,
  );
  if (inputs.summary && env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(renderBatchSummary(entries, wallTimeMs, setups, artifact)).write();
  }
  if (inputs.comment) {
    const body = renderBatchComment(entries, wallTimeMs, {
      stepId: inputs.comment.stepId,
      runUrl: runUrl(env),
      artifactUrl: artifact?.url,
    });
    await postComment(inputs.comment, body);
  }
  entries.forEach((entry, i) => {
    if (!isFailure(entry)) return;
    const { report } = entry;
    const title = `${LANGUAGE_NAMES[report.language]} error`;
    const cellLines = outcomes[i]?.run.fileLines;
    annotate(
      inputs.failOnError ? 'error' : 'warning',
      report.source.cell !== undefined
        ? report.result.error
        : `${runName(report)} failed: ${report.result.error}`,
      report.source.cell !== undefined
        ? cellProperties(report, cellLines, title)
        : locationProperties(report.source, report.errorLocation, title),
    );
  });
  if (failed > 0) {
    const message = `${failed} of ${entries.length} runs failed.`;
    if (inputs.failOnError) fail(message);
    else annotate('warning', `${message} (fail-on-error is false, so the step succeeds)`);
  }
}

/** A run the service kept from finishing, as a failed result so it is reported like the rest. */
function serviceFailure(error: unknown): CodeRunResult {
  return {
    success: false,
    toolError: false,
    output: '',
    stdout: '',
    stderr: '',
    error: describeFailure(error),
    errorDetail: '',
    results: [],
    executionTimeS: undefined,
    executionCount: undefined,
    format: 'structured',
    traceId: '',
  };
}

/**
 * A run's verdict: the code's own, turned round for a block that must fail, and checked
 * against the expected output a Markdown page gives. `location` is a line of the page that
 * the failure is about, when it is not a line of the code.
 */
function judge(
  outcome: BatchOutcome,
  outcomes: readonly BatchOutcome[],
): { result: CodeRunResult; location?: number } {
  const { run } = outcome;
  if (outcome.skipped) return { result: { ...serviceFailure(''), success: true, error: '' } };
  if (outcome.notRunAfter !== undefined) {
    const failed = outcomes.find((o) => o.index === outcome.notRunAfter);
    const name = failed ? sourceName(failed.run.source) : 'an earlier run';
    return { result: { ...serviceFailure(''), error: `not run: ${name} failed before it` } };
  }
  if (!outcome.result) return { result: serviceFailure(outcome.serviceError) };
  const result = outcome.result;
  if (run.expectError) {
    return result.success
      ? {
          result: {
            ...result,
            success: false,
            error: 'the block is marked expect-error, but it ran without an error',
          },
          location: run.source.fenceLine,
        }
      : { result: { ...result, success: true, error: '', errorDetail: '' } };
  }
  if (result.success && run.expectedOutput) {
    const printed = result.stdout || result.output;
    const comparison = compareOutput(run.expectedOutput.text, printed);
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

/** A failing notebook cell's error says where: the notebook, the cell and the line in it. */
function placeInNotebook(report: RunReport): void {
  const { source, result } = report;
  if (source.cell === undefined || result.success) return;
  const where = describeCellAt(source.path ?? '', source.cell, report.errorLocation?.line);
  report.result = { ...result, error: `${where}: ${result.error}` };
}

/**
 * A failing cell's annotation: on the notebook file, at the line of the .ipynb where the
 * failing line of the cell stands when it is known (the message names the cell and its line).
 */
function cellProperties(
  report: RunReport,
  cellLines: readonly number[] | undefined,
  title: string,
): AnnotationProperties {
  const line = report.errorLocation ? cellLines?.[report.errorLocation.line - 1] : undefined;
  return line === undefined
    ? { title, file: report.source.path }
    : { title, file: report.source.path, startLine: line, endLine: line };
}

/** A Markdown block's failing line, moved from the block's lines to the page's. */
function placeInPage(report: RunReport, pageLine: number | undefined): void {
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
