import { describe, expect, it } from 'vitest';
import { AgentBayError, isSessionGone } from '../../../src/agentbay/errors.ts';

const api = (code: string | undefined, detail: string) =>
  new AgentBayError(detail, { kind: 'api', action: 'DeleteSessionAsync', code, httpStatus: 400 });

describe('isSessionGone', () => {
  it('accepts the session-not-found codes and messages', () => {
    expect(
      isSessionGone(api('InvalidMcpSession.NotFound', 'Resource [McpSession] is not found.')),
    ).toBe(true);
    expect(isSessionGone(api('InvalidSession.NotFound', 'x'))).toBe(true);
    expect(isSessionGone(api(undefined, 'Resource [McpSession] is not found.'))).toBe(true);
  });

  it('does not take an unknown action, a bare 404 or a transport error for a deleted session', () => {
    expect(isSessionGone(api('InvalidAction.NotFound', 'Specified api is not found'))).toBe(false);
    expect(isSessionGone(api(undefined, 'Not Found'))).toBe(false);
    expect(isSessionGone(api('Context.NotFound', 'context not found'))).toBe(false);
    expect(
      isSessionGone(new AgentBayError('session not found', { kind: 'transport', action: 'x' })),
    ).toBe(false);
  });
});
