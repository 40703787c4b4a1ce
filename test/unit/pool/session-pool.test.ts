import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_KEY } from '../../../scripts/step-runner.ts';
import { startServer, type AgentBayServer } from '../../../server/server.ts';
import { AgentBayClient } from '../../../src/agentbay/client.ts';
import { AgentBayError } from '../../../src/agentbay/errors.ts';
import { isQuotaRefusal, runBatch, type BatchHooks } from '../../../src/pool/session-pool.ts';
import { sandboxWork } from '../../../src/pool/session-work.ts';
import { noResult } from '../../../src/runs/judge.ts';
import type { PlannedRun } from '../../../src/runs/planned-run.ts';

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

// The pool against the local server, with the real client and the real sandbox work: what
// the step gets back for each shape of input.
describe('the session pool', () => {
  let server: AgentBayServer;
  let client: AgentBayClient;
  beforeAll(async () => {
    server = await startServer({ apiKey: TEST_KEY });
    client = new AgentBayClient({ endpoint: server.url, apiKey: TEST_KEY, userAgent: 'test' });
    // The sandbox work logs as the step would; the test only reads what the pool returns.
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await client.close();
    await server.close();
  });

  const python = (code: string, more: Partial<PlannedRun> = {}): PlannedRun => ({
    code,
    language: 'python',
    source: { kind: 'inline' },
    ...more,
  });

  /** Runs `runs` in a pool of `parallel`; returns the outcomes and the sessions it created. */
  async function pool(
    runs: PlannedRun[],
    options: {
      parallel?: number;
      failedBeforehand?: Map<number, ReturnType<typeof noResult>>;
    } = {},
  ) {
    const parallel = options.parallel ?? 1;
    const created: Array<{ id: string; requestId: string }> = [];
    const hooks: BatchHooks = {
      createStarting: () => undefined,
      creating: () => undefined,
      createFailed: () => undefined,
      created: (id, requestId) => void created.push({ id, requestId }),
      createUncertain: () => undefined,
      stopped: () => false,
      info: () => undefined,
    };
    const { work } = sandboxWork(client, {
      sandbox: { upload: [], setup: '', env: {}, secretEnv: {}, download: [] },
      timeoutS: 60,
      parallel,
      poolSize: Math.min(parallel, runs.length),
      secrets: [],
      budget: undefined,
      downloadRoot: () => tmpdir(),
    });
    const outcomes = await runBatch(
      { createSession: (params) => client.createSession(params), ...work },
      runs,
      {
        parallel,
        create: { imageId: 'code_latest', labels: {} },
        failedBeforehand: options.failedBeforehand,
      },
      hooks,
    );
    return { outcomes, created };
  }

  it('runs a single run as a pool of one: one session, its result and request id', async () => {
    const { outcomes, created } = await pool([python('print(6 * 7)')]);
    expect(created).toHaveLength(1);
    expect(created[0]!.requestId).not.toBe('');
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({
      index: 0,
      sessionId: created[0]!.id,
      streamed: false,
      result: { success: true, stdout: '42\n' },
    });
    expect(outcomes[0]!.requestId).not.toBe('');
  });

  it("stops a group at its first failure, in one session, and keeps the others' order", async () => {
    const cell = (code: string) => python(code, { group: 'nb', stopGroupOnFailure: true });
    const { outcomes, created } = await pool([
      cell('x = 1'),
      cell('raise ValueError("boom")'),
      cell('print(x)'),
      python('print("alone")'),
    ]);
    expect(created).toHaveLength(1);
    expect(outcomes.map((o) => o.index)).toEqual([0, 1, 2, 3]);
    expect(outcomes[0]!.result?.success).toBe(true);
    expect(outcomes[1]!.result?.success).toBe(false);
    expect(outcomes[2]).toMatchObject({ notRunAfter: 1, sessionId: '' });
    expect(outcomes[2]!.result).toBeUndefined();
    expect(outcomes[3]!.result?.stdout).toBe('alone\n');
  });

  it('goes on after a run that must fail and does; stops after one that must fail and cannot run', async () => {
    const cell = (code: string, more: Partial<PlannedRun> = {}) =>
      python(code, { group: 'nb', stopGroupOnFailure: true, ...more });
    const { outcomes } = await pool([
      cell('x = 1'),
      cell('raise ValueError("meant")', { expectError: true }),
      cell('print(x + 1)'),
      cell('raise KeyError("not meant")'),
      cell('print("never")', { expectError: true }),
    ]);
    expect(outcomes[1]!.result?.success).toBe(false);
    expect(outcomes[2]!.result?.stdout).toBe('2\n');
    expect(outcomes[4]).toMatchObject({ notRunAfter: 3 });
  });

  it('starts each page, notebook and script from a clean interpreter in one session, while a group shares its state', async () => {
    const page = (code: string) => python(code, { group: 'a.md' });
    const nb = (code: string) => python(code, { group: 'b.ipynb', stopGroupOnFailure: true });
    const { outcomes, created } = await pool([
      page('sum = lambda xs: "shadowed"\nanswer = 21'),
      page('print(answer * 2, sum([1]))'),
      nb('print(sum([1, 2]))'),
      nb('print("answer" in globals())'),
      python('answer = 1'),
      python('print("answer" in globals())'),
    ]);
    expect(created).toHaveLength(1);
    expect(outcomes.map((o) => o.result?.stdout)).toEqual([
      '',
      '42 shadowed\n',
      '3\n',
      'False\n',
      '',
      'False\n',
    ]);
  });

  it('spends no session on runs the runner already failed', async () => {
    const failed = noResult('SyntaxError: invalid syntax');
    const { outcomes, created } = await pool([python('def f(:'), python('def g(:')], {
      failedBeforehand: new Map([
        [0, failed],
        [1, failed],
      ]),
    });
    expect(created).toHaveLength(0);
    expect(outcomes.map((o) => o.result)).toEqual([failed, failed]);
  });
});
