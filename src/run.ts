import * as core from '@actions/core';
import { AgentBayClient } from './agentbay/client.ts';
import { AgentBayError } from './agentbay/errors.ts';
import { watchCancellation } from './cancellation.ts';
import { debugExchange, describeFailure } from './failure.ts';
import { readApiKey, readInputs, type ActionInputs } from './inputs.ts';
import { publishRun, publishSyntaxError } from './publish.ts';
import { findErrorLocation } from './report/error-location.ts';
import { redactResult, redactText } from './report/redact.ts';
import { resultFilePath } from './report/result-file.ts';
import { richFilesDir, writeRichFiles } from './report/rich-files.ts';
import type { RunReport } from './report/run-report.ts';
import { newCleanupToken, sessionLabels } from './session-labels.ts';
import { checkSyntax, type SyntaxCheck } from './syntax-check.ts';
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
    await publishSyntaxError(inputs, env, syntax);
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
    const answer = await client.runCode(sessionId, {
      code: inputs.code,
      language: inputs.language,
      timeoutS: inputs.timeoutS,
    });
    // Secrets out before anything is written: files, outputs, log, summary, comment.
    const secrets = [inputs.apiKey, inputs.comment?.token ?? ''];
    const result = redactResult(answer.result, secrets);
    const resultFile = resultFilePath(env, sessionId);
    const runReport: RunReport = {
      language: inputs.language,
      source: inputs.source,
      code: redactText(inputs.code, secrets),
      sessionId,
      requestId: answer.requestId,
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
    };
    await publishRun(inputs, env, runReport);
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
