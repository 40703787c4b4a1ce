// One RPC call against the local server: limits that the bundled action only meets at sizes
// and durations too large for an end-to-end test, and what reaches the exchange hook.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgentBayError } from '../../../src/agentbay/errors.ts';
import {
  Transport,
  type AgentBayClientOptions,
  type Exchange,
} from '../../../src/agentbay/transport.ts';
import { makeDispatcher } from '../../../src/agentbay/dispatcher.ts';
import { startServer, type AgentBayServer } from '../../../server/server.ts';
import { TEST_KEY } from '../../../scripts/step-runner.ts';

let server: AgentBayServer;
beforeAll(async () => {
  server = await startServer({ apiKey: TEST_KEY });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const transport = (options: Partial<AgentBayClientOptions> = {}) =>
  new Transport(
    {
      endpoint: server.url,
      apiKey: TEST_KEY,
      userAgent: 'test',
      retry: { baseDelayMs: 10, maxDelayMs: 20 },
      ...options,
    },
    makeDispatcher(options.endpoint ?? server.url, options.connectTimeoutMs ?? 10_000),
  );

/** The requests for `action` the server has recorded since `start` (its log is never reset). */
const sentSince = (start: number, action: string) =>
  server
    .requests()
    .slice(start)
    .filter((r) => r.action === action);

const listSessions = (t: Transport) =>
  t.call('ListSession', { Labels: '{}' }, { timeoutMs: t.callTimeoutMs, retry: 'idempotent' });

describe('Transport.call', () => {
  it('times a call out and retries it when it is idempotent', async () => {
    const start = server.requests().length;
    server.setFaults([{ action: 'GetLabel', type: 'delay', delayMs: 1_000 }]);
    const t = transport({
      callTimeoutMs: 200,
      retry: { baseDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 },
    });
    const error = (await t
      .call('GetLabel', { SessionId: 's-1' }, { timeoutMs: t.callTimeoutMs, retry: 'idempotent' })
      .catch((e: unknown) => e)) as AgentBayError;
    expect(error.message).toBe(
      `GetLabel failed: no answer within 200 ms (host ${new URL(server.url).host}, after 3 attempts)`,
    );
    expect(error.outcomeUnknown).toBe(true);
    expect(sentSince(start, 'GetLabel')).toHaveLength(3);
    await t.destroy();
  });

  it('drops ids that are not plain ids', async () => {
    server.setFaults([
      {
        action: 'ListSession',
        type: 'http-error',
        status: 400,
        code: 'X\n::error::x',
        message: 'm',
      },
    ]);
    const t = transport();
    const error = (await listSessions(t).catch((e: unknown) => e)) as AgentBayError;
    expect(error.code).toBeUndefined();
    expect(error.message).toBe(
      `ListSession failed: m (HTTP 400, host ${new URL(server.url).host}, request id ${error.requestId}, after 1 attempt)`,
    );
    await t.close();
  });

  it('tells the exchange hook each attempt, without the key', async () => {
    const exchanges: Exchange[] = [];
    server.setFaults([{ action: 'ListSession', nth: 1, type: 'http-error', status: 503 }]);
    const t = transport({ onExchange: (e) => exchanges.push(e) });
    await listSessions(t);
    expect(exchanges.map((e) => [e.action, e.httpStatus])).toEqual([
      ['ListSession', 503],
      ['ListSession', 200],
    ]);
    expect(exchanges[1]!.requestId).toMatch(/^[\w.:-]+$/);
    expect(JSON.stringify(exchanges)).not.toContain(TEST_KEY);
    await t.close();
  });

  it('refuses a response over the size cap with a clear error, without reading it all', async () => {
    const start = server.requests().length;
    const t = transport({ maxResponseBytes: 1024 * 1024 });
    server.setFaults([{ action: 'ListSession', type: 'oversized', sizeBytes: 4 * 1024 * 1024 }]);
    const error = await t
      .call('ListSession', { Labels: '{}' }, { timeoutMs: 5_000, retry: 'unsent-only' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentBayError);
    expect((error as AgentBayError).message).toBe(
      `ListSession failed: the response is larger than the 1 MiB limit (HTTP 200, host ${new URL(server.url).host}, after 1 attempt)`,
    );
    expect(sentSince(start, 'ListSession')).toHaveLength(1);
    await t.close();
  });
});

describe('Transport.requireSuccess', () => {
  it('reads Success:false as a refusal even without a Code, with the service message', () => {
    const t = transport();
    expect(() =>
      t.requireSuccess('SyncContext', {
        Success: false,
        Message: 'no such path',
        RequestId: 'r-1',
      }),
    ).toThrow(
      `SyncContext failed: no such path (host ${new URL(server.url).host}, request id r-1, after 1 attempt)`,
    );
    expect(() => t.requireSuccess('SyncContext', { Success: false })).toThrow(
      'SyncContext failed: the service refused',
    );
    expect(() => t.requireSuccess('SyncContext', { Success: true })).not.toThrow();
    void t.close();
  });
});

describe('errors name the gateway', () => {
  it('NOT_LOGIN names the host and asks whether the key belongs to another region', async () => {
    const t = transport({ apiKey: 'akm-another-region' });
    const error = (await listSessions(t).catch((e: unknown) => e)) as AgentBayError;
    const host = new URL(server.url).host;
    expect(error.code).toBe('NOT_LOGIN');
    expect(error.host).toBe(host);
    expect(error.message).toContain(
      `(the key belongs to another region? API keys are bound to a region and work only with its gateway (this call went to ${host}); known regions: cn-hangzhou, ap-southeast-1, us-east-1)`,
    );
    expect(error.message).toMatch(/\(code NOT_LOGIN, HTTP 400, host 127\.0\.0\.1:\d+, request id /);
  });

  it('an unreachable gateway is named too', async () => {
    const t = transport({ endpoint: 'http://127.0.0.1:1', retry: { maxAttempts: 1 } });
    const error = (await listSessions(t).catch((e: unknown) => e)) as AgentBayError;
    expect(error.kind).toBe('transport');
    expect(error.message).toContain('host 127.0.0.1:1');
  });
});
