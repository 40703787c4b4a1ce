// The account's concurrent-session quota. The real service's refusal is not documented
// (protocol page §10 and §12.3: "Unknown"); the closest known shape is the business failure of
// creation, HTTP 200 with `Data.Success: false` and `Data.ErrMsg` (§5.2 rule 4, §10 "no
// capacity"), so that is the default. The other two channels the SDK checks can be chosen, so a
// client is tested against each way the refusal might arrive.
import { errorResponse, ok, type ApiResponse } from './envelope.ts';
import type { QuotaAnswer, SessionLimit } from './types.ts';

export const QUOTA_ANSWERS: readonly QuotaAnswer[] = [
  'data-success-false',
  'success-false',
  'http-error',
];
export const DEFAULT_QUOTA_CODE = 'QuotaExceeded.ConcurrentSession';

export function quotaMessage(max: number): string {
  return `The number of concurrent sessions has reached the limit of your plan (${max}). Release a session or upgrade the plan.`;
}

/** The answer to a CreateMcpSession that would exceed the limit. */
export function quotaRefusal(limit: SessionLimit): ApiResponse {
  const message = limit.message ?? quotaMessage(limit.max);
  const code = limit.code ?? DEFAULT_QUOTA_CODE;
  switch (limit.answer ?? 'data-success-false') {
    case 'data-success-false':
      return ok({ Data: { SessionId: '', Success: false, ErrMsg: message } });
    case 'success-false':
      return { status: 200, body: { Success: false, Code: code, Message: message } };
    case 'http-error':
      return errorResponse(limit.status ?? 400, code, message);
  }
}

/** Validates untrusted JSON (control API, CLI) as a limit; null or {} lifts it. */
export function parseSessionLimit(value: unknown): SessionLimit | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('session limit must be a JSON object like {"max": 2}');
  }
  const v = value as Partial<SessionLimit>;
  if (v.max === undefined) return undefined;
  if (typeof v.max !== 'number' || !Number.isInteger(v.max) || v.max < 0) {
    throw new Error('session limit: max must be a whole number >= 0');
  }
  if (v.answer !== undefined && !QUOTA_ANSWERS.includes(v.answer)) {
    throw new Error(`session limit: answer must be one of ${QUOTA_ANSWERS.join(', ')}`);
  }
  if (v.status !== undefined && (!Number.isInteger(v.status) || v.status < 400 || v.status > 599)) {
    throw new Error('session limit: status must be an HTTP error status (400-599)');
  }
  for (const key of ['code', 'message'] as const) {
    if (v[key] !== undefined && typeof v[key] !== 'string') {
      throw new Error(`session limit: ${key} must be a string`);
    }
  }
  return { ...v, max: v.max };
}
