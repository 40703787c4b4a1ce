// The main step, one path for every shape of input: read the inputs into planned runs, check
// their syntax on the runner, run them in the session pool (a single run is a pool of one), and
// publish. Only the renderers differ: a single run is reported on its own, a batch as one.
import { randomBytes } from 'node:crypto';
import * as core from '@actions/core';
import { readRunnerContext, type RunnerContext } from '../github/runner-context.ts';
import { stepSecrets, type ActionInputs } from '../inputs/action-inputs.ts';
import { readApiKey } from '../inputs/api-key.ts';
import { readInputs } from '../inputs/inputs.ts';
import { readSecretEnv } from '../inputs/sandbox-inputs.ts';
import { OutputBudget } from '../pool/output-budget.ts';
import { runBatch, type BatchHooks, type BatchWork } from '../pool/session-pool.ts';
import type { PreparedSession } from '../pool/session-pool.ts';
import { sandboxWork } from '../pool/session-work.ts';
import { buildRunReport } from '../report/build-report.ts';
import { downloadDir, resultFilePath } from '../report/result-file.ts';
import { judge } from '../runs/judge.ts';
import type { RunOutcome } from '../runs/planned-run.ts';
import { SetupFailed } from '../sandbox/setup-failed.ts';
import { sessionProof } from '../state/ownership.ts';
import { sessionLabels } from '../state/session-labels.ts';
import { saveState, type SavedSession } from '../state/state.ts';
import { checkBatchSyntax, type RunnerFailure } from '../syntax/batch-syntax.ts';
import { checkSyntaxWith, type EarlyCheck, type SyntaxCheck } from '../syntax/syntax-check.ts';
import { makeRedactor, secretForms, type Redactor } from '../text/secrets.ts';
import { describeFailure, failureReport } from './failure.ts';
import { progressLog, type ProgressLog } from './progress-log.ts';
import { publishBatch } from './publish-batch.ts';
import {
  publishFailure,
  publishInputFailure,
  publishNothingToRun,
  publishRun,
  publishSyntaxError,
} from './publish.ts';
import { selectRuns } from './select-runs.ts';
import type { Selection } from '../report/selection-notes.ts';
import {
  checkReusedSession,
  requireRunCode,
  startStepSession,
  type StepSession,
} from './step-session.ts';

/** The main step: validate, run the code in sessions, report. Deletion is the post step's. */
export async function run(
  env: NodeJS.ProcessEnv = process.env,
  /** The syntax check the entry started before the action loaded, if it could. */
  earlyCheck?: EarlyCheck,
): Promise<void> {
  const context = readRunnerContext(env);
  const ready = await readStep(env, context, earlyCheck);
  if (!ready) return;
  const { inputs, selection } = ready;
  for (const notice of inputs.notices) core.notice(notice);
  const secrets = stepSecrets(inputs);
  const redact = makeRedactor(secrets);
  core.info(redact(inputs.gateway.note));
  for (const warning of [...inputs.gateway.warnings, ...inputs.lifecycleWarnings]) {
    core.warning(redact(warning));
  }
  if (!ready.syntax) {
    // changed-only or shard left nothing to run: a success, and no session.
    await publishNothingToRun(inputs, context, selection, redact);
    return;
  }
  const syntax = ready.syntax;
  if (syntax.error) {
    // A syntax error in the one run costs no sandbox: report it like a failed run and stop here.
    await publishSyntaxError(inputs.runs[0]!, inputs, context, syntax.error, redact, selection);
    return;
  }
  core.info(syntax.log);

  const session = startStepSession(inputs);
  const { reused, client, guard } = session;
  const log = progressLog(inputs, redact);
  const recorder = sessionRecorder(inputs, session, log);
  const started = Date.now();
  try {
    if (reused) {
      await checkReusedSession(client, reused, context.origin);
      core.setOutput('session-id', reused);
      log.reusing(reused);
    }
    const pool = await runPool(inputs, context, session, {
      hooks: recorder.hooks,
      log,
      sessions: recorder.sessions,
      secrets,
      syntaxFailures: syntax.failures,
    });
    if (guard.cancelled) return;
    const wallTimeMs = Date.now() - started;
    if (inputs.mode === 'single') {
      await publishSingle(inputs, context, { ...pool, wallTimeMs, secrets, redact, selection });
    } else {
      await publishBatch(inputs, context, {
        ...pool,
        wallTimeMs,
        key: pool.key(),
        syntaxFailures: syntax.failures,
        secrets,
        selection,
      });
    }
  } catch (error) {
    await publishFailure(failureReport(error, recorder.sessions[0]?.id ?? reused), context, {
      summary: inputs.summary,
      redact,
    });
  } finally {
    // Once cancelled, the guard still needs the client to delete the sessions; it exits.
    if (!guard.cancelled) {
      guard.stop();
      await client.close();
    }
    core.debug(`Peak memory: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
  }
}

/** What the syntax check on the runner found, for the step. */
interface StepSyntax {
  /** The line the log gets. */
  log: string;
  /** Runs of a batch the runner already failed, by position: never sent. */
  failures: ReadonlyMap<number, RunnerFailure>;
  /** A single run's syntax error: the step stops before any session. */
  error?: Extract<SyntaxCheck, { status: 'error' }>;
}

/**
 * The secrets masked first, then the inputs, the runs this job runs (`changed-only`, `shard`)
 * and their syntax check (none when no run is left); undefined when they failed (the failure
 * is published: bad input costs no session).
 */
async function readStep(
  env: NodeJS.ProcessEnv,
  context: RunnerContext,
  earlyCheck: EarlyCheck | undefined,
): Promise<{ inputs: ActionInputs; selection: Selection; syntax?: StepSyntax } | undefined> {
  let apiKey = '';
  let secretValues: string[] = [];
  try {
    // Masked before anything else can print it.
    apiKey = readApiKey(core.getInput, env);
    core.setSecret(apiKey);
    // Every secret-env value, in every form the action could print it, before anything else.
    secretValues = Object.values(readSecretEnv(core.getInput));
    for (const value of secretValues) for (const form of secretForms(value)) core.setSecret(form);
    const read = readInputs(core.getInput, context, env);
    const { inputs, selection } = await selectRuns(read, makeRedactor(stepSecrets(read)));
    if (inputs.runs.length === 0 && (read.changedOnly || read.shard)) {
      earlyCheck?.cancel();
      return { inputs, selection };
    }
    return { inputs, selection, syntax: await checkStepSyntax(inputs, context, earlyCheck) };
  } catch (error) {
    earlyCheck?.cancel();
    // The inputs are not known, but `summary: false` is still honoured. An input error may
    // quote an input, and the key may have been pasted into the wrong one.
    const summary = core.getInput('summary').trim().toLowerCase() !== 'false';
    await publishInputFailure(failureReport(error), context, {
      summary,
      redact: makeRedactor([apiKey, ...secretValues]),
    });
    return undefined;
  }
}

/**
 * A single run is checked with the check the entry may have started early, and a syntax
 * error ends the step; each run of a batch is checked, and a syntax error is that run's
 * failure (reported with the rest).
 */
async function checkStepSyntax(
  inputs: ActionInputs,
  context: RunnerContext,
  earlyCheck: EarlyCheck | undefined,
): Promise<StepSyntax> {
  if (inputs.mode === 'batch') {
    earlyCheck?.cancel();
    const checked = checkBatchSyntax(inputs.syntaxCheck, inputs.runs, context.runnerTemp);
    return { log: checked.summary, failures: checked.failures };
  }
  const [only] = inputs.runs as [ActionInputs['runs'][number]];
  const syntax = await checkSyntaxWith(
    earlyCheck,
    inputs.syntaxCheck,
    only.language,
    only.code,
    context.runnerTemp,
  );
  if (syntax.early) core.debug('The syntax check ran while the action loaded.');
  if (syntax.status === 'error') return { log: '', failures: new Map(), error: syntax };
  return {
    log:
      syntax.status === 'ok'
        ? `Syntax checked on the runner with ${syntax.checker}: no errors.`
        : `Syntax not checked on the runner: ${syntax.reason}.`,
    failures: new Map(),
  };
}

/**
 * The pool's hooks for what the step must remember: every session, as soon as it exists, in
 * the state (for the post step) and with the cancellation guard; the first as `session-id`.
 */
function sessionRecorder(
  inputs: ActionInputs,
  { cleanupToken, guard }: StepSession,
  log: ProgressLog,
): { hooks: BatchHooks; sessions: SavedSession[] } {
  const sessions: SavedSession[] = [];
  // The post step looks for an unconfirmed create's session only while one may exist.
  let creates = 0;
  let uncertain = false;
  const settle = (): void => {
    if (--creates === 0 && !uncertain) saveState.createSettled();
  };
  const hooks: BatchHooks = {
    createStarting: () => {
      log.creating();
      creates++;
      // Before the request leaves: a step killed while it is in flight still tells the post
      // step to look for the session the service may make.
      saveState.createSent();
    },
    creating: (request) => guard.creating(request),
    created: (id, requestId) => {
      guard.created(id);
      sessions.push({ id, proof: sessionProof(inputs.apiKey, cleanupToken, id) });
      // Recorded before the session is used, so the post step can always delete it.
      saveState.sessions(sessions);
      if (sessions.length === 1) core.setOutput('session-id', id);
      settle();
      // The cancellation guard owns the sessions now, and ends the process.
      if (!guard.cancelled) log.created(id, requestId);
    },
    createFailed: settle,
    createUncertain: () => {
      uncertain = true;
      saveState.createUncertain();
      settle();
    },
    stopped: () => guard.cancelled,
    info: (message) => log.pool(message),
  };
  return { hooks, sessions };
}

/** What the pool left: every run's outcome, and what each session prepared and brought back. */
interface PoolRun {
  outcomes: RunOutcome[];
  prepared: ReadonlyMap<string, PreparedSession>;
  /** Names the step's result files and downloads, once the first session is known. */
  key(): string;
}

/** Every run through the session pool, with the sandbox work environment in each session. */
async function runPool(
  inputs: ActionInputs,
  context: RunnerContext,
  { cleanupToken, reused, client }: StepSession,
  options: {
    hooks: BatchHooks;
    log: ProgressLog;
    /** The sessions created so far, in order. */
    sessions: readonly SavedSession[];
    secrets: string[];
    syntaxFailures: ReadonlyMap<number, RunnerFailure>;
  },
): Promise<PoolRun> {
  const { hooks, log } = options;
  const single = inputs.mode === 'single';
  const key = resultKey(single, reused, () => options.sessions[0]?.id ?? '');
  const poolSize = Math.min(inputs.parallel, inputs.runs.length);
  log.starting(poolSize);
  const { work, prepared } = sandboxWork(client, {
    sandbox: inputs.sandbox,
    timeoutS: inputs.timeoutS,
    parallel: inputs.parallel,
    poolSize,
    secrets: options.secrets,
    // A single run is bounded by one answer; a batch holds every run's until it reports.
    budget: single ? undefined : new OutputBudget(),
    downloadRoot: () => downloadDir(resultFilePath(context.runnerTemp, key())),
  });
  // A single run the service kept from finishing is the step's failure: nothing of it is
  // brought back, as nothing of it is reported.
  let serviceFailed = false;
  /** What each create answer said the image offers (undefined: it did not say). */
  const toolsOf = new Map<string, string[] | undefined>();
  const poolWork: BatchWork = {
    createSession: async (params) => {
      const created = await client.createSession(params);
      toolsOf.set(created.sessionId, created.tools);
      return created;
    },
    prepareSession: async (sessionId, ordinal) => {
      // Before anything reaches the session: an image without run_code cannot run the code.
      requireRunCode(inputs.imageId, toolsOf.get(sessionId));
      await work.prepareSession(sessionId, ordinal);
    },
    clearState: work.clearState,
    runOne: async (sessionId, run) => {
      log.running(run);
      try {
        return await work.runOne(sessionId, run);
      } catch (error) {
        serviceFailed = true;
        throw error;
      }
    },
    finishSession: async (sessionId, ordinal) => {
      if (!(single && serviceFailed)) await work.finishSession(sessionId, ordinal);
    },
  };
  const outcomes = await runBatch(
    poolWork,
    inputs.runs,
    {
      parallel: inputs.parallel,
      reuseSessionId: reused || undefined,
      failedBeforehand: new Map(
        [...options.syntaxFailures].map(([index, failure]) => [index, failure.result]),
      ),
      create: {
        imageId: inputs.imageId,
        labels: sessionLabels(context.origin, cleanupToken, inputs.labels),
        loginRegionId: inputs.regionId,
        lifecycle: inputs.lifecycle,
      },
    },
    hooks,
  );
  return { outcomes, prepared, key };
}

/**
 * Names the step's result files and downloads, fixed at first use (once a session exists): a
 * single run's is its session's id, as it always was; steps sharing a session must not share
 * files, so a reused session's or a batch's name takes a random suffix.
 */
function resultKey(single: boolean, reused: string, first: () => string): () => string {
  let key = '';
  return () =>
    (key ||=
      single && !reused
        ? first()
        : `${first() || reused || 'batch'}-${randomBytes(4).toString('hex')}`);
}

/** A single run: its report on its own, or, when the service kept it from a result, the step's failure. */
async function publishSingle(
  inputs: ActionInputs,
  context: RunnerContext,
  pool: PoolRun & {
    wallTimeMs: number;
    secrets: string[];
    redact: Redactor;
    selection: Selection;
  },
): Promise<void> {
  const outcome = pool.outcomes[0]!;
  if (!outcome.result) {
    const error = outcome.serviceError;
    // A session that could not be prepared took no run, but it is the one the step used.
    const sessionId = outcome.sessionId || [...pool.prepared.keys()][0] || inputs.reuseSessionId;
    await publishFailure(failureReport(error, sessionId), context, {
      summary: inputs.summary,
      redact: pool.redact,
    });
    if (error instanceof SetupFailed) core.debug('The code did not run: setup failed.');
    return;
  }
  const prepared = pool.prepared.get(outcome.sessionId);
  const report = buildRunReport(
    {
      language: outcome.run.language,
      source: outcome.run.source,
      code: outcome.run.code,
      sessionId: outcome.sessionId,
      requestId: outcome.requestId,
      result: judge(outcome, pool.outcomes, describeFailure).result,
      wallTimeMs: pool.wallTimeMs,
      sessionKept: !inputs.cleanup,
      secrets: pool.secrets,
      downloads: prepared?.downloads,
      setupOutput: prepared?.setupOutput,
      streamed: outcome.streamed,
      codeFile: outcome.codeFile,
      resultKey: pool.key(),
    },
    context,
  );
  await publishRun(inputs, context, report, { selection: pool.selection, redact: pool.redact });
}
