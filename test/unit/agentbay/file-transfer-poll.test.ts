// Issue 20, item 9: the transfer's task poll sleeps between polls and gives up at its deadline,
// whatever timing the caller passed (`{pollMs: undefined}` once made it spin without end).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgentBayClient } from '../../../src/agentbay/client.ts';
import { FileTransfer, MIN_TRANSFER_POLL_MS } from '../../../src/agentbay/file-transfer.ts';
import { USER_AGENT } from '../../../src/version.ts';
import { startServer, type AgentBayServer } from '../../../server/server.ts';

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
beforeEach(() => server.reset());

const polls = () => server.requests().filter((r) => r.action === 'GetContextInfo').length;

describe('FileTransfer polling', () => {
  for (const timing of [{ pollMs: undefined }, { pollMs: Number.NaN }, { pollMs: 0 }]) {
    it(`is bounded in rate and time with ${JSON.stringify(timing)}`, async () => {
      const { sessionId } = await client.createSession({ imageId: 'code_latest', labels: {} });
      const transfer = new FileTransfer(client, sessionId, { ...timing, taskTimeoutMs: 300 });
      const remote = `${await transfer.directory()}/never.bin`;
      // A sync the service refuses inside a 200: its task is never listed.
      server.setFaults([{ action: 'SyncContext', type: 'data-success-false', message: 'no' }]);
      const before = polls();
      const error = await transfer.upload(Buffer.from('x'), remote).catch((e: unknown) => e);
      expect(String(error)).toMatch(/did not finish within/);
      const made = polls() - before;
      expect(made).toBeGreaterThan(0);
      // The default 500 ms interval against a 300 ms deadline (0 asks for the minimum).
      const interval = timing.pollMs === 0 ? MIN_TRANSFER_POLL_MS : 500;
      expect(made).toBeLessThanOrEqual(2 * (Math.floor(300 / interval) + 2));
      await client.deleteSession(sessionId);
    }, 10_000);
  }
});
