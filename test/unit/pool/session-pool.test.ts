import { describe, expect, it } from 'vitest';
import { AgentBayError } from '../../../src/agentbay/errors.ts';
import { isQuotaRefusal } from '../../../src/pool/session-pool.ts';

const api = (code: string, httpStatus = 400) =>
  new AgentBayError('refused', { kind: 'api', action: 'CreateMcpSession', code, httpStatus });

describe('isQuotaRefusal', () => {
  it('takes a service refusal of a create for the quota', () => {
    expect(isQuotaRefusal(api('QuotaExceeded.ConcurrentSession'))).toBe(true);
    expect(isQuotaRefusal(api('', 200))).toBe(true);
    expect(isQuotaRefusal(api('Throttling.User', 429))).toBe(true);
    expect(isQuotaRefusal(api('ServiceUnavailable', 503))).toBe(true);
  });

  it('never takes a key or permission problem, or a lost answer, for it', () => {
    for (const code of ['NOT_LOGIN', 'InvalidApiKey.NotFound', 'Forbidden.RAM', 'AccessDenied']) {
      expect(isQuotaRefusal(api(code))).toBe(false);
    }
    expect(isQuotaRefusal(api('', 401))).toBe(false);
    expect(isQuotaRefusal(api('', 403))).toBe(false);
    const transport = new AgentBayError('reset', {
      kind: 'transport',
      action: 'CreateMcpSession',
      outcomeUnknown: true,
    });
    expect(isQuotaRefusal(transport)).toBe(false);
    expect(isQuotaRefusal(new Error('x'))).toBe(false);
  });
});
