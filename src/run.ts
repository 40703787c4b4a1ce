import path from 'node:path';
import * as core from '@actions/core';
import { AgentBayClient } from './agentbay/client.ts';
import { AgentBayError } from './agentbay/errors.ts';
import { watchCancellation } from './cancellation.ts';
import { debugExchange, describeFailure } from './failure.ts';
import { uploadArtifact } from './github/artifact.ts';
import { upsertComment } from './github/pr-comment.ts';
import { readApiKey, readInputs, type ActionInputs } from './inputs.ts';
import { annotate, fail, locationProperties } from './report/annotations.ts';
import { commentMarker, renderComment } from './report/comment.ts';
import { findErrorLocation } from './report/error-location.ts';
import { logRun } from './report/log.ts';
import { buildOutputs, setOutputs } from './report/outputs.ts';
import { resultFilePath, writeResultFile } from './report/result-file.ts';
import { richFilesDir, writeRichFiles } from './report/rich-files.ts';
import type { RunReport } from './report/run-report.ts';
import { LANGUAGE_NAMES, renderSummary } from './report/summary.ts';
import { renderSyntaxErrorSummary } from './report/syntax-summary.ts';
import { checkSyntax, type SyntaxCheck } from './syntax-check.ts';
import { newCleanupToken, sessionLabels } from './session-labels.ts';
import { saveState } from './state.ts';
import { USER_AGENT } from './version.ts';

/**
 * On cancellation: how long to wait for a create in flight, and for the delete. The handler
 * ignores the SIGTERM that follows SIGINT after 7.5 s, so it has until the kill at 10 s.
 */
const CANCEL_CREATE_WAIT_MS = 5_000;
const CANCEL_DELETE_MS = 4_000;

/** The main step: validate, create a session, run the code, report. Deletion is the post step's. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let inputs: ActionInputs;
  let syntax: SyntaxCheck;
  try {
    // Masked before anything else can print it.
    core.setSecret(readApiKey(core.getInput, env));
    inputs = readInputs(core.getInput, env);
    syntax = checkSyntax(inputs.syntaxCheck, inputs.language, inputs.code, env);
  } catch (error) {
    core.setFailed(describeFailure(error));
    return;
  }
  if (syntax.status === 'error') {
    // A syntax error costs no sandbox: report it like a failed run and stop here.
    await reportSyntaxError(inputs, env, syntax);
    return;
  }
  core.info(
    syntax.status === 'ok'
      ? `Syntax checked on the runner with ${syntax.checker}: no errors.`
      : `Syntax not checked on the runner: ${syntax.reason}.`,
  );

  const cleanupToken = newCleanupToken();
  saveState.cleanupToken(cleanupToken);
  if (!inputs.cleanup) saveState.keepSession();

  const client = new AgentBayClient({
    endpoint: inputs.endpoint,
    apiKey: inputs.apiKey,
    userAgent: USER_AGENT,
    onExchange: debugExchange,
  });
  let sessionId = '';
  let creating: Promise<{ sessionId: string; requestId: string }> | undefined;
  let cancelled = false;

  const stopWatching = watchCancellation(async (signal) => {
    cancelled = true;
    core.error(`The step was cancelled (${signal}).`);
    const id =
      sessionId ||
      (await Promise.race([
        creating?.then((s) => s.sessionId).catch(() => ''),
        new Promise<string>((resolve) =>
          setTimeout(() => resolve(''), CANCEL_CREATE_WAIT_MS).unref(),
        ),
      ])) ||
      '';
    if (!id && creating) saveState.createUncertain();
    if (id && inputs.cleanup) {
      try {
        await client.deleteSession(id, {
          timeoutMs: CANCEL_DELETE_MS,
          retryBudgetMs: CANCEL_DELETE_MS,
        });
        saveState.deletedByMain();
        core.info(`Deleted session ${id} on cancellation.`);
      } catch (error) {
        core.warning(
          `Could not delete session ${id} on cancellation (${describeFailure(error)}); the post step tries again.`,
        );
      }
    }
    core.setFailed(`Cancelled by ${signal}${id ? ` while session ${id} was in use` : ''}.`);
    // Exit now: the run_code call in flight would only add a second, misleading error.
    process.exit(1);
  });

  const started = Date.now();
  try {
    core.info(`Creating an AgentBay session on image ${inputs.imageId} at ${inputs.endpoint} …`);
    creating = client.createSession({
      imageId: inputs.imageId,
      labels: sessionLabels(env, cleanupToken, inputs.labels),
      loginRegionId: inputs.regionId,
      idleReleaseTimeoutS: inputs.idleTimeoutS,
    });
    const created = await creating;
    sessionId = created.sessionId;
    // Recorded before anything else can fail, so the post step can always delete it.
    saveState.sessionId(sessionId);
    core.setOutput('session-id', sessionId);
    // The cancellation handler owns the session now, and ends the process.
    if (cancelled) return;
    core.info(`Session ${sessionId} created (request id ${created.requestId || 'none'}).`);

    core.info(`Running ${inputs.language} code with a ${inputs.timeoutS} s timeout …`);
    const { result, requestId } = await client.runCode(sessionId, {
      code: inputs.code,
      language: inputs.language,
      timeoutS: inputs.timeoutS,
    });
    const resultFile = resultFilePath(env, sessionId);
    await report(inputs, env, {
      language: inputs.language,
      source: inputs.source,
      code: inputs.code,
      sessionId,
      requestId,
      result,
      wallTimeMs: Date.now() - started,
      sessionKept: !inputs.cleanup,
      resultFile,
      files: writeRichFiles(result.results, richFilesDir(resultFile)),
      errorLocation: result.success
        ? undefined
        : findErrorLocation(
            inputs.language,
            [result.errorDetail, result.stderr, result.error],
            inputs.code,
          ),
    });
  } catch (error) {
    if (!sessionId && error instanceof AgentBayError && error.outcomeUnknown) {
      saveState.createUncertain();
    }
    const message = describeFailure(error);
    core.setOutput('success', 'false');
    core.setOutput('error', message);
    core.setFailed(message);
  } finally {
    // Once cancelled, the handler still needs the client to delete the session; it exits.
    if (!cancelled) {
      stopWatching();
      await client.close();
    }
    core.debug(`Peak memory: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
  }
}

async function report(
  inputs: ActionInputs,
  env: NodeJS.ProcessEnv,
  runReport: RunReport,
): Promise<void> {
  writeResultFile(runReport);
  if (inputs.artifact)
    runReport.artifact = await uploadRunArtifact(inputs.artifact, runReport, env);
  logRun(runReport);
  setOutputs(buildOutputs(runReport, inputs.maxOutputSize));
  if (inputs.summary && env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(renderSummary(runReport)).write();
  }
  if (inputs.comment) await commentOnPullRequest(inputs, env, runReport);
  if (!inputs.cleanup) {
    annotate(
      'notice',
      `Session ${runReport.sessionId} is kept alive (cleanup: false); delete it when you are done.`,
    );
  }
  failIfCodeFailed(inputs, runReport);
}

/** The files and the result JSON as one artifact; a failed upload is a warning, not a failed run. */
async function uploadRunArtifact(
  name: string,
  runReport: RunReport,
  env: NodeJS.ProcessEnv,
): Promise<RunReport['artifact']> {
  const files = [runReport.resultFile, ...runReport.files.map((f) => f.path)];
  try {
    core.info(`Uploading ${files.length} file(s) as the artifact '${name}' …`);
    const artifact = await uploadArtifact(name, files, path.dirname(runReport.resultFile), env);
    core.info(`Uploaded the artifact '${name}'${artifact.url ? `: ${artifact.url}` : ''}.`);
    return { name: artifact.name, url: artifact.url };
  } catch (error) {
    annotate('warning', `Could not upload the artifact '${name}': ${describeFailure(error)}`);
    return undefined;
  }
}

async function commentOnPullRequest(
  inputs: ActionInputs,
  env: NodeJS.ProcessEnv,
  runReport: RunReport,
): Promise<void> {
  const { token, stepId } = inputs.comment!;
  const body = renderComment(runReport, {
    stepId,
    runUrl: runUrl(env),
    secrets: [inputs.apiKey, token],
  });
  try {
    const outcome = await upsertComment(env, token, commentMarker(stepId), body);
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

function runUrl(env: NodeJS.ProcessEnv): string {
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  if (
    !/^[\w.-]+\/[\w.-]+$/.test(env.GITHUB_REPOSITORY ?? '') ||
    !/^\d+$/.test(env.GITHUB_RUN_ID ?? '')
  ) {
    return '';
  }
  return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
}

/** The code's failure, as one annotation at the failing line when the error output names it. */
function failIfCodeFailed(inputs: ActionInputs, runReport: RunReport): void {
  const { result } = runReport;
  if (result.success) return;
  const properties = locationProperties(
    inputs.source,
    runReport.errorLocation,
    `${LANGUAGE_NAMES[inputs.language]} error`,
  );
  const message = `The ${inputs.language} code failed: ${result.error}`;
  if (inputs.failOnError) fail(message, properties);
  else annotate('warning', `${message} (fail-on-error is false, so the step succeeds)`, properties);
}

/** A syntax error found on the runner: outputs, annotation and summary, and no session. */
async function reportSyntaxError(
  inputs: ActionInputs,
  env: NodeJS.ProcessEnv,
  syntax: Extract<SyntaxCheck, { status: 'error' }>,
): Promise<void> {
  core.setOutput('success', 'false');
  core.setOutput('error', syntax.message);
  if (inputs.summary && env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(renderSyntaxErrorSummary(inputs, syntax)).write();
  }
  const properties = locationProperties(
    inputs.source,
    syntax.location,
    `${LANGUAGE_NAMES[inputs.language]} syntax error`,
  );
  const message = `The ${inputs.language} code has a syntax error (found by ${syntax.checker} on the runner; no session was created): ${syntax.message}`;
  if (inputs.failOnError) fail(message, properties);
  else annotate('warning', `${message} (fail-on-error is false, so the step succeeds)`, properties);
}
