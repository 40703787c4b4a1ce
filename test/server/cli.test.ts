// The server as a person starts it: `node server/main.ts` and `npm run server`, real processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/step-runner.ts';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.exitCode);
  }
  return new Promise((resolve) => child.once('close', (code) => resolve(code)));
}

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return { stdout: () => stdout, stderr: () => stderr };
}

/** The URL from the server's one ready line. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      text += d;
      const match = /listening on (http:\/\/\S+)/.exec(text);
      if (match) resolve(match[1]!);
    });
    child.once('close', () => reject(new Error(`exited before listening:\n${text}`)));
  });
}

describe('node server/main.ts', () => {
  let blocker: Server | undefined;
  afterEach(() => blocker?.close());

  it('a busy port is one line that names the port and the flag, and exit code 1', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;

    const child = spawn(process.execPath, ['server/main.ts', '--port', String(port)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    const output = collect(child);
    expect(await exited(child)).toBe(1);
    const lines = output.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Port ${port}`);
    expect(lines[0]).toContain('--port');
    expect(output.stderr()).not.toMatch(/\bat \S+ \(|EADDRINUSE/);
    expect(output.stdout()).toBe('');
  });
});

describe('npm run server', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s to npm stops the server: its port refuses connections once npm has exited',
    async (signal) => {
      const npm = spawn('npm', ['run', '--silent', 'server', '--', '--port', '0'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      started.push(npm);
      const url = await listening(npm);
      expect((await fetch(`${url}/`, { method: 'POST' })).status).toBeGreaterThan(0);

      npm.kill(signal);
      await exited(npm);
      // npm forwards the signal and waits for its script to end before it exits itself.
      await expect(
        fetch(`${url}/`, { method: 'POST', signal: AbortSignal.timeout(10_000) }),
      ).rejects.toThrow(/fetch failed/);
    },
  );
});
