// What went wrong on one AgentBay call, and when to ask again.
/** What went wrong on one AgentBay call, in a form callers can branch on. */
export type AgentBayErrorKind =
  /** The service answered with an error (HTTP 4xx/5xx, `Success: false`, `Data.Success: false`). */
  | 'api'
  /** No usable answer: connection refused or reset, DNS failure, timeout, unreadable body. */
  | 'transport';

export interface AgentBayErrorDetails {
  kind: AgentBayErrorKind;
  action: string;
  code?: string;
  httpStatus?: number;
  requestId?: string;
  /** The gateway host the call went to: a key works only with its own region's gateway. */
  host?: string;
  /** How many times the call was sent (1 when it was not retried). */
  attempts?: number;
  /** True when the request provably never reached the server, so resending it is safe. */
  notSent?: boolean;
  /** True when the server may have acted although no answer arrived (timeout, reset). */
  outcomeUnknown?: boolean;
}

export class AgentBayError extends Error {
  readonly kind: AgentBayErrorKind;
  readonly action: string;
  readonly code: string | undefined;
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;
  readonly host: string | undefined;
  attempts: number;
  readonly notSent: boolean;
  readonly outcomeUnknown: boolean;
  /** The bare message, without the code/status/request id decoration of `message`. */
  readonly detail: string;

  constructor(detail: string, details: AgentBayErrorDetails) {
    super(detail);
    this.name = 'AgentBayError';
    this.detail = detail;
    this.kind = details.kind;
    this.action = details.action;
    this.code = details.code;
    this.httpStatus = details.httpStatus;
    this.requestId = details.requestId;
    this.host = details.host;
    this.attempts = details.attempts ?? 1;
    this.notSent = details.notSent ?? false;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
    this.message = this.describe();
  }

  /** Sets the attempt count once retries are over, keeping `message` in step. */
  withAttempts(attempts: number): this {
    this.attempts = attempts;
    this.message = this.describe();
    return this;
  }

  private describe(): string {
    const facts = [
      this.code && `code ${this.code}`,
      this.httpStatus !== undefined && `HTTP ${this.httpStatus}`,
      this.host && `host ${this.host}`,
      this.requestId && `request id ${this.requestId}`,
      `after ${this.attempts} attempt${this.attempts === 1 ? '' : 's'}`,
    ].filter(Boolean);
    const tail = facts.length > 0 ? ` (${facts.join(', ')})` : '';
    return `${this.action} failed: ${this.detail}${tail}`;
  }
}

/** The error says the session no longer exists, so deleting it again is pointless. */
export function isSessionGone(error: unknown): boolean {
  if (!(error instanceof AgentBayError) || error.kind !== 'api') return false;
  // The protocol names InvalidMcpSession.NotFound. Other session codes may be spelled
  // differently, but an unknown *action* (InvalidAction.NotFound) or a proxy's bare
  // "Not Found" must not pass for a deleted session.
  const code = error.code ?? '';
  if (/^Invalid\w*Session\w*\.NotFound$/i.test(code)) return true;
  return !code && /session\b.*\bnot ?found|not ?found.*\bsession/i.test(error.detail);
}

// When to ask again.

/**
 * `idempotent`: safe to send again whatever happened (deletes, reads).
 * `unsent-only`: has side effects (creating a session, running code), so it is sent again
 * only when the first request provably never reached the server.
 */
export type RetryPolicy = 'idempotent' | 'unsent-only';

export interface RetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** No new attempt starts once this much time has passed since the first one. */
  totalBudgetMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 4_000,
  totalBudgetMs: 20_000,
};

const THROTTLING_CODES = new Set([
  'Throttling',
  'Throttling.User',
  'Throttling.Api',
  'ServiceUnavailable',
]);

export function isRetryable(error: unknown, policy: RetryPolicy): boolean {
  if (!(error instanceof AgentBayError)) return false;
  if (error.notSent) return true;
  if (policy === 'unsent-only') return false;
  if (error.kind === 'transport') return true;
  const status = error.httpStatus ?? 0;
  return status >= 500 || status === 429 || THROTTLING_CODES.has(error.code ?? '');
}

/** Exponential backoff with full jitter in its upper half, so parallel jobs spread out. */
export function backoffDelay(attempt: number, options: RetryOptions, random = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** A retry with less time than this left in the budget would only fail again. */
const MIN_RETRY_MS = 250;

/**
 * Runs `attempt` until it succeeds or the policy says stop. A retry is told how much of the
 * budget is left (`Infinity` for the first attempt), so that it ends inside the budget
 * instead of running its full timeout from wherever the budget happened to be.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  options: RetryOptions,
  attempt: (n: number, budgetLeftMs: number) => Promise<T>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  const started = Date.now();
  for (let n = 1; ; n++) {
    try {
      const left = n === 1 ? Infinity : options.totalBudgetMs - (Date.now() - started);
      return await attempt(n, left);
    } catch (error) {
      const delay = backoffDelay(n, options);
      const outOfTime = Date.now() - started + delay + MIN_RETRY_MS > options.totalBudgetMs;
      if (n >= options.maxAttempts || outOfTime || !isRetryable(error, policy)) {
        throw error instanceof AgentBayError ? error.withAttempts(n) : error;
      }
      await sleep(delay);
    }
  }
}
