import { AgentBayError } from './errors.ts';

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
