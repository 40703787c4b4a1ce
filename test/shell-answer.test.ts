// The shell answer as SDK 0.21 reads it, against the local server answering both ways: the
// wrapped JSON result (code_latest) and a raw-stdout image's plain output. A command that
// prints JSON keeps its output either way.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgentBayClient } from '../src/agentbay/client.ts';
import { runShell } from '../src/agentbay/shell.ts';
import { startServer, type AgentBayServer } from '../server/server.ts';

const KEY = 'akm-SHELL-ANSWER';
let server: AgentBayServer;
let client: AgentBayClient;
let sessionId = '';
beforeAll(async () => {
  server = await startServer({ apiKey: KEY });
  client = new AgentBayClient({ endpoint: server.url, apiKey: KEY, userAgent: 'test/1.0.0' });
  ({ sessionId } = await client.createSession({ imageId: 'imgc-0a1b2c3d', labels: {} }));
});
afterAll(async () => {
  await client.close();
  await server.close();
});
beforeEach(() => server.reset());

describe.each(['wrapped', 'raw'] as const)('a %s shell answer', (shellAnswer) => {
  beforeEach(() => server.setResultFormat({ shellAnswer }));

  it.each([
    '{"exit_code": 1}',
    '{"exit_code": 1, "stdout": 5}',
    '{"errorCode": 3}',
    '{"stdout": "only"}',
    '[{"exit_code": 0, "stdout": "", "stderr": ""}]',
  ])('a command printing %s keeps it as its stdout, and succeeds', async (printed) => {
    const result = await runShell(client, sessionId, {
      command: `printf '%s' '${printed}'`,
      timeoutMs: 10_000,
    });
    expect(result).toMatchObject({ success: true, exitCode: 0, stdout: printed });
  });
});

it('a wrapped answer still gives the exit status of a failing command', async () => {
  const result = await runShell(client, sessionId, {
    command: `printf '{"exit_code": 0}'; exit 3`,
    timeoutMs: 10_000,
  });
  expect(result).toMatchObject({ success: false, exitCode: 3, stdout: '{"exit_code": 0}' });
});
