// The local server bounds what a session's code writes (issue 20, item 18): a file-size limit on
// every process it starts, background jobs included, and a watcher on each session's directory.
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type AgentBayServer } from '../../server/server.ts';
import { call, createSession, isAlive, runCode, sleep } from './helpers.ts';

async function shell(url: string, session: string, command: string): Promise<any> {
  const reply = await call(url, 'CallMcpTool', {
    SessionId: session,
    Name: 'shell',
    Args: JSON.stringify({ command, timeout_ms: 20_000 }),
  });
  const text = reply.body.Data.content[0].text as string;
  return JSON.parse(text);
}

/** Polls until `check` answers true (the condition, not a guessed delay, ends the wait). */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(50);
}

describe('disk limits', () => {
  let server: AgentBayServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('caps every file a job writes: shell commands, detached background jobs, run_code', async () => {
    server = await startServer({ diskLimits: { maxFileBytes: 64 * 1024 } });
    const { url } = server;
    const session = await createSession(url);

    const direct = await shell(server.url, session, 'head -c 200000 /dev/zero > big; echo $?');
    // SIGXFSZ ended `head` (128 + 25); the file stopped at the limit.
    expect(direct.stdout).toBe('153\n');
    expect((await shell(server.url, session, 'stat -c %s big')).stdout).toBe('65536\n');

    await shell(
      server.url,
      session,
      "setsid nohup sh -c 'head -c 300000 /dev/zero > bg; touch bg.done' >/dev/null 2>&1 &",
    );
    await until(async () => (await shell(url, session, 'ls')).stdout.includes('bg.done'));
    expect((await shell(server.url, session, 'stat -c %s bg')).stdout).toBe('65536\n');

    // Python ignores SIGXFSZ: the write fails with EFBIG and the kernel lives on.
    const run = await runCode(
      server.url,
      session,
      "data = b'x' * 200000\nwith open('py.bin', 'wb') as fh:\n    fh.write(data)",
    );
    expect(run.executionError).toBe('OSError: [Errno 27] File too large');
    expect((await runCode(server.url, session, 'len(data)')).bundles[0]?.['text/plain']).toBe(
      '200000',
    );
  });

  it('kills what a session runs once its directory passes the limit, and says why', async () => {
    server = await startServer({
      diskLimits: { maxFileBytes: 1024 * 1024, maxSessionBytes: 256 * 1024, checkIntervalMs: 100 },
    });
    const session = await createSession(server.url);
    const background = await shell(
      server.url,
      session,
      "setsid nohup sh -c 'while true; do sleep 1; done' >/dev/null 2>&1 & echo $!",
    );
    const backgroundPid = Number(background.stdout.trim());
    expect(isAlive(backgroundPid)).toBe(true);

    const run = await runCode(
      server.url,
      session,
      [
        'import itertools, time',
        'for i in itertools.count():',
        "    with open(f'chunk{i}', 'wb') as fh:",
        "        fh.write(b'x' * 50000)",
        '    time.sleep(0.01)',
      ].join('\n'),
      'python',
      30,
    );
    expect(run.executionError).toBe(
      "KilledError: execution stopped because the session's files passed the local server's 256 KiB limit",
    );
    await until(async () => !isAlive(backgroundPid));

    // The session itself lives on: once the files are gone, code runs again.
    expect((await shell(server.url, session, 'rm -f chunk*; echo cleared')).stdout).toBe(
      'cleared\n',
    );
    expect((await runCode(server.url, session, '6 * 7')).bundles[0]?.['text/plain']).toBe('42');
  });
});
