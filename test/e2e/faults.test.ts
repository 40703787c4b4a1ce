// Fault injection: the bundled main and post steps against a local server that fails in
// every way the protocol allows. After each scenario: no session of the step left running,
// the key absent from every byte the action wrote, and the outcome and message as intended.
import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../server/server.ts';
import { expectNoSecretWritten, runAction, TEST_KEY, useServer } from './harness.ts';

const server = useServer();

const PY = { language: 'python', code: 'print("ran")\n7 * 6\n' };

interface Scenario {
  name: string;
  faults: FaultRule[];
  mainExit: 0 | 1;
  /** The failure message of the main step, when it fails. */
  error?: RegExp;
  /** How many requests each action should have received. */
  calls: Record<string, number>;
  /** Lines the post step must print (warnings included). */
  post?: RegExp[];
  /** A session stays alive by design (its deletion keeps failing): the idle timeout's job. */
  leaves?: boolean;
}

const scenarios: Scenario[] = [
  {
    name: 'create: a 504 after the backend made the session is not retried, and the session is found',
    faults: [
      {
        action: 'CreateMcpSession',
        type: 'http-error',
        status: 504,
        code: 'GatewayTimeout',
        message: 'boom',
        act: true,
      },
    ],
    mainExit: 1,
    error:
      /CreateMcpSession failed: boom \(code GatewayTimeout, HTTP 504, host 127\.0\.0\.1:\d+, request id .*\)\. A session may have been created anyway/,
    calls: { CreateMcpSession: 1, CallMcpTool: 0, DeleteSessionAsync: 1 },
    post: [/Found session session-\w+ from this step that was never reported back; deleting it\./],
  },
  {
    name: 'create: throttled',
    faults: [
      {
        action: 'CreateMcpSession',
        type: 'success-false',
        code: 'Throttling.User',
        message: 'Request was denied due to user flow control.',
      },
    ],
    mainExit: 1,
    error:
      /CreateMcpSession failed: Request was denied due to user flow control\. \(code Throttling\.User.*The service is throttling/,
    calls: { CreateMcpSession: 1 },
  },
  {
    name: 'create: the session is made but the answer is lost; the post step finds it by label',
    faults: [{ action: 'CreateMcpSession', type: 'reset-after' }],
    mainExit: 1,
    error:
      /CreateMcpSession failed: .*A session may have been created anyway; the post step finds it by its label/,
    calls: { CreateMcpSession: 1, CallMcpTool: 0, DeleteSessionAsync: 1 },
    post: [/Found session session-\w+ from this step that was never reported back; deleting it\./],
  },
  {
    name: 'create: malformed JSON answer',
    faults: [{ action: 'CreateMcpSession', type: 'malformed-json' }],
    mainExit: 1,
    error: /CreateMcpSession failed: the response \(HTTP 200\) is not valid JSON/,
    calls: { CreateMcpSession: 1, DeleteSessionAsync: 1 },
    post: [/Found session session-\w+ from this step/],
  },
  {
    name: 'run_code: the code runs but the answer is lost; it is not sent again',
    faults: [{ action: 'CallMcpTool', type: 'reset-after' }],
    mainExit: 1,
    error:
      /CallMcpTool failed: .*The code may have run: it was not sent again, so that it never runs twice/,
    calls: { CreateMcpSession: 1, CallMcpTool: 1, DeleteSessionAsync: 1 },
  },
  {
    name: 'run_code: HTTP 503 is not retried',
    faults: [{ action: 'CallMcpTool', type: 'http-error', status: 503 }],
    mainExit: 1,
    error: /CallMcpTool failed: .*HTTP 503/,
    calls: { CallMcpTool: 1, DeleteSessionAsync: 1 },
  },
  {
    name: 'run_code: malformed JSON',
    faults: [{ action: 'CallMcpTool', type: 'malformed-json' }],
    mainExit: 1,
    error: /CallMcpTool failed: the response \(HTTP 200\) is not valid JSON/,
    calls: { CallMcpTool: 1, DeleteSessionAsync: 1 },
  },
  {
    name: 'run_code: a large but valid answer is read',
    faults: [{ action: 'CallMcpTool', type: 'oversized', sizeBytes: 8 * 1024 * 1024 }],
    mainExit: 0,
    calls: { CallMcpTool: 1, DeleteSessionAsync: 1 },
  },
  {
    name: 'delete: 503 then success is retried',
    faults: [{ action: 'DeleteSessionAsync', nth: 1, type: 'http-error', status: 503 }],
    mainExit: 0,
    calls: { DeleteSessionAsync: 2 },
    post: [/Deleted session session-\w+/],
  },
  {
    name: 'delete: throttled twice, then success',
    faults: [
      {
        action: 'DeleteSessionAsync',
        times: 2,
        type: 'http-error',
        status: 400,
        code: 'Throttling.Api',
      },
    ],
    mainExit: 0,
    calls: { DeleteSessionAsync: 3 },
    post: [/Deleted session session-\w+/],
  },
  {
    name: 'delete: connection reset before acting, then success',
    faults: [{ action: 'DeleteSessionAsync', nth: 1, type: 'reset-before' }],
    mainExit: 0,
    calls: { DeleteSessionAsync: 2 },
  },
  {
    name: 'delete: always failing becomes warnings, never a failed post step',
    faults: [
      {
        action: 'DeleteSessionAsync',
        type: 'http-error',
        status: 500,
        code: 'InternalError',
        message: 'down',
      },
    ],
    mainExit: 0,
    // Four transport attempts, asked again up to three times for an InternalError (a delete
    // runs no code); no label search, since the session was confirmed.
    calls: { CallMcpTool: 1, DeleteSessionAsync: 12, ListSession: 0 },
    post: [
      /::warning::Could not delete session session-\w+: AgentBay DeleteSessionAsync failed: down \(code InternalError, HTTP 500, host 127\.0\.0\.1:\d+, request id [^,]+, after 4 attempts\)/,
    ],
    leaves: true,
  },
  {
    name: 'delete: Success false without a Code is a failure, not a deletion',
    faults: [{ action: 'DeleteSessionAsync', type: 'success-false', code: '', message: 'refused' }],
    mainExit: 0,
    calls: { DeleteSessionAsync: 1, ListSession: 0 },
    post: [
      /::warning::Could not delete session session-\w+: AgentBay DeleteSessionAsync failed: refused/,
    ],
    leaves: true,
  },
  {
    name: 'delete: a proxy 404 "Not Found" is not taken for a deleted session',
    faults: [
      {
        action: 'DeleteSessionAsync',
        type: 'http-error',
        status: 404,
        code: '',
        message: 'Not Found',
      },
    ],
    mainExit: 0,
    calls: { DeleteSessionAsync: 1 },
    post: [
      /::warning::Could not delete session session-\w+: AgentBay DeleteSessionAsync failed: Not Found \(HTTP 404/,
    ],
    leaves: true,
  },
  {
    name: 'delete: a gateway without DeleteSessionAsync falls back to ReleaseMcpSession',
    faults: [
      {
        action: 'DeleteSessionAsync',
        type: 'http-error',
        status: 400,
        code: 'InvalidAction.NotFound',
        message: 'Specified api is not found',
      },
    ],
    mainExit: 0,
    calls: { DeleteSessionAsync: 1, ReleaseMcpSession: 1 },
    post: [/Deleted session session-\w+/],
  },
  {
    name: 'list: failing (while looking for an unconfirmed session) is a warning',
    faults: [
      { action: 'CreateMcpSession', type: 'reset-after' },
      { action: 'ListSession', type: 'success-false', code: 'InternalError', message: 'no list' },
    ],
    mainExit: 1,
    calls: { CreateMcpSession: 1, DeleteSessionAsync: 0, ListSession: 1 },
    post: [
      /::warning::Could not list sessions left by this step: AgentBay ListSession failed: no list/,
    ],
    leaves: true,
  },
  {
    name: 'an error message that echoes the key is redacted',
    faults: [
      {
        action: 'CreateMcpSession',
        type: 'http-error',
        status: 400,
        code: 'InvalidParameter',
        message: `bad Authorization Bearer ${TEST_KEY}`,
      },
    ],
    mainExit: 1,
    error: /CreateMcpSession failed: bad Authorization Bearer \*\*\* \(code InvalidParameter/,
    calls: { CreateMcpSession: 1, CallMcpTool: 0 },
  },
];

describe.each(scenarios)('$name', (scenario) => {
  let run: Awaited<ReturnType<typeof runAction>>;
  let token = '';
  const calls: Record<string, number> = {};

  beforeAll(async () => {
    server.setFaults(scenario.faults);
    const first = server.requests().length;
    run = await runAction({
      inputs: { ...server.inputs(), ...PY },
      env: { ACTIONS_STEP_DEBUG: 'true' },
    });
    token = run.main.state['cleanup-token'] ?? '';
    for (const request of server.requests().slice(first))
      calls[request.action] = (calls[request.action] ?? 0) + 1;
    server.reset();
  }, 60_000);

  it('ends the main step as intended', () => {
    expect(run.main.code).toBe(scenario.mainExit);
    if (scenario.error) {
      const errors = run.main.stdout.split('\n').filter((l) => l.startsWith('::error::'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(scenario.error);
    }
  });

  it('never fails the post step', () => {
    expect(run.post.code).toBe(0);
    for (const line of scenario.post ?? []) expect(run.post.stdout).toMatch(line);
  });

  it('sends each call as often as it should', () => {
    for (const [action, count] of Object.entries(scenario.calls)) {
      expect(calls[action] ?? 0, action).toBe(count);
    }
  });

  it(
    scenario.leaves ? 'leaves the session to its idle timeout' : 'leaves no session running',
    () => {
      expect(token).toMatch(/^[0-9a-f]{24}$/);
      const running = server
        .sessions()
        .filter((s) => s.labels['gha-step-token'] === token && s.status === 'RUNNING');
      if (scenario.leaves) {
        expect(running).toHaveLength(1);
        expect(running[0]!.idleTimeoutS).toBe(900);
      } else {
        expect(running).toEqual([]);
      }
    },
  );

  it('writes the key nowhere but the mask command', () => {
    expectNoSecretWritten([TEST_KEY], { steps: [run.main, run.post], workdir: run.workdir });
  });
});

describe('an unreachable gateway', () => {
  it('retries a create that provably never left, then fails with the attempts and a hint', async () => {
    const port = await closedPort();
    const { main, post, workdir } = await runAction({
      inputs: { 'api-key': TEST_KEY, endpoint: `http://127.0.0.1:${port}`, ...PY },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(
      /::error::AgentBay CreateMcpSession failed: .*ECONNREFUSED.*after 4 attempts\)\. The gateway could not be reached; check region-id \(or endpoint\)/,
    );
    expect(post.code).toBe(0);
    expectNoSecretWritten([TEST_KEY], { steps: [main, post], workdir });
  }, 30_000);
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
