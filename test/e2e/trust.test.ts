// Trust, round two: the red-team findings against the bundled action, each as the runner
// would meet it. The post step deletes only what this step created; the key leaves in no
// form; no sandbox output or service answer crashes the action or floods an output; a
// cancelled step ends inside the runner's window.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AgentBayClient } from '../../src/agentbay/client.ts';
import { CANCEL_WINDOW_MS } from '../../src/step/cancellation.ts';
import {
  activeCommands,
  expectNoSecretWritten,
  makeWorkdir,
  runAction,
  runStep,
  startMain,
  TEST_KEY,
  useServer,
  waitFor,
  workspaceWith,
  type StepResult,
} from './harness.ts';

const server = useServer();

const PY = { language: 'python', code: 'print("ran")\n7 * 6\n' };
const inputs = (extra: Record<string, string> = {}) => server.inputs({ ...PY, ...extra });

/** A session somebody else made with the same key: it must survive this step whatever happens. */
async function foreignSession(): Promise<string> {
  const client = new AgentBayClient({ endpoint: server.url, apiKey: TEST_KEY, userAgent: 'other' });
  const { sessionId } = await client.createSession({
    imageId: 'code_latest',
    labels: { team: 'someone-else', 'gha-step-token': 'aaaaaaaaaaaaaaaaaaaaaaaa' },
  });
  await client.close();
  return sessionId;
}

/** The step's own sessions still running (other tests leave foreign sessions alive on purpose). */
const ownRunning = (main: StepResult) =>
  server
    .sessions()
    .filter(
      (s) => s.labels['gha-step-token'] === main.state['cleanup-token'] && s.status === 'RUNNING',
    );

const statusOf = (id: string) => server.sessions().find((s) => s.id === id)?.status;

describe('1. the post step deletes only what this step created', () => {
  it('checks ownership when the gateway ignores the label filter', async () => {
    const other = await foreignSession();
    server.setFaults([
      // The create goes through but its answer is lost: the post step must search.
      { action: 'CreateMcpSession', type: 'reset-after' },
      { action: 'ListSession', type: 'ignore-labels' },
    ]);
    const { main, post } = await runAction({ inputs: inputs() });
    expect(main.code).toBe(1);
    expect(post.code).toBe(0);
    const token = main.state['cleanup-token']!;
    const ours = server.sessions().filter((s) => s.labels['gha-step-token'] === token);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.status).not.toBe('RUNNING');
    expect(statusOf(other)).toBe('RUNNING');
    expect(post.stdout).toContain(
      `Session ${other} (listed under this step's label) does not carry`,
    );
    const deletes = server.requests().filter((r) => r.action === 'DeleteSessionAsync');
    expect(deletes.map((r) => r.form.SessionId)).not.toContain(other);
  });

  it('does not delete a session id forged into the state', async () => {
    const other = await foreignSession();
    const post = await runStep('post', {
      inputs: inputs(),
      state: {
        'cleanup-token': 'feedfacefeedfacefeedface',
        sessions: JSON.stringify([{ id: other, proof: '' }]),
      },
    });
    expect(post.code).toBe(0);
    expect(statusOf(other)).toBe('RUNNING');
    expect(post.stdout).toContain(`Session ${other} (saved in the step state) does not carry`);
  });

  it('prints a state session id with a newline escaped, never as a workflow command', async () => {
    const forged = 'session-x\n::set-output name=pwned::1\n::error::forged';
    const post = await runStep('post', {
      inputs: inputs(),
      state: {
        'cleanup-token': 'feedfacefeedfacefeedface',
        sessions: JSON.stringify([{ id: forged, proof: '' }]),
      },
    });
    expect(post.code).toBe(0);
    const commands = activeCommands(post.stdout);
    expect(commands.filter((c) => /set-output|forged/.test(c))).toEqual([]);
    expect(post.stdout).toContain('"session-x\\n::set-output name=pwned::1\\n::error::forged"');
  });

  it('ignores a cleanup token that is not one of ours', async () => {
    const other = await foreignSession();
    server.setFaults([{ action: 'ListSession', type: 'ignore-labels' }]);
    const post = await runStep('post', {
      inputs: inputs(),
      state: { 'cleanup-token': '', sessions: JSON.stringify([{ id: other, proof: '' }]) },
    });
    expect(post.code).toBe(0);
    expect(statusOf(other)).toBe('RUNNING');
  });
});

describe('2. a main step killed while the create is in flight', () => {
  it('leaves a marker, and the post step finds the session the create made later', async () => {
    // The service finishes the create 3 s later, though the step is long dead by then.
    server.setFaults([{ action: 'CreateMcpSession', type: 'delay', delayMs: 3_000, act: true }]);
    const workdir = makeWorkdir();
    const before = server.requests().length;
    const step = startMain({ workdir, inputs: inputs() });
    await waitFor(() => server.requests().length > before);
    step.kill('SIGKILL');
    const main = await step.done;
    expect(main.signal).toBe('SIGKILL');
    expect(main.state.create).toBe('sent');
    const post = await runStep('post', { workdir, inputs: inputs(), state: main.state });
    expect(post.code).toBe(0);
    const token = main.state['cleanup-token']!;
    const made = server.sessions().filter((s) => s.labels['gha-step-token'] === token);
    expect(made).toHaveLength(1);
    expect(made[0]!.status).not.toBe('RUNNING');
    expect(post.stdout).toContain(`Found session ${made[0]!.id} from this step`);
  }, 60_000);
});

describe('3. the key in every form it can take', () => {
  // An identifier, so that a syntax error message can quote it whole.
  const IDENT_KEY = 'akmTEST0123456789abcdefSECRETident';
  // Characters that percent-encoding and base64 both change.
  const ODD_KEY = 'akm+TEST/0123=abc%def&x~y!z';
  const identServer = useServer({ apiKey: IDENT_KEY });
  const oddServer = useServer({ apiKey: ODD_KEY });

  it('on the syntax-error path: summary excerpt, error output and annotation', async () => {
    const workdir = makeWorkdir();
    const { main } = await runAction({
      workdir,
      inputs: identServer.inputs({
        language: 'python',
        code: `from __future__ import ${IDENT_KEY}\nprint(1)\n`,
      }),
    });
    expect(main.code).toBe(1);
    expect(main.outputs.error).toMatch(/future feature \*\*\* is not defined/);
    expect(main.summary).toContain('has a syntax error');
    expectNoSecretWritten([IDENT_KEY], { steps: [main], workdir });
    expect(identServer.requests()).toEqual([]);
  });

  it('in JSON object keys and MIME type names of results (files, outputs, summary)', async () => {
    const workdir = makeWorkdir();
    const code = [
      'import os',
      `k = ${JSON.stringify(TEST_KEY)}`,
      "display({'application/x-' + k: 'v', 'application/json': {k: 1, 'nested': {k: [k]}}}, raw=True)",
      "display({'text/markdown': '# ' + k, 'text/html': '<b>' + k + '</b>'}, raw=True)",
    ].join('\n');
    const { main, post } = await runAction({
      workdir,
      inputs: inputs({ code, artifact: '' }),
    });
    expect(main.code).toBe(0);
    expect(JSON.parse(main.outputs.files!).length).toBeGreaterThanOrEqual(3);
    expectNoSecretWritten([TEST_KEY], { steps: [main, post], workdir });
  });

  it('URL-encoded and base64 in a service error message', async () => {
    const workdir = makeWorkdir();
    const bearer = `Bearer ${ODD_KEY}`;
    oddServer.setFaults([
      {
        action: 'CreateMcpSession',
        type: 'http-error',
        status: 400,
        code: 'InvalidParameter',
        message: `bad ${encodeURIComponent(bearer)} or ${Buffer.from(bearer).toString('base64')} or ${Buffer.from(ODD_KEY).toString('base64url')} or ${JSON.stringify(ODD_KEY)}`,
      },
    ]);
    const { main, post } = await runAction({
      workdir,
      inputs: oddServer.inputs(PY),
      env: { ACTIONS_STEP_DEBUG: 'true' },
    });
    expect(main.code).toBe(1);
    expect(main.outputs.error).toMatch(/CreateMcpSession failed: bad .*\*\*\*/);
    expectNoSecretWritten([ODD_KEY], { steps: [main, post], workdir });
  });

  it('quoted by an input error (the key pasted into the wrong input), main and post', async () => {
    const workdir = makeWorkdir();
    const bad = inputs({ endpoint: `https://example.com/${TEST_KEY}` });
    const main = await runStep('main', { workdir, inputs: bad });
    const post = await runStep('post', {
      workdir,
      inputs: bad,
      state: {
        'cleanup-token': 'feedfacefeedfacefeedface',
        sessions: JSON.stringify([{ id: 'session-x', proof: '' }]),
      },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(/::error::Input 'endpoint' .*got 'https:\/\/example\.com\/\*\*\*'/);
    expect(post.stdout).toMatch(/::warning::Cannot clean up: Input 'endpoint'.*\*\*\*/);
    expectNoSecretWritten([TEST_KEY], { steps: [main, post], workdir });
  });

  it('in a multi-line error (errorDetail), wherever it is written', async () => {
    const workdir = makeWorkdir();
    const code = `k = ${JSON.stringify(TEST_KEY)}\ndef f():\n    raise RuntimeError("first line\\nsecond " + k + "\\nthird")\nf()\n`;
    const { main, post } = await runAction({
      workdir,
      inputs: inputs({ code, 'fail-on-error': 'false' }),
    });
    expect(main.code).toBe(0);
    expect(main.outputs.success).toBe('false');
    expect(main.summary).toContain('second ***');
    expectNoSecretWritten([TEST_KEY], { steps: [main, post], workdir });
  });
});

describe('4. a proxy in the environment', () => {
  it('never carries calls to a plain-http loopback endpoint', async () => {
    const { createServer } = await import('node:http');
    const seen: string[] = [];
    const proxy = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(502).end();
    });
    proxy.on('connect', (req, socket) => {
      seen.push(`CONNECT ${req.url}`);
      socket.destroy();
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    try {
      for (const endpoint of [server.url, server.url.replace('127.0.0.1', 'localhost')]) {
        const { main, post } = await runAction({
          inputs: inputs({ endpoint }),
          env: { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, http_proxy: proxyUrl },
        });
        expect(main.code).toBe(0);
        expect(post.code).toBe(0);
      }
      expect(seen).toEqual([]);
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});

describe('5. sandbox output shaped to crash the action', () => {
  it('150k backtick runs in stdout', async () => {
    const { main } = await runAction({
      inputs: inputs({ code: 'print("`x" * 150_000)\n', 'fail-on-error': 'false' }),
    });
    expect(main.code).toBe(0);
    expect(main.outputs.success).toBe('true');
    expect(main.outputs.stdout!.startsWith('`x`x')).toBe(true);
  });

  it('a result nested 5000 deep', async () => {
    const code = [
      'import sys',
      'sys.setrecursionlimit(50_000)',
      'v = "leaf"',
      'for _ in range(5000):',
      '    v = {"k": [v]}',
      "display({'application/json': v, 'text/plain': 'deep'}, raw=True)",
    ].join('\n');
    const { main } = await runAction({ inputs: inputs({ code, 'fail-on-error': 'false' }) });
    expect(main.stderr).not.toContain('Maximum call stack');
    expect(main.code).toBe(0);
    expect(main.outputs.success).toBe('true');
  });
});

describe('6. a session id of unusual shape', () => {
  const ODD_IDS = [
    `session-${'x'.repeat(121)}`,
    'session/with/slashes',
    '../../etc/passwd',
    'session-x\n::set-output name=pwned::1',
    'session+plus=',
    'séssion-ünïcode-\u2028-id',
  ];
  it.each(ODD_IDS)('%j is used, deleted, and printed escaped', async (id) => {
    server.setFaults([{ action: 'CreateMcpSession', type: 'session-id', sessionId: id }]);
    const { main, post } = await runAction({ inputs: inputs() });
    expect(main.code).toBe(0);
    expect(main.outputs.output).toBe('42');
    expect(post.code).toBe(0);
    expect(statusOf(id)).not.toBe('RUNNING');
    for (const step of [main, post]) {
      expect(activeCommands(step.stdout).filter((c) => /pwned|set-output/.test(c))).toEqual([]);
      for (const line of step.stdout.split('\n')) expect(line).not.toMatch(/^::set-output/);
    }
  });
});

describe('7. every output and annotation is bounded', () => {
  it('a 3 MB service error message', async () => {
    server.setFaults([
      {
        action: 'CreateMcpSession',
        type: 'http-error',
        status: 400,
        code: 'InvalidParameter',
        message: 'y'.repeat(3 * 1024 * 1024),
      },
    ]);
    const { main } = await runAction({ inputs: inputs({ 'max-output-size': '4096' }) });
    expect(main.code).toBe(1);
    for (const [name, value] of Object.entries(main.outputs)) {
      expect(value.length, name).toBeLessThanOrEqual(4096);
    }
    for (const line of main.stdout.split('\n').filter((l) => /^::(error|warning|notice)/.test(l))) {
      expect(line.length).toBeLessThanOrEqual(4_200);
    }
  });

  it('MIME type names of 40 KB each', async () => {
    const code = [
      'for i in range(30):',
      "    display({'application/x-' + str(i) + 'n' * 40_000: 'v'}, raw=True)",
    ].join('\n');
    const { main } = await runAction({
      inputs: inputs({ code, 'max-output-size': '4096' }),
    });
    expect(main.code).toBe(0);
    for (const [name, value] of Object.entries(main.outputs)) {
      expect(value.length, name).toBeLessThanOrEqual(4096);
    }
    const listed = JSON.parse(main.outputs.files!) as unknown[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.length).toBeLessThan(30);
    expect(main.outputs.truncated).toBe('true');
    expect(Buffer.byteLength(main.summary)).toBeLessThan(200_000);
  });
});

describe('8. a tool answer of Data.Success false', () => {
  it('is a service error, not a successful run', async () => {
    server.setFaults([
      {
        action: 'CallMcpTool',
        type: 'data-success-false',
        message: 'Tool run_code is not available',
      },
    ]);
    const { main, post } = await runAction({ inputs: inputs() });
    expect(main.code).toBe(1);
    expect(main.outputs.success).toBe('false');
    expect(main.outputs.error).toMatch(/CallMcpTool failed: .*Tool run_code is not available/);
    expect(post.code).toBe(0);
    expect(ownRunning(main)).toEqual([]);
  });
});

describe('9. cancellation inside the runner window', () => {
  it('create slow, SIGINT early, delete 503 then hanging: exits before the kill', async () => {
    server.setFaults([
      { action: 'CreateMcpSession', type: 'delay', delayMs: 4_900 },
      { action: 'DeleteSessionAsync', nth: 1, type: 'http-error', status: 503 },
      { action: 'DeleteSessionAsync', nth: 2, type: 'delay', delayMs: 60_000 },
    ]);
    const workdir = makeWorkdir();
    const before = server.requests().length;
    const step = startMain({ workdir, inputs: inputs() });
    await waitFor(() => server.requests().length > before);
    // The runner: SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that. The create answers
    // 4.9 s after the SIGINT, just inside the wait for it, which leaves the delete (and its
    // retry, which hangs) only what is left of the window.
    const signalledAt = Date.now();
    step.kill('SIGINT');
    const term = setTimeout(() => step.kill('SIGTERM'), 7_500);
    const kill = setTimeout(() => step.kill('SIGKILL'), 10_000);
    const main = await step.done;
    const exitMs = Date.now() - signalledAt;
    clearTimeout(term);
    clearTimeout(kill);
    expect(main.signal).toBeNull();
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(/::warning::Could not delete session session-\w+ on cancellation/);
    expect(main.stdout).toContain('::error::Cancelled by SIGINT');
    // Every attempt ended with the window, not with its own timeout: without that the hanging
    // retry runs its full timeout from wherever the budget happened to be (about 9.2-9.4 s).
    expect(exitMs).toBeLessThan(CANCEL_WINDOW_MS + 600);
    const deletes = server
      .requests()
      .slice(before)
      .filter((r) => r.action === 'DeleteSessionAsync');
    expect(deletes).toHaveLength(2);
    server.reset();
    const post = await runStep('post', { workdir, inputs: inputs(), state: main.state });
    expect(post.code).toBe(0);
    expect(ownRunning(main)).toEqual([]);
  }, 40_000);
});

describe('10. a UTF-8 byte-order mark', () => {
  it('at the start of a .py file is dropped, as Python does', async () => {
    const workdir = workspaceWith({ 'bom.py': '\uFEFFprint("bom ok")\n' });
    const { main } = await runAction({ workdir, inputs: server.inputs({ file: 'bom.py' }) });
    expect(main.stdout).toContain('Syntax checked on the runner');
    expect(main.code).toBe(0);
    expect(main.outputs.stdout).toBe('bom ok\n');
  });

  it('at the start of inline code passes the check and runs', async () => {
    const { main } = await runAction({
      inputs: inputs({ code: '\uFEFFprint("inline bom ok")\n' }),
    });
    expect(main.stdout).toContain('Syntax checked on the runner');
    expect(main.code).toBe(0);
    expect(main.outputs.stdout).toBe('inline bom ok\n');
  });
});

describe('the stop-commands token', () => {
  it('is random: 128 bits, and a new one for every fence, in every run', async () => {
    const code =
      'import sys\nprint("out")\nprint("err", file=sys.stderr)\nraise ValueError("boom")\n';
    const tokens: string[] = [];
    for (let run = 0; run < 2; run++) {
      const { main } = await runAction({ inputs: inputs({ code, 'fail-on-error': 'false' }) });
      const fences = [...main.stdout.matchAll(/^::stop-commands::(.*)$/gm)].map((m) => m[1]!);
      expect(fences.length).toBeGreaterThanOrEqual(3);
      for (const token of fences) {
        expect(token).toMatch(/^[0-9a-f]{32}$/);
        // Each fence is closed with its own token.
        expect(main.stdout).toContain(`\n::${token}::\n`);
      }
      tokens.push(...fences);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});

describe('exactly three calls on a plain run', () => {
  it('create, run_code, delete: no label search when the session was confirmed', async () => {
    const before = server.requests().length;
    const { main, post } = await runAction({ inputs: inputs() });
    expect(main.code).toBe(0);
    expect(post.code).toBe(0);
    expect(
      server
        .requests()
        .slice(before)
        .map((r) => r.action),
    ).toEqual(['CreateMcpSession', 'CallMcpTool', 'DeleteSessionAsync']);
    expect(ownRunning(main)).toEqual([]);
    // The service's trace id is kept for support requests.
    const file = JSON.parse(readFileSync(main.outputs['result-file']!, 'utf8')) as {
      traceId: unknown;
    };
    expect(file.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});
