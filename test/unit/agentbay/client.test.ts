// The AgentBay client on its own, against the local server: limits that the bundled action
// only meets at sizes and durations too large for an end-to-end test.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgentBayClient } from '../../../src/agentbay/client.ts';
import { AgentBayError } from '../../../src/agentbay/errors.ts';
import { startServer, type AgentBayServer } from '../../../server/server.ts';
import { TEST_KEY } from '../../../scripts/step-runner.ts';

let server: AgentBayServer;
beforeAll(async () => {
  server = await startServer({ apiKey: TEST_KEY });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const client = (options: Partial<ConstructorParameters<typeof AgentBayClient>[0]> = {}) =>
  new AgentBayClient({
    endpoint: server.url,
    apiKey: TEST_KEY,
    userAgent: 'test',
    retry: { baseDelayMs: 10, maxDelayMs: 20 },
    ...options,
  });

describe('AgentBayClient', () => {
  it('refuses a response over the size cap with a clear error, without reading it all', async () => {
    const c = client({ maxResponseBytes: 1024 * 1024 });
    const { sessionId } = await c.createSession({ imageId: 'code_latest', labels: {} });
    server.setFaults([{ action: 'CallMcpTool', type: 'oversized', sizeBytes: 4 * 1024 * 1024 }]);
    const error = await c
      .runCode(sessionId, { code: '1', language: 'python', timeoutS: 5 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentBayError);
    expect((error as AgentBayError).message).toBe(
      'CallMcpTool failed: the response is larger than the 1 MiB limit (HTTP 200, after 1 attempt)',
    );
    expect(server.requests().filter((r) => r.action === 'CallMcpTool')).toHaveLength(1);
    server.reset();
    expect((await c.deleteSession(sessionId)).alreadyGone).toBe(false);
    await c.close();
  });

  it('times a call out and retries it when it is idempotent', async () => {
    server.setFaults([{ action: 'ListSession', type: 'delay', delayMs: 1_000 }]);
    const c = client({
      callTimeoutMs: 200,
      retry: { baseDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 },
    });
    const error = (await c.listSessions({ labels: {} }).catch((e: unknown) => e)) as AgentBayError;
    expect(error.message).toBe('ListSession failed: no answer within 200 ms (after 3 attempts)');
    expect(error.outcomeUnknown).toBe(true);
    expect(server.requests().filter((r) => r.action === 'ListSession')).toHaveLength(3);
    await c.destroy();
  });

  it('treats a second delete as already gone', async () => {
    const c = client();
    const { sessionId } = await c.createSession({ imageId: 'code_latest', labels: {} });
    await c.deleteSession(sessionId);
    await new Promise((r) => setTimeout(r, 100));
    expect(await c.deleteSession(sessionId)).toMatchObject({ alreadyGone: true });
    await c.close();
  });

  it('walks every page of ListSession', async () => {
    const c = client();
    const label = { batch: `b${Date.now()}` };
    const ids = new Set<string>();
    for (let i = 0; i < 55; i++)
      ids.add((await c.createSession({ imageId: 'code_latest', labels: label })).sessionId);
    const listed = await c.listAllSessions(label);
    expect(new Set(listed.map((s) => s.sessionId))).toEqual(ids);
    expect(
      server.requests().filter((r) => r.action === 'ListSession').length,
    ).toBeGreaterThanOrEqual(2);
    for (const id of ids) await c.deleteSession(id);
    await c.close();
  });

  it('drops ids that are not plain ids', async () => {
    server.setFaults([
      {
        action: 'CreateMcpSession',
        type: 'http-error',
        status: 400,
        code: 'X\n::error::x',
        message: 'm',
      },
    ]);
    const c = client();
    const error = (await c
      .createSession({ imageId: 'code_latest', labels: {} })
      .catch((e: unknown) => e)) as AgentBayError;
    expect(error.code).toBeUndefined();
    expect(error.message).toBe(
      'CreateMcpSession failed: m (HTTP 400, request id ' + error.requestId + ', after 1 attempt)',
    );
    await c.close();
  });
});
