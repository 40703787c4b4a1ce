import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  DEFAULT_RETRY,
  isRetryable,
  withRetry,
} from '../../../src/agentbay/errors.ts';
import { AgentBayError } from '../../../src/agentbay/errors.ts';

describe('retries', () => {
  const api = (code: string, httpStatus: number) =>
    new AgentBayError('x', { kind: 'api', action: 'A', code, httpStatus });

  it('retries idempotent calls on 5xx, 429, throttling and transport errors only', () => {
    expect(isRetryable(api('InternalError', 500), 'idempotent')).toBe(true);
    expect(isRetryable(api('', 429), 'idempotent')).toBe(true);
    expect(isRetryable(api('Throttling.User', 400), 'idempotent')).toBe(true);
    expect(isRetryable(api('ServiceUnavailable', 200), 'idempotent')).toBe(true);
    expect(isRetryable(api('NOT_LOGIN', 400), 'idempotent')).toBe(false);
    expect(
      isRetryable(
        new AgentBayError('reset', { kind: 'transport', action: 'A', outcomeUnknown: true }),
        'idempotent',
      ),
    ).toBe(true);
  });

  it('retries calls with side effects only when the request never left', () => {
    expect(isRetryable(api('InternalError', 500), 'unsent-only')).toBe(false);
    expect(
      isRetryable(
        new AgentBayError('reset', { kind: 'transport', action: 'A', outcomeUnknown: true }),
        'unsent-only',
      ),
    ).toBe(false);
    expect(
      isRetryable(
        new AgentBayError('refused', { kind: 'transport', action: 'A', notSent: true }),
        'unsent-only',
      ),
    ).toBe(true);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(1, DEFAULT_RETRY, () => 0)).toBe(250);
    expect(backoffDelay(1, DEFAULT_RETRY, () => 1)).toBe(500);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 1)).toBe(2000);
    expect(backoffDelay(10, DEFAULT_RETRY, () => 1)).toBe(DEFAULT_RETRY.maxDelayMs);
  });

  it('counts attempts into the final error', async () => {
    let calls = 0;
    const error = await withRetry(
      'idempotent',
      { ...DEFAULT_RETRY, maxAttempts: 3 },
      async () => {
        calls++;
        throw api('InternalError', 503);
      },
      async () => undefined,
    ).catch((e: unknown) => e as AgentBayError);
    expect(calls).toBe(3);
    expect(error.attempts).toBe(3);
    expect(error.message).toBe('A failed: x (code InternalError, HTTP 503, after 3 attempts)');
  });
});

describe('withRetry budget', () => {
  it('tells a retry how much of the budget is left, and starts none without enough', async () => {
    const seen: number[] = [];
    const error = await withRetry(
      'idempotent',
      {
        ...DEFAULT_RETRY,
        maxAttempts: 10,
        baseDelayMs: 100,
        maxDelayMs: 100,
        totalBudgetMs: 1_000,
      },
      async (_n, left) => {
        seen.push(left);
        // Each attempt uses what it is given, as a timed-out request would.
        if (Number.isFinite(left)) await new Promise((r) => setTimeout(r, Math.min(left, 300)));
        throw new AgentBayError('x', { kind: 'api', action: 'A', httpStatus: 503 });
      },
    ).catch((e: unknown) => e as AgentBayError);
    expect(error).toBeInstanceOf(AgentBayError);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[0]).toBe(Infinity);
    for (const left of seen.slice(1)) expect(left).toBeLessThanOrEqual(1_000);
    expect(seen.slice(1).every((left) => left >= 250)).toBe(true);
  });
});
