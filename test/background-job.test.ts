// Long work past the gateway limit: a detached job polled with short calls, against the local
// server with its gateway limit shortened, so a client that waited in one call would fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentBayClient } from '../src/agentbay/client.ts';
import { runShell } from '../src/agentbay/shell.ts';
import { runBackgroundJob } from '../src/sandbox/background-job.ts';
import { USER_AGENT } from '../src/version.ts';
import { startServer, type AgentBayServer } from '../server/server.ts';

describe('background job', () => {
  let server: AgentBayServer;
  let client: AgentBayClient;
  let sessionId: string;
  beforeAll(async () => {
    server = await startServer({ gatewayTimeoutMs: 1500 });
    client = new AgentBayClient({ endpoint: server.url, apiKey: 'akm-x', userAgent: USER_AGENT });
    ({ sessionId } = await client.createSession({ imageId: 'code_latest', labels: {} }));
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('with mergeStderr keeps the order the lines were written in, whatever poll reads them', async () => {
    // Both lines are written before the first poll; read from two files, stdout came first.
    const result = await runBackgroundJob(
      client,
      sessionId,
      {
        script: 'echo first >&2; echo second; sleep 0.5; echo third >&2',
        cwd: '/workspace',
        envs: {},
        timeoutS: 30,
        mergeStderr: true,
      },
      { pollMs: 300 },
    );
    expect(result).toMatchObject({ exitCode: 0, stdout: 'first\nsecond\nthird\n', stderr: '' });
  });

  it('outlives the gateway limit, streams whole lines as they come, and returns the exit code', async () => {
    const seen: string[] = [];
    let firstSeenBeforeEnd = false;
    const result = await runBackgroundJob(
      client,
      sessionId,
      {
        script:
          'echo "start $GREETING"; sleep 1.5; echo "ü middle"; echo warn >&2; sleep 1.5; printf "no newline"; exit 7',
        cwd: '/workspace',
        envs: { GREETING: 'héllo world' },
        timeoutS: 60,
      },
      {
        pollMs: 200,
        keepAliveMs: 500,
        onOutput: (stream, text) => {
          seen.push(`${stream}:${text}`);
          if (text.startsWith('start')) firstSeenBeforeEnd = true;
        },
      },
    );
    expect(result).toMatchObject({
      exitCode: 7,
      timedOut: false,
      stdout: 'start héllo world\nü middle\nno newline',
      stderr: 'warn\n',
    });
    expect(firstSeenBeforeEnd).toBe(true);
    expect(seen[0]).toBe('stdout:start héllo world\n');
    expect(seen).toContain('stdout:no newline');
    // Polled in several short calls, with keep-alives in between; none hit the gateway limit.
    const calls = server.requests().filter((r) => r.action === 'CallMcpTool');
    expect(calls.length).toBeGreaterThan(5);
    expect(calls.every((r) => r.status === 200)).toBe(true);
    expect(server.requests().some((r) => r.action === 'RefreshSessionIdleTime')).toBe(true);
  });

  it('kills the job and everything it started at the timeout', async () => {
    const result = await runBackgroundJob(
      client,
      sessionId,
      {
        script:
          // Relative paths: the script travels encoded, the server maps only what it sees.
          'sleep 300 & echo $! > child.pid; setsid sleep 301 & echo $! > setsid.pid; echo looping; while true; do sleep 0.1; done',
        cwd: '/workspace',
        envs: {},
        timeoutS: 2,
      },
      { pollMs: 200 },
    );
    expect(result).toMatchObject({ exitCode: undefined, timedOut: true, stdout: 'looping\n' });
    const alive = await runShell(client, sessionId, {
      command:
        // A zombie is gone too: whoever adopted it reaps it when it will.
        'for f in child.pid setsid.pid; do p=$(cat $f) && [ -n "$p" ] && case "$(ps -o stat= -p "$p")" in ""|Z*) echo gone;; *) echo alive;; esac; done',
      timeoutMs: 5000,
      cwd: '/workspace',
    });
    expect(alive.stdout).toBe('gone\ngone\n');
  });

  it('reads large output completely, in windows, byte for byte', async () => {
    const result = await runBackgroundJob(
      client,
      sessionId,
      { script: 'seq 1 60000', cwd: '/workspace', envs: {}, timeoutS: 60 },
      { pollMs: 100 },
    );
    const expected = Array.from({ length: 60_000 }, (_, i) => `${i + 1}\n`).join('');
    expect(result.stdout.length).toBe(expected.length);
    expect(result.stdout === expected).toBe(true);
    expect(result.exitCode).toBe(0);
  });
});
