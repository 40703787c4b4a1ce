import path from 'node:path';
import * as core from '@actions/core';
import { printableId } from '../text/printable-id.ts';
import type { Redactor } from '../text/secrets.ts';
import { describeFailure } from './failure.ts';
import { uploadArtifact } from '../github/artifact.ts';
import { upsertComment } from '../github/pr-comment.ts';
import { blobUrl, type RunnerContext } from '../github/runner-context.ts';
import type { ActionInputs, CommentInputs } from '../inputs/action-inputs.ts';
import type { PlannedRun } from '../runs/planned-run.ts';
import { annotate, fail, locationProperties } from '../report/annotations.ts';
import { commentMarker, renderComment } from '../report/comment.ts';
import { logRun } from '../report/log.ts';
import { buildOutputs, failureOutputs, setOutputs } from '../report/outputs.ts';
import { renderFailureSummary, type FailureReport } from '../report/failure-summary.ts';
import { writeResultFile } from '../report/result-file.ts';
import type { ArtifactLink, RunReport } from '../report/run-report.ts';
import { renderSummary } from '../report/summary.ts';
import { renderSyntaxErrorSummary } from '../report/syntax-summary.ts';
import { LANGUAGE_NAMES } from '../report/verdict.ts';
import type { SyntaxCheck } from '../syntax/syntax-check.ts';
import { withNotes, type Selection } from '../report/selection-notes.ts';
import { noResult } from '../runs/judge.ts';
import { publishJUnit } from './publish-junit.ts';

/** What the inputs say about reporting. */
export type PublishOptions = Pick<
  ActionInputs,
  'artifact' | 'maxOutputSize' | 'summary' | 'comment' | 'cleanup' | 'failOnError' | 'junitFile'
>;

/**
 * Everything a finished run turns into for the workflow: the result file, the artifact, the
 * log, the outputs, the job summary, the pull-request comment, and the step's verdict.
 */
export async function publishRun(
  inputs: PublishOptions,
  context: RunnerContext,
  runReport: RunReport,
  { selection, redact }: { selection: Selection; redact: Redactor },
): Promise<void> {
  await writeResultFile(runReport);
  if (inputs.artifact) {
    runReport.artifact = await uploadRunArtifact(inputs.artifact, runReport, context);
  }
  await logRun(runReport);
  setOutputs(buildOutputs(runReport, inputs.maxOutputSize));
  publishJUnit(inputs.junitFile, [{ report: runReport, durationMs: runReport.wallTimeMs }], {
    shard: selection.shard,
    redact,
  });
  if (inputs.summary && context.jobSummary) {
    await core.summary.addRaw(withNotes(renderSummary(runReport), selection.notes)).write();
  }
  if (inputs.comment) await commentOnPullRequest(inputs.comment, context, runReport);
  if (!inputs.cleanup) {
    annotate(
      'notice',
      `Session ${printableId(runReport.sessionId)} is kept alive (cleanup: false); delete it when you are done.`,
    );
  }
  failIfCodeFailed(inputs, runReport);
}

/**
 * `changed-only` or `shard` left this job nothing to run: a success that says so in the log
 * and the summary, with no session created.
 */
export async function publishNothingToRun(
  inputs: Pick<ActionInputs, 'summary' | 'junitFile'>,
  context: RunnerContext,
  selection: Selection,
  redact: Redactor,
): Promise<void> {
  const why = selection.shard ? `no file is in ${selection.shard}` : 'no file changed';
  core.info(`Nothing to run: ${why}. No session was created.`);
  setOutputs({ success: 'true', passed: '0', failed: '0', results: '[]', error: '' });
  // An empty report still: the job gathering a matrix's reports finds one for every shard.
  publishJUnit(inputs.junitFile, [], { shard: selection.shard, redact });
  if (inputs.summary && context.jobSummary) {
    const heading = `### ✅ Nothing to run: ${why}`;
    const body = `${heading}\n\nNo session was created.\n`;
    await core.summary.addRaw(withNotes(body, selection.notes)).write();
  }
}

/** The files and the result JSON as one artifact; a failed upload is a warning, not a failed run. */
async function uploadRunArtifact(
  name: string,
  runReport: RunReport,
  context: RunnerContext,
): Promise<RunReport['artifact']> {
  const files = [
    runReport.resultFile,
    ...runReport.files.map((f) => f.path),
    ...(runReport.downloads?.files ?? []),
  ];
  return uploadFilesArtifact(name, files, path.dirname(runReport.resultFile), context);
}

/** Files under `rootDir` as one artifact; a failed upload is a warning, not a failed run. */
export async function uploadFilesArtifact(
  name: string,
  files: string[],
  rootDir: string,
  context: RunnerContext,
): Promise<ArtifactLink | undefined> {
  try {
    core.info(`Uploading ${files.length} file(s) as the artifact '${name}' …`);
    const artifact = await uploadArtifact(name, files, rootDir, context.runUrl);
    core.info(`Uploaded the artifact '${name}'${artifact.url ? `: ${artifact.url}` : ''}.`);
    return { name: artifact.name, url: artifact.url };
  } catch (error) {
    annotate('warning', `Could not upload the artifact '${name}': ${describeFailure(error)}`);
    return undefined;
  }
}

async function commentOnPullRequest(
  comment: CommentInputs,
  context: RunnerContext,
  runReport: RunReport,
): Promise<void> {
  const body = renderComment(runReport, { stepId: comment.stepId, runUrl: context.runUrl });
  await postComment(comment, body);
}

/** Creates or updates this step's comment; any problem is a warning, never a failed step. */
export async function postComment(comment: CommentInputs, body: string): Promise<void> {
  const { token, stepId } = comment;
  try {
    const outcome = await upsertComment(token, commentMarker(stepId), body);
    if (outcome.status === 'not-a-pull-request') {
      annotate(
        'notice',
        `comment: true only applies to pull_request and pull_request_target events; this is a '${outcome.event}' event, so no comment was posted.`,
      );
    } else {
      core.info(
        `${outcome.status === 'created' ? 'Posted' : 'Updated'} the pull-request comment ${outcome.url}.`,
      );
    }
  } catch (error) {
    annotate('warning', `Could not comment on the pull request: ${describeFailure(error)}`);
  }
}

/** The code's failure, as one annotation at the failing line when the error output names it. */
function failIfCodeFailed(inputs: PublishOptions, runReport: RunReport): void {
  const { result, language } = runReport;
  if (result.success) return;
  const properties = locationProperties(
    runReport.source,
    runReport.errorLocation,
    `${LANGUAGE_NAMES[language]} error`,
  );
  const message = `The ${language} code failed: ${result.error}`;
  if (inputs.failOnError) fail(message, properties);
  else annotate('warning', `${message} (fail-on-error is false, so the step succeeds)`, properties);
}

/** A syntax error found on the runner: outputs, annotation and summary, and no session. */
export async function publishSyntaxError(
  planned: PlannedRun,
  inputs: Pick<ActionInputs, 'summary' | 'failOnError' | 'junitFile'>,
  context: RunnerContext,
  found: Extract<SyntaxCheck, { status: 'error' }>,
  redact: Redactor,
  selection: Selection,
): Promise<void> {
  // The checker quotes the code (and the summary shows it): secrets out first.
  const syntax = { ...found, message: redact(found.message) };
  const run = { ...planned, code: redact(planned.code) };
  setOutputs(failureOutputs(syntax.message));
  const report: RunReport = {
    ...run,
    sessionId: '',
    requestId: '',
    result: noResult(syntax.message),
    wallTimeMs: 0,
    sessionKept: false,
    resultFile: '',
    files: [],
  };
  publishJUnit(inputs.junitFile, [{ report, durationMs: 0 }], { shard: selection.shard, redact });
  if (inputs.summary && context.jobSummary) {
    const sourceUrl = run.source.kind === 'file' ? blobUrl(context, run.source.path ?? '') : '';
    await core.summary.addRaw(renderSyntaxErrorSummary(run, syntax, sourceUrl)).write();
  }
  const properties = locationProperties(
    run.source,
    syntax.location,
    `${LANGUAGE_NAMES[run.language]} syntax error`,
  );
  const message = `The ${run.language} code has a syntax error (found by ${syntax.checker} on the runner; no session was created): ${syntax.message}`;
  if (inputs.failOnError) fail(message, properties);
  else annotate('warning', `${message} (fail-on-error is false, so the step succeeds)`, properties);
}

interface FailureOptions {
  /** Write the job summary (the `summary` input). */
  summary: boolean;
  /** Takes every form of every secret out of a text. */
  redact: Redactor;
}

/** A step that failed before the code gave a result (the service, the network). */
export async function publishFailure(
  failure: FailureReport,
  context: Pick<RunnerContext, 'jobSummary'>,
  options: FailureOptions,
): Promise<void> {
  const clean = redactFailure(failure, options.redact);
  setOutputs(failureOutputs(clean.message));
  core.setFailed(clean.message);
  await writeFailureSummary(clean, context, options);
}

/** Bad inputs: the step fails with the message, and the summary says what to fix. */
export async function publishInputFailure(
  failure: FailureReport,
  context: Pick<RunnerContext, 'jobSummary'>,
  options: FailureOptions,
): Promise<void> {
  const clean = redactFailure(failure, options.redact);
  core.setFailed(clean.message);
  await writeFailureSummary(clean, context, options);
}

function redactFailure(failure: FailureReport, redact: Redactor): FailureReport {
  const clean = { ...failure, message: redact(failure.message), detail: redact(failure.detail) };
  if (failure.setupOutput !== undefined) clean.setupOutput = redact(failure.setupOutput);
  return clean;
}

async function writeFailureSummary(
  failure: FailureReport,
  context: Pick<RunnerContext, 'jobSummary'>,
  options: FailureOptions,
): Promise<void> {
  if (!options.summary || !context.jobSummary) return;
  try {
    await core.summary.addRaw(renderFailureSummary(failure)).write();
  } catch (error) {
    core.warning(`Could not write the job summary: ${describeFailure(error)}`);
  }
}
