// Issue 20, item 11: a `session-id` of another run or repository is refused before it is used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentBayClient } from '../../../src/agentbay/client.ts';
import { checkReusedSession } from '../../../src/step/step-session.ts';
import { USER_AGENT } from '../../../src/version.ts';
import { startServer, type AgentBayServer } from '../../../server/server.ts';

const origin = { repository: 'me/repo', runId: '42', runAttempt: '1', job: 'test', action: 'x' };

describe('checkReusedSession', () => {
  let server: AgentBayServer;
  let client: AgentBayClient;
  beforeAll(async () => {
    server = await startServer();
    client = new AgentBayClient({ endpoint: server.url, apiKey: 'akm-x', userAgent: USER_AGENT });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  const sessionWith = async (labels: Record<string, string>) =>
    (await client.createSession({ imageId: 'code_latest', labels })).sessionId;

  it('accepts a session this run created', async () => {
    const id = await sessionWith({ 'gha-repo': 'me/repo', 'gha-run-id': '42', 'gha-job': 'other' });
    await expect(checkReusedSession(client, id, origin)).resolves.toBeUndefined();
  });

  it("refuses another run's, another repository's, and an unlabelled session", async () => {
    const foreign: Array<Record<string, string>> = [
      { 'gha-repo': 'me/repo', 'gha-run-id': '41' },
      { 'gha-repo': 'them/repo', 'gha-run-id': '42' },
      {},
    ];
    for (const labels of foreign) {
      const id = await sessionWith(labels);
      await expect(checkReusedSession(client, id, origin)).rejects.toThrow(
        /session-id: session .* was not created by this workflow run/,
      );
    }
  });
});
