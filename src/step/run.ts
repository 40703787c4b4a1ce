import { randomBytes } from 'node:crypto';
import * as core from '@actions/core';
import { AgentBayError } from '../agentbay/errors.ts';
import { failureReport } from './failure.ts';
import { readApiKey, readInputs, stepSecrets, type ActionInputs } from '../inputs/inputs.ts';
import { publishFailure, publishInputFailure, publishRun, publishSyntaxError } from './publish.ts';
import { runBatchStep } from './run-batch.ts';
import { buildRunReport } from '../report/build-report.ts';
import { downloadDir, resultFilePath } from '../report/result-file.ts';
import { sessionProof } from '../state/ownership.ts';
import { printableId } from '../text/printable-id.ts';
import { makeRedactor, secretForms } from '../text/secrets.ts';
import { sessionLabels } from '../state/session-labels.ts';
import { readSecretEnv } from '../inputs/sandbox-inputs.ts';
import { runUserCode } from '../sandbox/code-runner.ts';
import {
  downloadFiles,
  logStreamer,
  runSetup,
  SetupFailed,
  uploadWorkspaceFiles,
  type DownloadedFiles,
} from '../sandbox/work-environment.ts';
import { checkSyntaxWith, type EarlyCheck, type SyntaxCheck } from '../syntax/syntax-check.ts';
import { saveState } from '../state/state.ts';
import { startStepSession } from './step-session.ts';

/** The main step: validate, create a session, run the code, report. Deletion is the post step's. */
export async function run(
  env: NodeJS.ProcessEnv = process.env,
  /** The syntax check the entry started before the action loaded, if it could. */
  earlyCheck?: EarlyCheck,
): Promise<void> {
  let inputs: ActionInputs;
  let syntax: SyntaxCheck & { early?: true };
  let apiKey = '';
  let secretValues: string[] = [];
  try {
    // Masked before anything else can print it.
    apiKey = readApiKey(core.getInput, env);
    core.setSecret(apiKey);
    // Every secret-env value, in every form the action could print it, before anything else.
    secretValues = Object.values(readSecretEnv(core.getInput));
    for (const value of secretValues) for (const form of secretForms(value)) core.setSecret(form);
    inputs = readInputs(core.getInput, env);
    // Several runs: the sandbox reports each file's syntax errors as that run's failure.
    if (inputs.batch) return await runBatchStep(inputs, inputs.batch, env);
    syntax = await checkSyntaxWith(
      earlyCheck,
      inputs.syntaxCheck,
      inputs.language,
      inputs.code,
      env,
    );
    if (syntax.early) core.debug('The syntax check ran while the action loaded.');
  } catch (error) {
    earlyCheck?.cancel();
    // The inputs are not known, but `summary: false` is still honoured. An input error may
    // quote an input, and the key may have been pasted into the wrong one.
    const summary = core.getInput('summary').trim().toLowerCase() !== 'false';
    await publishInputFailure(failureReport(error), env, {
      summary,
      redact: makeRedactor([apiKey, ...secretValues]),
    });
    return;
  }
  const secrets = stepSecrets(inputs);
  const redact = makeRedactor(secrets);
  if (syntax.status === 'error') {
    // A syntax error costs no sandbox: report it like a failed run and stop here.
    await publishSyntaxError(inputs, env, syntax, redact);
    return;
  }
  core.info(
    syntax.status === 'ok'
      ? `Syntax checked on the runner with ${syntax.checker}: no errors.`
      : `Syntax not checked on the runner: ${syntax.reason}.`,
  );

  const { cleanupToken, reused, client, guard } = startStepSession(inputs);
  let sessionId = '';
  const started = Date.now();
  try {
    if (reused) {
      sessionId = reused;
      core.setOutput('session-id', sessionId);
      core.info(
        `Using session ${sessionId} from an earlier step (session-id); the step that created it deletes it.`,
      );
    } else {
      core.info(`Creating an AgentBay session on image ${inputs.imageId} at ${inputs.endpoint} …`);
      // Before the request leaves: a step killed while it is in flight still tells the post
      // step to look for the session the service may make.
      saveState.createSent();
      const creating = client.createSession({
        imageId: inputs.imageId,
        labels: sessionLabels(env, cleanupToken, inputs.labels),
        loginRegionId: inputs.regionId,
        idleReleaseTimeoutS: inputs.idleTimeoutS,
      });
      guard.creating(creating);
      const created = await creating;
      sessionId = created.sessionId;
      guard.created(sessionId);
      // Recorded before anything else can fail, so the post step can always delete it.
      saveState.sessionId(sessionId, sessionProof(inputs.apiKey, cleanupToken, sessionId));
      core.setOutput('session-id', sessionId);
      // The cancellation guard owns the session now, and ends the process.
      if (guard.cancelled) return;
      core.info(
        `Session ${printableId(sessionId)} created (request id ${created.requestId || 'none'}).`,
      );
    }

    const { sandbox } = inputs;
    const envs = { ...sandbox.env, ...sandbox.secretEnv };
    await uploadWorkspaceFiles(client, sessionId, sandbox);
    const setup = await runSetup(client, sessionId, sandbox, envs, secrets);

    const mode = inputs.timeoutS > 60 ? 'as a background process (timeout above 60 s)' : '';
    core.info(
      `Running ${inputs.language} code with a ${inputs.timeoutS} s timeout${mode ? ` ${mode}` : ''} …`,
    );
    const answer = await runUserCode(
      client,
      sessionId,
      {
        code: inputs.code,
        language: inputs.language,
        source: inputs.source,
        timeoutS: inputs.timeoutS,
        envs,
      },
      { onOutput: logStreamer(secrets) },
    );
    for (const notice of answer.notices) core.notice(notice);
    // Steps sharing a session must not share a result file, nor its download directory.
    const resultKey = reused ? `${reused}-${randomBytes(4).toString('hex')}` : sessionId;
    let downloads: DownloadedFiles | undefined;
    if (sandbox.download.length > 0) {
      downloads = await downloadFiles(
        client,
        sessionId,
        sandbox,
        downloadDir(resultFilePath(env, resultKey)),
        secrets,
      );
    }
    const report = buildRunReport(
      {
        language: inputs.language,
        source: inputs.source,
        code: inputs.code,
        sessionId,
        requestId: answer.requestId,
        result: answer.result,
        wallTimeMs: Date.now() - started,
        sessionKept: !inputs.cleanup,
        secrets,
        downloads,
        setupOutput: setup?.output,
        streamed: answer.mode === 'background',
        codeFile: answer.codeFile,
        resultKey,
      },
      env,
    );
    await publishRun(inputs, env, report);
  } catch (error) {
    if (!sessionId && !guard.cancelled) {
      // The create failed: either provably without a session, or with no answer to go by.
      if (error instanceof AgentBayError && !error.outcomeUnknown) saveState.createFailed();
      else saveState.createUncertain();
    }
    await publishFailure(failureReport(error, sessionId), env, { summary: inputs.summary, redact });
    if (error instanceof SetupFailed) core.debug('The code did not run: setup failed.');
  } finally {
    // Once cancelled, the guard still needs the client to delete the session; it exits.
    if (!guard.cancelled) {
      guard.stop();
      await client.close();
    }
    core.debug(`Peak memory: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
  }
}
