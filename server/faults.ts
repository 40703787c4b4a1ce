// Decides which injected fault, if any, applies to a request. What each fault does to the
// exchange lives in http.ts; this module only keeps the rules and their per-rule call counters.
import type { FaultRule, FaultType } from './types.ts';

const FAULT_TYPES: readonly FaultType[] = [
  'http-error',
  'success-false',
  'delay',
  'reset-before',
  'reset-after',
  'malformed-json',
  'oversized',
  'data-success-false',
  'session-id',
  'ignore-labels',
];

export interface AppliedFault {
  rule: FaultRule;
  index: number;
}

export class FaultPlan {
  private rules: FaultRule[] = [];
  private counts: number[] = [];

  set(rules: FaultRule[]): void {
    this.rules = rules.map((rule) => ({ ...rule }));
    this.counts = rules.map(() => 0);
  }

  clear(): void {
    this.set([]);
  }

  /** Counts the call against every rule naming the action; the first rule in range applies. */
  next(action: string): AppliedFault | undefined {
    let applied: AppliedFault | undefined;
    this.rules.forEach((rule, index) => {
      if (rule.action !== '*' && rule.action !== action) return;
      const count = ++this.counts[index]!;
      if (!applied && inRange(rule, count)) applied = { rule, index };
    });
    return applied;
  }
}

function inRange(rule: FaultRule, count: number): boolean {
  const first = rule.nth ?? 1;
  const times = rule.times ?? (rule.nth !== undefined ? 1 : Infinity);
  return count >= first && count < first + times;
}

/** Validates untrusted JSON (from the control API) as a list of fault rules. */
export function parseFaultRules(value: unknown): FaultRule[] {
  if (!Array.isArray(value)) throw new Error('faults must be a JSON array of rules');
  return value.map((rule: unknown, i) => {
    if (rule === null || typeof rule !== 'object') throw new Error(`fault ${i} is not an object`);
    const r = rule as Partial<FaultRule>;
    if (typeof r.action !== 'string' || !r.action)
      throw new Error(`fault ${i}: action is required`);
    if (!r.type || !FAULT_TYPES.includes(r.type)) {
      throw new Error(`fault ${i}: type must be one of ${FAULT_TYPES.join(', ')}`);
    }
    for (const key of ['nth', 'times', 'status', 'delayMs', 'sizeBytes'] as const) {
      if (r[key] !== undefined && (typeof r[key] !== 'number' || !(r[key] >= 0))) {
        throw new Error(`fault ${i}: ${key} must be a non-negative number`);
      }
    }
    if (r.type === 'session-id' && (typeof r.sessionId !== 'string' || !r.sessionId)) {
      throw new Error(`fault ${i}: session-id needs a non-empty sessionId`);
    }
    return r as FaultRule;
  });
}
