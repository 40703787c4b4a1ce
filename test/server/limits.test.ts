// The real gateway's limits, enforced so that a client ignoring them fails here as it would
// there: 60 s per request (shortened for the test) and ~63 KB per tool message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AgentBayServer } from '../../server/server.ts';
import { toolMessageBytes } from '../../server/tools.ts';
import { call, callTool, createSession, runCode } from './helpers.ts';

describe('gateway limits', () => {
  let server: AgentBayServer;
  let session: string;
  beforeAll(async () => {
    server = await startServer({ gatewayTimeoutMs: 700 });
    session = await createSession(server.url);
  });
  afterAll(() => server.close());

  it('answers 504 GatewayTimeout when one request outlasts the gateway limit, and the work goes on', async () => {
    const reply = await call(server.url, 'CallMcpTool', {
      Args: JSON.stringify({ command: 'sleep 1.5; echo done > late.txt', timeout_ms: 5000 }),
      AutoGenSession: 'false',
      Name: 'shell',
      Server: 'wuying_shell',
      SessionId: session,
    });
    expect(reply.status).toBe(504);
    // The gateway answered before the command could finish.
    const early = await callTool(server.url, session, 'get_file_info', {
      path: '/workspace/late.txt',
    });
    expect(early.isError).toBe(true);
    expect(reply.body).toMatchObject({ Success: false, Code: 'GatewayTimeout' });
    // As on a real backend, the command itself was not stopped by the gateway.
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      (await callTool(server.url, session, 'read_file', { path: '/workspace/late.txt' })).text,
    ).toBe('done\n');
  });

  it('applies the limit to run_code too', async () => {
    await expect(
      runCode(server.url, session, 'import time\ntime.sleep(2)', 'python', 30),
    ).rejects.toThrow(/504|GatewayTimeout/);
  });

  it('refuses a tool message over 64 512 bytes, counting JSON escapes and UTF-8 bytes', async () => {
    const limited = await startServer();
    const s = await createSession(limited.url);
    const frame = toolMessageBytes(
      'write_file',
      'wuying_filesystem',
      JSON.stringify({ path: '/workspace/f', content: '' }),
    );
    const fits = 'a'.repeat(64_512 - frame);
    const ok = await callTool(limited.url, s, 'write_file', {
      path: '/workspace/f',
      content: fits,
    });
    expect(ok.isError).toBe(false);
    const over = await callTool(limited.url, s, 'write_file', {
      path: '/workspace/f',
      content: `${fits}a`,
    });
    expect(over).toMatchObject({ isError: true });
    expect(over.text).toMatch(/message size 64513 bytes exceeds the MQTT limit of 64512 bytes/);
    // 30 000 quotes are 60 000 bytes once escaped; 22 000 three-byte characters are 66 000 bytes.
    expect(
      (
        await callTool(limited.url, s, 'write_file', {
          path: '/workspace/f',
          content: '"'.repeat(33_000),
        })
      ).isError,
    ).toBe(true);
    expect(
      (
        await callTool(limited.url, s, 'write_file', {
          path: '/workspace/f',
          content: '€'.repeat(22_000),
        })
      ).isError,
    ).toBe(true);
    expect(
      (
        await callTool(limited.url, s, 'write_file', {
          path: '/workspace/f',
          content: '€'.repeat(21_000),
        })
      ).isError,
    ).toBe(false);
    await limited.close();
  });
});

describe('python keeps its state between run_code calls of one session', () => {
  let server: AgentBayServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it("sees earlier definitions and imports, but not another session's", async () => {
    const a = await createSession(server.url);
    const b = await createSession(server.url);
    expect(
      (await runCode(server.url, a, 'import math\nx = 41\ndef f(v):\n    return v + 1'))
        .executionError,
    ).toBe('');
    const run = await runCode(server.url, a, 'print(math.pi > 3)\nf(x)');
    expect(run.stdout.join('')).toBe('True\n');
    expect(run.bundles[0]).toMatchObject({ 'text/plain': '42', isMainResult: true });
    const other = await runCode(server.url, b, 'x');
    expect(other.executionError).toBe("NameError: name 'x' is not defined");
  });

  it('survives a failing cell; a timed-out cell restarts the kernel (state lost, as documented)', async () => {
    const s = await createSession(server.url);
    await runCode(server.url, s, 'y = 1');
    expect((await runCode(server.url, s, 'raise ValueError("boom")')).executionError).toBe(
      'ValueError: boom',
    );
    expect((await runCode(server.url, s, 'y')).bundles[0]).toMatchObject({ 'text/plain': '1' });
    const slow = await runCode(server.url, s, 'import time\ntime.sleep(30)', 'python', 1);
    expect(slow.executionError).toBe('TimeoutError: Execution timed out after 1 seconds');
    expect((await runCode(server.url, s, 'y')).executionError).toMatch(/NameError/);
  });

  it('runs overlapping calls of one session one after the other, each with its own output', async () => {
    const s = await createSession(server.url);
    const [first, second] = await Promise.all([
      runCode(server.url, s, 'import time\nprint("first")\ntime.sleep(0.3)\nprint("first end")'),
      runCode(server.url, s, 'print("second")'),
    ]);
    expect(first.stdout.join('')).toBe('first\nfirst end\n');
    expect(second.stdout.join('')).toBe('second\n');
  });

  it('attributes output that merely looks like a marker to the cell', async () => {
    const s = await createSession(server.url);
    const run = await runCode(
      server.url,
      s,
      'import sys\nsys.stdout.write("\\x00agentbay-cell-end-00\\x00 after\\n")',
    );
    expect(run.stdout.join('')).toBe('\u0000agentbay-cell-end-00\u0000 after\n');
  });
});
