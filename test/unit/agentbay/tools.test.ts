// CallMcpTool against the local server: a refusal (the tool never ran) is an error for
// run_code and for every other tool alike.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgentBayError } from '../../../src/agentbay/errors.ts';
import { createSession, deleteSession } from '../../../src/agentbay/sessions.ts';
import { callTool, readToolAnswer, runCode } from '../../../src/agentbay/tools.ts';
import { Transport } from '../../../src/agentbay/transport.ts';
import { makeDispatcher } from '../../../src/agentbay/dispatcher.ts';
import { startServer, type AgentBayServer } from '../../../server/server.ts';
import { TEST_KEY } from '../../../scripts/step-runner.ts';

let server: AgentBayServer;
let transport: Transport;
let sessionId = '';
beforeAll(async () => {
  server = await startServer({ apiKey: TEST_KEY });
  transport = new Transport(
    { endpoint: server.url, apiKey: TEST_KEY, userAgent: 'test' },
    makeDispatcher(server.url, 10_000),
  );
  ({ sessionId } = await createSession(transport, { imageId: 'code_latest', labels: {} }));
});
afterAll(async () => {
  server.reset();
  await deleteSession(transport, sessionId);
  await transport.close();
  await server.close();
});
beforeEach(() => server.reset());

const refuse = () =>
  server.setFaults([{ action: 'CallMcpTool', type: 'data-success-false', message: 'Not here' }]);

describe('tools', () => {
  it('answers a tool text and isError', async () => {
    const outcome = await callTool(transport, sessionId, {
      name: 'shell',
      server: 'wuying_shell',
      args: { command: 'echo hi', timeout_ms: 5000 },
    });
    expect(outcome.isError).toBe(false);
    expect(outcome.text).toContain('hi');
  });

  it('fails run_code the service refused: the code never ran', async () => {
    refuse();
    const error = (await runCode(transport, sessionId, {
      code: '1',
      language: 'python',
      timeoutS: 5,
    }).catch((e: unknown) => e)) as AgentBayError;
    expect(error).toBeInstanceOf(AgentBayError);
    expect(error.detail).toBe('the tool did not run: Not here');
  });

  it('fails any other tool the service refused the same way', async () => {
    refuse();
    const error = (await callTool(transport, sessionId, {
      name: 'shell',
      server: 'wuying_shell',
      args: { command: 'true', timeout_ms: 1000 },
    }).catch((e: unknown) => e)) as AgentBayError;
    expect(error).toBeInstanceOf(AgentBayError);
    expect(error.detail).toBe('the tool did not run: Not here');
  });
});

describe('readToolAnswer', () => {
  it('joins the text items with "; " as the SDK does, skipping the others', () => {
    expect(
      readToolAnswer({
        content: [{ text: 'a' }, { type: 'image' }, { text: 'b' }, 'c'],
        isError: true,
      }),
    ).toEqual({ text: 'a; b', isError: true });
    expect(readToolAnswer({ content: [] })).toEqual({ text: '', isError: false });
  });

  it('finds no answer without content[]', () => {
    expect(readToolAnswer({ Success: true })).toBeUndefined();
    expect(readToolAnswer(undefined)).toBeUndefined();
  });
});
