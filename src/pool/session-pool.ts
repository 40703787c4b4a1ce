// Runs a batch of code runs over a small pool of sessions: with parallel 1 they share one
// session in order; with N, up to N sessions take the next run as they become free. A create
// refused while this step already holds a session is taken for the account's concurrent-session
// quota (its exact answer is undocumented) and retried with backoff; the runs are never lost.
import type { CreateSessionParams } from '../agentbay/client.ts';
import { AgentBayError, isSessionGone } from '../agentbay/errors.ts';
import type { CodeRunResult } from '../agentbay/run-code-result.ts';
import type { PlannedRun } from '../inputs/inputs.ts';

/**
 * What a batch does with a session, supplied by the step: the pool decides only which session
 * takes which run and when.
 */
export interface BatchWork {
  createSession(params: CreateSessionParams): Promise<{ sessionId: string; requestId: string }>;
  /**
   * Makes a session ready before its first run (upload, setup). A session whose preparation
   * throws takes no runs; the error is what runs no prepared session could take report.
   * `ordinal` numbers the step's sessions from 1 in the order they were created.
   */
  prepareSession(sessionId: string, ordinal: number): Promise<void>;
  /** One run in a prepared session; `codeFile` when the code ran from a file in the sandbox. */
  runOne(
    sessionId: string,
    run: PlannedRun,
  ): Promise<{ result: CodeRunResult; requestId: string; codeFile?: string }>;
  /** After a prepared session's last run, while it is still alive (download). Never throws. */
  finishSession(sessionId: string, ordinal: number): Promise<void>;
}

/** What happened to one run. */
export interface BatchOutcome {
  run: PlannedRun;
  /** 0-based position in the batch. */
  index: number;
  sessionId: string;
  requestId: string;
  /** The code's result; undefined when the service failed before the code could report. */
  result?: CodeRunResult;
  /** The sandbox file the code ran from, when it did: its error output names that file. */
  codeFile?: string;
  /** The service failure that kept the run from finishing (not the code's own error). */
  serviceError?: unknown;
  /** Not run: marked skip. */
  skipped?: boolean;
  /** Not run because the state it depended on is gone with its session (serviceError says why). */
  notRun?: boolean;
  /** Not run because this earlier run of its group failed (`stopGroupOnFailure`). */
  notRunAfter?: number;
  durationMs: number;
}

export interface BatchHooks {
  /** A create is about to be sent (recorded first, so a step killed meanwhile still knows). */
  createStarting(): void;
  /** A create was sent (for cancellation: it may still answer). */
  creating(request: Promise<{ sessionId: string }>): void;
  /** A create ended without a session, provably (the service refused it). */
  createFailed(): void;
  /** A session exists; called before it is used, so it can be recorded for the post step. */
  created(sessionId: string): void;
  /** A create went unanswered: the service may have made a session anyway. */
  createUncertain(): void;
  /** True once the step is cancelled: start nothing new. */
  stopped(): boolean;
  /** Progress for the log. */
  info(message: string): void;
  /** Waits; injectable so tests of the policy need not. */
  sleep?(ms: number): Promise<void>;
}

export interface BatchOptions {
  parallel: number;
  /** Run everything in this session of an earlier step instead of creating any. */
  reuseSessionId?: string;
  create: CreateSessionParams;
  /**
   * Runs already failed on the runner (a syntax error), by position: reported with this
   * result and never sent. A unit with nothing else to run needs no session.
   */
  failedBeforehand?: ReadonlyMap<number, CodeRunResult>;
}

/** Backoff between creates refused for quota: 1 s doubling to 10 s, with jitter. */
export const QUOTA_BACKOFF_MS = { first: 1_000, max: 10_000 };

type Unit = Array<{ run: PlannedRun; index: number }>;

/**
 * Runs every run and returns their outcomes in batch order. Throws only when no session at
 * all could be created (the first create's error), as a single run's step would.
 */
export async function runBatch(
  work: BatchWork,
  runs: readonly PlannedRun[],
  options: BatchOptions,
  hooks: BatchHooks,
): Promise<BatchOutcome[]> {
  const sleep = hooks.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  // A group (a Markdown page) is one unit of work: its runs go to one session, in order.
  const units: Unit[] = [];
  const byGroup = new Map<string, Unit>();
  runs.forEach((run, index) => {
    const existing = run.group === undefined ? undefined : byGroup.get(run.group);
    if (existing) return void existing.push({ run, index });
    const unit = [{ run, index }];
    units.push(unit);
    if (run.group !== undefined) byGroup.set(run.group, unit);
  });
  const failedBeforehand = options.failedBeforehand ?? new Map<number, CodeRunResult>();
  const outcomes: BatchOutcome[] = [];
  // A unit whose every run is skipped, already failed, or not run after such a failure
  // costs no session.
  const queue = units.filter((unit) => {
    const resolved: BatchOutcome[] = [];
    let failedAt: number | undefined;
    for (const next of unit) {
      const none = { ...next, sessionId: '', requestId: '', durationMs: 0 };
      const result = failedBeforehand.get(next.index);
      if (failedAt !== undefined && next.run.stopGroupOnFailure) {
        resolved.push({ ...none, notRunAfter: failedAt });
      } else if (result) {
        resolved.push({ ...none, result });
        failedAt ??= next.index;
      } else if (next.run.skip) {
        resolved.push({ ...none, skipped: true });
      } else {
        return true;
      }
    }
    outcomes.push(...resolved);
    return false;
  });
  let alive = 0;
  let ordinals = 0;
  let firstCreateError: unknown;
  let firstPrepareError: unknown;
  let lastLoss: Error | undefined;
  const inFlight = new Set<Promise<unknown>>();
  const workers = Math.min(options.parallel, queue.length);
  const unstarted = (): unknown =>
    firstPrepareError ?? firstCreateError ?? lastLoss ?? new Error('the run was not started');

  const createSession = async (): Promise<string | undefined> => {
    for (let attempt = 0; ; attempt++) {
      if (queue.length === 0 || hooks.stopped()) return undefined;
      hooks.createStarting();
      const request = work.createSession(options.create);
      hooks.creating(request);
      const settled = request.then(
        () => undefined,
        () => undefined,
      );
      inFlight.add(settled);
      void settled.then(() => inFlight.delete(settled));
      try {
        const { sessionId } = await request;
        hooks.created(sessionId);
        alive++;
        return sessionId;
      } catch (error) {
        if (error instanceof AgentBayError && !error.outcomeUnknown) hooks.createFailed();
        else hooks.createUncertain();
        // Creates sent together: a refusal may arrive before the siblings' sessions do.
        if (isQuotaRefusal(error) && alive === 0) {
          await Promise.all([...inFlight].filter((p) => p !== settled));
        }
        if (!isQuotaRefusal(error) || alive === 0) {
          firstCreateError ??= error;
          if (alive > 0) {
            hooks.info(
              `A session could not be created (${message(error)}); the runs go on in the ${alive} this step holds.`,
            );
          }
          return undefined;
        }
        const wait = Math.min(QUOTA_BACKOFF_MS.max, QUOTA_BACKOFF_MS.first * 2 ** attempt);
        hooks.info(
          `A session create was refused while this step holds ${alive} (taken for the concurrent-session quota); retrying in ${Math.round(wait / 1000)} s.`,
        );
        // In slices, so a worker waiting for quota stops as soon as the others took every run.
        const until = Date.now() + wait * (0.75 + Math.random() * 0.5);
        while (Date.now() < until && queue.length > 0 && !hooks.stopped()) {
          await sleep(Math.min(250, until - Date.now()));
        }
      }
    }
  };

  /** A session ready for runs (created or reused, then prepared), or undefined for none. */
  const readySession = async (): Promise<{ id: string; ordinal: number } | undefined> => {
    const id = options.reuseSessionId || (await createSession());
    if (!id || hooks.stopped()) return undefined;
    const ordinal = ++ordinals;
    try {
      await work.prepareSession(id, ordinal);
    } catch (error) {
      firstPrepareError ??= error;
      if (!hooks.stopped()) {
        hooks.info(
          `Session ${ordinal} could not be prepared, so it takes no runs: ${message(error).split('\n')[0]}`,
        );
      }
      return undefined;
    }
    return { id, ordinal };
  };

  const notRun = (next: Unit[number], reason: unknown, sessionId = ''): BatchOutcome => ({
    ...next,
    sessionId,
    requestId: '',
    serviceError: reason,
    durationMs: 0,
  });

  const worker = async (): Promise<void> => {
    let session = await readySession();
    // A session that took no run (the others took them all while it was being prepared) has
    // nothing of the runs' to bring back.
    let used = false;
    while (session && queue.length > 0 && !hooks.stopped()) {
      const unit = queue.shift() as Unit;
      used = true;
      // Set when the rest of the unit cannot run: it depended on what is gone.
      let stop: Error | undefined;
      let failedAt: number | undefined;
      for (const next of unit) {
        if (stop) {
          outcomes.push({ ...notRun(next, stop), notRun: true });
          continue;
        }
        if (failedAt !== undefined && next.run.stopGroupOnFailure) {
          outcomes.push({
            ...next,
            sessionId: '',
            requestId: '',
            notRunAfter: failedAt,
            durationMs: 0,
          });
          continue;
        }
        if (hooks.stopped()) {
          outcomes.push(notRun(next, unstarted()));
          continue;
        }
        const beforehand = failedBeforehand.get(next.index);
        if (beforehand) {
          outcomes.push({
            ...next,
            sessionId: '',
            requestId: '',
            result: beforehand,
            durationMs: 0,
          });
          failedAt ??= next.index;
          continue;
        }
        if (next.run.skip) {
          outcomes.push({
            ...next,
            sessionId: session.id,
            requestId: '',
            skipped: true,
            durationMs: 0,
          });
          continue;
        }
        const started = Date.now();
        try {
          const answer = await work.runOne(session.id, next.run);
          outcomes.push({
            ...next,
            sessionId: session.id,
            requestId: answer.requestId,
            result: answer.result,
            codeFile: answer.codeFile,
            durationMs: Date.now() - started,
          });
          if (!answer.result.success) failedAt ??= next.index;
        } catch (error) {
          failedAt ??= next.index;
          outcomes.push({
            ...next,
            sessionId: session.id,
            requestId: error instanceof AgentBayError ? (error.requestId ?? '') : '',
            serviceError: error,
            durationMs: Date.now() - started,
          });
          if (isSessionGone(error)) {
            stop = new Error(
              `not run: the session was lost during ${describeRun(next.run)}, and with it the state this run depends on`,
            );
          }
        }
      }
      if (stop) {
        // The session went away (idle release, deleted elsewhere): a fresh one, freshly
        // prepared, for the units still queued; a reused session cannot be replaced.
        alive--;
        lastLoss = stop;
        session = options.reuseSessionId ? undefined : await readySession();
        used = false;
      }
    }
    if (session && used && !hooks.stopped()) {
      await work.finishSession(session.id, session.ordinal);
    }
  };

  await Promise.all(Array.from({ length: workers }, () => worker()));
  if (outcomes.length === 0 && firstCreateError !== undefined && firstPrepareError === undefined) {
    throw firstCreateError;
  }
  // Runs nobody could take (every session lost or unprepared, or cancelled) are reported.
  for (const next of queue.splice(0).flat()) outcomes.push(notRun(next, unstarted()));
  return outcomes.sort((a, b) => a.index - b.index);
}

/** A run as a log line names it: the file, or the page and the block's line. */
function describeRun(run: PlannedRun): string {
  const where = run.source.kind === 'file' ? (run.source.path ?? 'the file') : 'the code';
  return run.source.fenceLine ? `the block at ${where}:${run.source.fenceLine}` : where;
}

/**
 * A create refused by the service (an answer, not a lost connection) that is not about the
 * key. Sent while this step's other sessions are alive, it is taken for the quota.
 */
export function isQuotaRefusal(error: unknown): boolean {
  if (!(error instanceof AgentBayError) || error.kind !== 'api') return false;
  if (error.httpStatus === 401 || error.httpStatus === 403) return false;
  return !/NOT_LOGIN|InvalidApiKey|InvalidAccessKey|Unauthori[sz]ed|Forbidden|SignatureDoesNotMatch|AccessDenied/i.test(
    error.code ?? '',
  );
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
