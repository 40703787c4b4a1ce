import * as core from '@actions/core';
import { AgentBayClient } from './agentbay/client.ts';
import { AgentBayError } from './agentbay/errors.ts';
import type { CodeRunResult } from './agentbay/run-code-result.ts';
import { watchCancellation } from './cancellation.ts';
import { debugExchange, describeFailure } from './failure.ts';
import { readApiKey, readInputs, type ActionInputs } from './inputs.ts';
import { logRun } from './report/log.ts';
import { buildOutputs, setOutputs } from './report/outputs.ts';
import { resultFilePath, writeResultFile } from './report/result-file.ts';
import type { RunReport } from './report/run-report.ts';
import { renderSummary } from './report/summary.ts';
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
  try {
    // Masked before anything else can print it.
    core.setSecret(readApiKey(core.getInput, env));
    inputs = readInputs(core.getInput, env);
  } catch (error) {
    core.setFailed(describeFailure(error));
    return;
  }

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
    await report(inputs, env, {
      language: inputs.language,
      source: inputs.source,
      code: inputs.code,
      sessionId,
      requestId,
      result,
      wallTimeMs: Date.now() - started,
      sessionKept: !inputs.cleanup,
      resultFile: resultFilePath(env, sessionId),
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
  logRun(runReport);
  setOutputs(buildOutputs(runReport, inputs.maxOutputSize));
  if (inputs.summary && env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(renderSummary(runReport)).write();
  }
  if (!inputs.cleanup) {
    core.notice(
      `Session ${runReport.sessionId} is kept alive (cleanup: false); delete it when you are done.`,
    );
  }
  failIfCodeFailed(inputs, runReport.result);
}

function failIfCodeFailed(inputs: ActionInputs, result: CodeRunResult): void {
  if (result.success) return;
  const message = `The ${inputs.language} code failed: ${result.error}`;
  if (inputs.failOnError) core.setFailed(message);
  else core.warning(`${message} (fail-on-error is false, so the step succeeds)`);
}
