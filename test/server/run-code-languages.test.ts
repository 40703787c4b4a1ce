import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AgentBayServer } from '../../server/server.ts';
import { call, createSession, isAlive, runCode, runCodeToolError, sleep } from './helpers.ts';

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

describe('run_code: other languages, timeouts and tool errors', () => {
  let server: AgentBayServer;
  let session: string;
  beforeAll(async () => {
    server = await startServer();
    session = await createSession(server.url);
  });
  afterAll(() => server.close());

  it('runs javascript with the server Node and captures console output', async () => {
    const run = await runCode(
      server.url,
      session,
      "console.log('hi', 1 + 1); console.error('warn'); process.version",
      'javascript',
    );
    expect(run.executionError).toBe('');
    expect(run.stdout.join('')).toBe('hi 2\n');
    expect(run.stderr.join('')).toBe('warn\n');
    // JavaScript has no main result.
    expect(run.result).toEqual([]);
  });

  it('reports a thrown javascript error by its first Error line', async () => {
    const run = await runCode(
      server.url,
      session,
      "console.log('start');\nthrow new RangeError('out of range');",
      'JavaScript',
    );
    expect(run.executionError).toBe('RangeError: out of range');
    expect(run.stdout.join('')).toBe('start\n');
    expect(run.stderr.join('')).toContain('at Object.<anonymous>');
    const exit = await runCode(server.url, session, 'process.exit(4)', 'javascript');
    expect(exit.executionError).toBe('Process exited with code 4');
  });

  it('runs javascript with top-level import statements as an ES module', async () => {
    const code =
      "import { sep } from 'node:path';\n" +
      "console.log(typeof sep, import.meta.url.endsWith('.mjs'));";
    const run = await runCode(server.url, session, code, 'javascript');
    expect(run.executionError).toBe('');
    expect(run.stdout.join('')).toBe('string true\n');
  });

  it('runs a java snippet and a full class (a tool error without java)', async () => {
    if (!onPath('java')) {
      const text = await runCodeToolError(server.url, session, { code: '', language: 'java' });
      expect(text).toBe("Language 'java' is not available in this sandbox");
      return;
    }
    const [snippet, full] = await Promise.all([
      runCode(
        server.url,
        session,
        [
          'import java.util.*;',
          'List<Integer> xs = new ArrayList<>(List.of(3, 1, 2));',
          'Collections.sort(xs);',
          'System.out.println(xs);',
        ].join('\n'),
        'java',
      ),
      runCode(
        server.url,
        session,
        [
          'public class Hello {',
          '  public static void main(String[] args) {',
          '    System.out.println("hello " + args.length);',
          '    throw new IllegalStateException("boom");',
          '  }',
          '}',
        ].join('\n'),
        'java',
      ),
    ]);
    expect(snippet.executionError).toBe('');
    expect(snippet.stdout.join('')).toBe('[1, 2, 3]\n');
    expect(full.stdout.join('')).toBe('hello 0\n');
    expect(full.executionError).toBe('java.lang.IllegalStateException: boom');
    expect(full.stderr.join('')).toContain('at Hello.main(Hello.java:4)');
  });

  it('runs r with Rscript, or answers a tool error when it is absent', async () => {
    if (onPath('Rscript')) {
      const run = await runCode(server.url, session, 'cat(1 + 1, "\\n")', 'r');
      expect(run.stdout.join('')).toContain('2');
    } else {
      const text = await runCodeToolError(server.url, session, { code: '1', language: 'R' });
      expect(text).toBe("Language 'r' is not available in this sandbox");
    }
  });

  it('kills the whole process group at timeout_s and keeps the output so far', async () => {
    const code = [
      'import subprocess, sys, time',
      "child = subprocess.Popen(['sleep', '60'])",
      'print(child.pid, flush=True)',
      "print('looping', flush=True)",
      'while True:',
      '    time.sleep(0.01)',
    ].join('\n');
    const started = Date.now();
    const run = await runCode(server.url, session, code, 'python', 1);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(3500);
    expect(run.executionError).toBe('TimeoutError: Execution timed out after 1 seconds');
    const out = run.stdout.join('');
    expect(out).toContain('looping');
    const grandchild = Number(out.split('\n')[0]);
    await sleep(50);
    expect(isAlive(grandchild)).toBe(false);
  });

  it('kills running code when its session is deleted', async () => {
    const doomed = await createSession(server.url);
    const running = runCode(server.url, doomed, 'while (true) {}', 'javascript', 30);
    await sleep(300);
    const started = Date.now();
    await call(server.url, 'DeleteSessionAsync', { SessionId: doomed });
    const run = await running;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(run.executionError).toMatch(/session deleted/);
  });

  it('answers tool errors for bad tools, images, languages and arguments', async () => {
    const unknownTool = await call(server.url, 'CallMcpTool', {
      SessionId: session,
      Name: 'screenshot',
      Args: '{}',
    });
    expect(unknownTool.status).toBe(200);
    expect(unknownTool.body.Data).toEqual({
      content: [{ type: 'text', text: 'tool not found: screenshot' }],
      isError: true,
    });

    const linux = await createSession(server.url, { ImageId: 'linux_latest' });
    expect(await runCodeToolError(server.url, linux, { code: '1', language: 'python' })).toMatch(
      /not available on image linux_latest/,
    );
    expect(await runCodeToolError(server.url, session, { code: '1', language: 'py' })).toBe(
      'Unsupported language: py',
    );
    expect(await runCodeToolError(server.url, session, { language: 'python' })).toMatch(
      /code must be a string/,
    );
    expect(
      await runCodeToolError(server.url, session, { code: '1', language: 'python', timeout_s: -1 }),
    ).toMatch(/timeout_s/);
    const badJson = await call(server.url, 'CallMcpTool', {
      SessionId: session,
      Name: 'run_code',
      Args: '{',
    });
    expect(badJson.body.Data.isError).toBe(true);
  });

  it('counts runs per session', () => {
    const view = server.sessions().find((s) => s.id === session);
    expect(view?.runCount).toBeGreaterThanOrEqual(6);
  });
});
