// Session calls against the local server: creating, deleting twice, listing every page.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgentBayError } from '../../../src/agentbay/errors.ts';
import { createSession, deleteSession, listAllSessions } from '../../../src/agentbay/sessions.ts';
import { Transport } from '../../../src/agentbay/transport.ts';
import { makeDispatcher } from '../../../src/agentbay/dispatcher.ts';
import { startServer, type AgentBayServer } from '../../../server/server.ts';
import { TEST_KEY } from '../../../scripts/step-runner.ts';

let server: AgentBayServer;
let transport: Transport;
beforeAll(async () => {
  server = await startServer({ apiKey: TEST_KEY });
  transport = new Transport(
    {
      endpoint: server.url,
      apiKey: TEST_KEY,
      userAgent: 'test',
      retry: { baseDelayMs: 10, maxDelayMs: 20 },
    },
    makeDispatcher(server.url, 10_000),
  );
});
afterAll(async () => {
  await transport.close();
  await server.close();
});
beforeEach(() => server.reset());

const create = (labels: Record<string, string> = {}) =>
  createSession(transport, { imageId: 'code_latest', labels });

describe('sessions', () => {
  it('fails a create the service refused inside a 200 with its ErrMsg', async () => {
    server.setFaults([
      { action: 'CreateMcpSession', type: 'data-success-false', message: 'No capacity' },
    ]);
    const error = (await create().catch((e: unknown) => e)) as AgentBayError;
    expect(error).toBeInstanceOf(AgentBayError);
    expect(error.detail).toBe('No capacity');
    expect(error.outcomeUnknown).toBe(false);
  });

  it('treats a second delete as already gone', async () => {
    const { sessionId } = await create();
    expect(await deleteSession(transport, sessionId)).toMatchObject({ alreadyGone: false });
    await new Promise((r) => setTimeout(r, 100));
    expect(await deleteSession(transport, sessionId)).toMatchObject({ alreadyGone: true });
  });

  it('asks again when the service refuses a delete inside a 200 (issue 20, item 13)', async () => {
    const { sessionId } = await create();
    server.setFaults([
      { action: 'DeleteSessionAsync', nth: 1, type: 'success-false', code: 'InternalError' },
    ]);
    const deletes = () => server.requests().filter((r) => r.action === 'DeleteSessionAsync');
    const before = deletes().length;
    expect(await deleteSession(transport, sessionId)).toMatchObject({ alreadyGone: false });
    expect(deletes().length - before).toBe(2);
    await expect.poll(() => server.liveSessions().some((s) => s.id === sessionId)).toBe(false);
  });

  it('does not ask again when the refusal says the delete itself was wrong', async () => {
    const { sessionId } = await create();
    server.setFaults([
      { action: 'DeleteSessionAsync', nth: 1, type: 'success-false', code: 'InvalidParameter' },
    ]);
    const deletes = () => server.requests().filter((r) => r.action === 'DeleteSessionAsync');
    const before = deletes().length;
    await expect(deleteSession(transport, sessionId)).rejects.toThrow();
    expect(deletes().length - before).toBe(1);
    await deleteSession(transport, sessionId);
  });

  it('walks every page of ListSession', async () => {
    const label = { batch: `b${Date.now()}` };
    const ids = new Set<string>();
    for (let i = 0; i < 55; i++) ids.add((await create(label)).sessionId);
    const listed = await listAllSessions(transport, label);
    expect(new Set(listed.map((s) => s.sessionId))).toEqual(ids);
    expect(
      server.requests().filter((r) => r.action === 'ListSession').length,
    ).toBeGreaterThanOrEqual(2);
    for (const id of ids) await deleteSession(transport, id);
  });
});
