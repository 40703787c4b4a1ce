// Runs a step's runs over a small pool of sessions (a single run is a pool of one run): with
// parallel 1 they share one session in order; with N, up to N sessions take the next run as
// they become free. A create
// refused while this step already holds a session is taken for the account's concurrent-session
// quota (its exact answer is undocumented) and retried with backoff; the runs are never lost.
import type { CreateSessionParams } from '../agentbay/client.ts';
import { AgentBayError, isSessionGone } from '../agentbay/errors.ts';
import type { Language } from '../runs/language.ts';
import type { CodeRunResult } from '../runs/result.ts';
import type { PlannedRun, RunOutcome } from '../runs/planned-run.ts';

/** What each session of the pool got ready and brought back, by session id. */
export interface PreparedSession {
  ordinal: number;
  setupOutput?: string;
  /** `download`'s directory and the files it brought back (absolute paths on the runner). */
  downloads?: { dir: string; files: string[] };
}

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
  /**
   * One run in a prepared session; `codeFile` when the code ran from a file in the sandbox,
   * `streamed` when its output went to the log as it arrived.
   */
  runOne(
    sessionId: string,
    run: PlannedRun,
  ): Promise<{ result: CodeRunResult; requestId: string; codeFile?: string; streamed?: boolean }>;
  /**
   * Before a unit that follows another in the same session (a page, a notebook or a script
   * after another): clears what the earlier one left in these languages' interpreters, so
   * each starts clean. Throws when it cannot.
   */
  clearState(sessionId: string, languages: readonly Language[]): Promise<void>;
  /** After a prepared session's last run, while it is still alive (download). Never throws. */
  finishSession(sessionId: string, ordinal: number): Promise<void>;
}

export interface BatchHooks {
  /** A create is about to be sent (recorded first, so a step killed meanwhile still knows). */
  createStarting(): void;
  /** A create was sent (for cancellation: it may still answer). */
  creating(request: Promise<{ sessionId: string }>): void;
  /** A create ended without a session, provably (the service refused it). */
  createFailed(): void;
  /** A session exists; called before it is used, so it can be recorded for the post step. */
  created(sessionId: string, requestId: string): void;
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
type Next = Unit[number];

/**
 * Runs every run and returns their outcomes in order. Throws only when no session at all
 * could be created (the first create's error), as a single run's step would.
 */
export async function runBatch(
  work: BatchWork,
  runs: readonly PlannedRun[],
  options: BatchOptions,
  hooks: BatchHooks,
): Promise<RunOutcome[]> {
  return new SessionPool(work, options, hooks).run(runs);
}

/** One pool's bookkeeping: the runs still queued, what became of the rest, the sessions. */
class SessionPool {
  private queue: Unit[] = [];
  private readonly outcomes: RunOutcome[] = [];
  private readonly failedBeforehand: ReadonlyMap<number, CodeRunResult>;
  private readonly sleep: (ms: number) => Promise<void>;
  private alive = 0;
  private ordinals = 0;
  private firstCreateError: unknown;
  private firstPrepareError: unknown;
  private lastLoss: Error | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();

  private readonly work: BatchWork;
  private readonly options: BatchOptions;
  private readonly hooks: BatchHooks;

  constructor(work: BatchWork, options: BatchOptions, hooks: BatchHooks) {
    this.work = work;
    this.options = options;
    this.hooks = hooks;
    this.failedBeforehand = options.failedBeforehand ?? new Map();
    this.sleep = hooks.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async run(runs: readonly PlannedRun[]): Promise<RunOutcome[]> {
    // A unit whose every run is skipped, already failed, or not run after such a failure
    // costs no session.
    this.queue = unitsOf(runs).filter((unit) => !this.settleWithoutSession(unit));
    const workers = Math.min(this.options.parallel, this.queue.length);
    await Promise.all(Array.from({ length: workers }, () => this.worker()));
    if (
      this.outcomes.length === 0 &&
      this.firstCreateError !== undefined &&
      this.firstPrepareError === undefined
    ) {
      throw this.firstCreateError;
    }
    // Runs nobody could take (every session lost or unprepared, or cancelled) are reported.
    for (const next of this.queue.splice(0).flat()) {
      this.outcomes.push(notRun(next, this.unstarted()));
    }
    return this.outcomes.sort((a, b) => a.index - b.index);
  }

  /** Settles a unit that needs no session; false (and nothing recorded) when it does. */
  private settleWithoutSession(unit: Unit): boolean {
    const resolved: RunOutcome[] = [];
    let failedAt: number | undefined;
    for (const next of unit) {
      const none = { ...next, sessionId: '', requestId: '', durationMs: 0 };
      const result = this.failedBeforehand.get(next.index);
      if (failedAt !== undefined && next.run.stopGroupOnFailure) {
        resolved.push({ ...none, notRunAfter: failedAt });
      } else if (result) {
        resolved.push({ ...none, result });
        failedAt ??= next.index;
      } else if (next.run.skip) {
        resolved.push({ ...none, skipped: true });
      } else {
        return false;
      }
    }
    this.outcomes.push(...resolved);
    return true;
  }

  private unstarted(): unknown {
    return (
      this.firstPrepareError ??
      this.firstCreateError ??
      this.lastLoss ??
      new Error('the run was not started')
    );
  }

  private async createSession(): Promise<string | undefined> {
    const { hooks } = this;
    for (let attempt = 0; ; attempt++) {
      if (this.queue.length === 0 || hooks.stopped()) return undefined;
      hooks.createStarting();
      const request = this.work.createSession(this.options.create);
      hooks.creating(request);
      const settled = request.then(
        () => undefined,
        () => undefined,
      );
      this.inFlight.add(settled);
      void settled.then(() => this.inFlight.delete(settled));
      try {
        const { sessionId, requestId } = await request;
        hooks.created(sessionId, requestId);
        this.alive++;
        return sessionId;
      } catch (error) {
        if (error instanceof AgentBayError && !error.outcomeUnknown) hooks.createFailed();
        else hooks.createUncertain();
        // Creates sent together: a refusal may arrive before the siblings' sessions do.
        if (isQuotaRefusal(error) && this.alive === 0) {
          await Promise.all([...this.inFlight].filter((p) => p !== settled));
        }
        if (!isQuotaRefusal(error) || this.alive === 0) {
          this.firstCreateError ??= error;
          if (this.alive > 0) {
            hooks.info(
              `A session could not be created (${message(error)}); the runs go on in the ${this.alive} this step holds.`,
            );
          }
          return undefined;
        }
        await this.waitForQuota(attempt);
      }
    }
  }

  private async waitForQuota(attempt: number): Promise<void> {
    const wait = Math.min(QUOTA_BACKOFF_MS.max, QUOTA_BACKOFF_MS.first * 2 ** attempt);
    this.hooks.info(
      `A session create was refused while this step holds ${this.alive} (taken for the concurrent-session quota); retrying in ${Math.round(wait / 1000)} s.`,
    );
    // In slices, so a worker waiting for quota stops as soon as the others took every run.
    const until = Date.now() + wait * (0.75 + Math.random() * 0.5);
    while (Date.now() < until && this.queue.length > 0 && !this.hooks.stopped()) {
      await this.sleep(Math.min(250, until - Date.now()));
    }
  }

  /** A session ready for runs (created or reused, then prepared), or undefined for none. */
  private async readySession(): Promise<Session | undefined> {
    const id = this.options.reuseSessionId || (await this.createSession());
    if (!id || this.hooks.stopped()) return undefined;
    const ordinal = ++this.ordinals;
    try {
      await this.work.prepareSession(id, ordinal);
    } catch (error) {
      this.firstPrepareError ??= error;
      if (!this.hooks.stopped()) {
        this.hooks.info(
          `Session ${ordinal} could not be prepared, so it takes no runs: ${message(error).split('\n')[0]}`,
        );
      }
      return undefined;
    }
    return { id, ordinal, units: 0 };
  }

  private async worker(): Promise<void> {
    let session = await this.readySession();
    // A session that took no run (the others took them all while it was being prepared) has
    // nothing of the runs' to bring back.
    let used = false;
    while (session && this.queue.length > 0 && !this.hooks.stopped()) {
      const unit = this.queue.shift() as Unit;
      used = true;
      const lost = await this.runUnit(session, unit);
      if (lost) {
        // The session went away (idle release, deleted elsewhere): a fresh one, freshly
        // prepared, for the units still queued; a reused session cannot be replaced.
        this.alive--;
        this.lastLoss = lost;
        session = this.options.reuseSessionId ? undefined : await this.readySession();
        used = false;
      }
    }
    if (session && used && !this.hooks.stopped()) {
      await this.work.finishSession(session.id, session.ordinal);
    }
  }

  /** A unit's runs in order in one session; returns why the session is lost, if it is. */
  private async runUnit(session: Session, unit: Unit): Promise<Error | undefined> {
    // Set when the rest of the unit cannot run: it depended on what is gone.
    let { stop, lost } = await this.startClean(session, unit);
    let failedAt: number | undefined;
    const none = { sessionId: '', requestId: '', durationMs: 0 };
    for (const next of unit) {
      const beforehand = this.failedBeforehand.get(next.index);
      if (stop) {
        this.outcomes.push({ ...notRun(next, stop), notRun: true });
      } else if (failedAt !== undefined && next.run.stopGroupOnFailure) {
        this.outcomes.push({ ...next, ...none, notRunAfter: failedAt });
      } else if (this.hooks.stopped()) {
        this.outcomes.push(notRun(next, this.unstarted()));
      } else if (beforehand) {
        this.outcomes.push({ ...next, ...none, result: beforehand });
        failedAt ??= next.index;
      } else if (next.run.skip) {
        this.outcomes.push({ ...next, ...none, sessionId: session.id, skipped: true });
      } else {
        const outcome = await this.runOne(session, next);
        this.outcomes.push(outcome);
        // A run that must fail and did leaves the state as the author meant: the group goes on.
        const expected = next.run.expectError && outcome.result !== undefined;
        if (!outcome.result?.success && !expected) failedAt ??= next.index;
        if (outcome.serviceError !== undefined && isSessionGone(outcome.serviceError)) {
          lost = true;
          stop = new Error(
            `not run: the session was lost during ${describeRun(next.run)}, and with it the state this run depends on`,
          );
        }
      }
    }
    return lost ? stop : undefined;
  }

  /**
   * A unit after another in the same session starts from a clean interpreter. When that
   * cannot be done, the unit is not run (`stop` says why); `lost` when the session is gone.
   */
  private async startClean(
    session: Session,
    unit: Unit,
  ): Promise<{ stop: Error | undefined; lost: boolean }> {
    if (session.units++ === 0) return { stop: undefined, lost: false };
    const languages = [...new Set(unit.filter((n) => !n.run.skip).map((n) => n.run.language))];
    try {
      await this.work.clearState(session.id, languages);
      return { stop: undefined, lost: false };
    } catch (error) {
      return {
        stop: new Error(
          `not run: ${describeRun(unit[0]!.run)} needs a clean interpreter, and ${message(error)}`,
        ),
        lost: isSessionGone(error),
      };
    }
  }

  private async runOne(session: Session, next: Next): Promise<RunOutcome> {
    const started = Date.now();
    try {
      const answer = await this.work.runOne(session.id, next.run);
      return {
        ...next,
        sessionId: session.id,
        requestId: answer.requestId,
        result: answer.result,
        codeFile: answer.codeFile,
        streamed: answer.streamed,
        durationMs: Date.now() - started,
      };
    } catch (error) {
      return {
        ...next,
        sessionId: session.id,
        requestId: error instanceof AgentBayError ? (error.requestId ?? '') : '',
        serviceError: error,
        durationMs: Date.now() - started,
      };
    }
  }
}

interface Session {
  id: string;
  ordinal: number;
  /** Units this step ran in it so far: from the second on, each starts from a clean state. */
  units: number;
}

/** A group (a Markdown page) is one unit of work: its runs go to one session, in order. */
function unitsOf(runs: readonly PlannedRun[]): Unit[] {
  const units: Unit[] = [];
  const byGroup = new Map<string, Unit>();
  runs.forEach((run, index) => {
    const existing = run.group === undefined ? undefined : byGroup.get(run.group);
    if (existing) return void existing.push({ run, index });
    const unit = [{ run, index }];
    units.push(unit);
    if (run.group !== undefined) byGroup.set(run.group, unit);
  });
  return units;
}

/** A run that got no session to run in, and why (a service failure). */
function notRun(next: Next, reason: unknown, sessionId = ''): RunOutcome {
  return { ...next, sessionId, requestId: '', serviceError: reason, durationMs: 0 };
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
