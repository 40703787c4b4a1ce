// The shell tool: real bash in the session's directories, with the real service's answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AgentBayServer } from '../../server/server.ts';
import { call, callTool, createSession, isAlive, sleep } from './helpers.ts';

describe('shell tool', () => {
  let server: AgentBayServer;
  let session: string;
  beforeAll(async () => {
    server = await startServer();
    session = await createSession(server.url);
  });
  afterAll(() => server.close());

  it('runs bash in /workspace with envs and answers stdout, stderr and exit_code', async () => {
    const reply = await callTool(server.url, session, 'shell', {
      command: 'echo "$FOO" && pwd && echo oops >&2 && [[ -n "$BASH_VERSION" ]] && echo bash',
      timeout_ms: 5000,
      cwd: '/workspace',
      envs: { FOO: 'bar baz' },
    });
    expect(reply.isError).toBe(false);
    const result = JSON.parse(reply.text);
    expect(result.exit_code).toBe(0);
    expect(result.stderr).toBe('oops\n');
    const [foo, pwd, bash] = result.stdout.split('\n');
    expect(foo).toBe('bar baz');
    expect(pwd).toMatch(/\/work$/);
    expect(bash).toBe('bash');
    expect(typeof result.traceId).toBe('string');
  });

  it('maps /workspace and /tmp/file-transfer into the session, for cwd and in the command', async () => {
    await callTool(server.url, session, 'shell', {
      command:
        'mkdir -p /workspace/sub && echo hi > /workspace/sub/a.txt && cp /workspace/sub/a.txt /tmp/file-transfer/b.txt',
      timeout_ms: 5000,
    });
    const reply = await callTool(server.url, session, 'shell', {
      command: 'cat a.txt "/tmp/file-transfer/b.txt"',
      timeout_ms: 5000,
      cwd: '/workspace/sub',
    });
    expect(JSON.parse(reply.text).stdout).toBe('hi\nhi\n');
    // The host's real /tmp/file-transfer was never touched.
    const host = await callTool(server.url, session, 'read_file', {
      path: '/tmp/file-transfer/b.txt',
    });
    expect(host.text).toBe('hi\n');
  });

  it('answers a non-zero exit as isError with errorCode (the real backends shape)', async () => {
    const reply = await callTool(server.url, session, 'shell', {
      command: 'echo partial; cat /nonexistent; exit 3',
      timeout_ms: 5000,
    });
    expect(reply.isError).toBe(true);
    const result = JSON.parse(reply.text);
    expect(result).toMatchObject({ errorCode: 3, stdout: 'partial\n' });
    expect(result.stderr).toMatch(/nonexistent/);
    expect(result).not.toHaveProperty('exit_code');
  });

  it('kills the command at timeout_ms and answers the plain [timeout] text', async () => {
    const started = Date.now();
    const reply = await callTool(server.url, session, 'shell', {
      command: 'echo $$ > /workspace/pid; sleep 30',
      timeout_ms: 500,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(reply).toEqual({
      isError: true,
      text: 'Error in response: Execution failed. Error code:-1 Error message: [timeout]',
    });
    const pid = Number(
      (await callTool(server.url, session, 'read_file', { path: '/workspace/pid' })).text,
    );
    await sleep(50);
    expect(isAlive(pid)).toBe(false);
  });

  it('leaves detached background jobs running after the call, and kills them with the session', async () => {
    const doomed = await createSession(server.url);
    const start = await callTool(server.url, doomed, 'shell', {
      command: 'nohup bash -c "sleep 60" > /workspace/job.log 2>&1 & echo $!',
      timeout_ms: 5000,
    });
    const pid = Number(JSON.parse(start.text).stdout.trim());
    await sleep(200);
    expect(isAlive(pid)).toBe(true);
    // A job that left the call's process group entirely is still the session's.
    const escaped = await callTool(server.url, doomed, 'shell', {
      command: 'setsid nohup sleep 60 > /dev/null 2>&1 & echo $!',
      timeout_ms: 5000,
    });
    const escapedPid = Number(JSON.parse(escaped.text).stdout.trim());
    expect(isAlive(escapedPid)).toBe(true);
    await call(server.url, 'ReleaseMcpSession', { SessionId: doomed });
    await sleep(100);
    expect(isAlive(pid)).toBe(false);
    expect(isAlive(escapedPid)).toBe(false);
  });

  it('refuses bad arguments and a cwd that does not exist as tool errors', async () => {
    const noCommand = await callTool(server.url, session, 'shell', { timeout_ms: 100 });
    expect(noCommand.isError).toBe(true);
    expect(noCommand.text).toMatch(/command must be a string/);
    const badEnvs = await callTool(server.url, session, 'shell', {
      command: 'true',
      envs: { 'A B': 1 },
    });
    expect(badEnvs.text).toMatch(/envs/);
    const badCwd = await callTool(server.url, session, 'shell', {
      command: 'true',
      cwd: '/workspace/nope',
    });
    expect(badCwd).toMatchObject({ isError: true });
    expect(badCwd.text).toMatch(/cwd is not a directory: \/workspace\/nope/);
  });

  it('keeps absolute paths outside the mounts inside the session (no host file is read)', async () => {
    const reply = await callTool(server.url, session, 'read_file', { path: '/etc/hostname' });
    expect(reply.isError).toBe(true);
    const escape = await callTool(server.url, session, 'write_file', {
      path: '/workspace/../../../../escape.txt',
      content: 'x',
    });
    expect(escape.isError).toBe(false);
    const back = await callTool(server.url, session, 'read_file', { path: '/escape.txt' });
    expect(back.text).toBe('x');
  });
});
