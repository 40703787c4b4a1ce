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

  it('runs java snippets in one JShell per session (state kept) and a full class as a program', async () => {
    if (!onPath('java')) {
      const text = await runCodeToolError(server.url, session, { code: '', language: 'java' });
      expect(text).toBe("Language 'java' is not available in this sandbox");
      return;
    }
    const snippet = await runCode(
      server.url,
      session,
      [
        'import java.util.*;',
        'List<Integer> xs = new ArrayList<>(List.of(3, 1, 2));',
        'Collections.sort(xs);',
        'System.out.println(xs);',
        'int twice(int n) { return 2 * n; }',
      ].join('\n'),
      'java',
    );
    expect(snippet.executionError).toBe('');
    expect(snippet.stdout.join('')).toBe('[1, 2, 3]\n');
    // The next call sees the variable, the method and the import of the previous one.
    const later = await runCode(
      server.url,
      session,
      'xs.add(twice(21));\nSystem.out.println(xs + " " + new ArrayList<>(xs).size());',
      'java',
    );
    expect(later.executionError).toBe('');
    expect(later.stdout.join('')).toBe('[1, 2, 3, 42] 4\n');
    const thrown = await runCode(
      server.url,
      session,
      'System.out.println("before");\nint[] a = new int[1];\na[3] = 1;\nSystem.out.println("after");',
      'java',
    );
    expect(thrown.executionError).toBe(
      'java.lang.ArrayIndexOutOfBoundsException: Index 3 out of bounds for length 1',
    );
    expect(thrown.stdout.join('')).toBe('before\n');
    const rejected = await runCode(server.url, session, 'undefinedName + 1;', 'java');
    expect(rejected.executionError).toBe('error: cannot find symbol');
    expect(rejected.stderr.join('')).toContain('symbol:   variable undefinedName');

    const full = await runCode(
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
    );
    expect(full.stdout.join('')).toBe('hello 0\n');
    expect(full.executionError).toBe('java.lang.IllegalStateException: boom');
    expect(full.stderr.join('')).toContain('at Hello.main(Hello.java:4)');
  });

  it('runs r in one R process per session: state kept, errors as R words them', async () => {
    // R is required: .ci/run installs Debian's r-base-core, so the R paths are tested for real.
    expect(onPath('Rscript')).toBe(true);
    const first = await runCode(
      server.url,
      session,
      'x <- 41\nsquare <- function(n) n * n\nx + 1\ncat("hi\\n")\ninvisible(7)',
      'r',
    );
    expect(first.executionError).toBe('');
    // Visible values print as Rscript prints them; invisible() stays silent.
    expect(first.stdout.join('')).toBe('[1] 42\nhi\n');
    const second = await runCode(
      server.url,
      session,
      'print(square(x))\nf <- function() stop("inner")\nf()\ncat("not reached")',
      'R',
    );
    expect(second.stdout.join('')).toBe('[1] 1681\n');
    expect(second.executionError).toBe('Error in f() : inner');
    expect(second.stderr.join('')).toBe('Error in f() : inner\n');
    const top = await runCode(server.url, session, 'stop("at top")', 'r');
    expect(top.executionError).toBe('Error: at top');
    const syntax = await runCode(server.url, session, 'x +', 'r');
    expect(syntax.executionError).toBe('Error: 2:0: unexpected end of input');
    // readline() has no stdin to wait for; the kernel still answers the next cell.
    const read = await runCode(server.url, session, 'readline()\nx', 'r', 30);
    expect(read.executionError).toBe('');
    // Non-interactive R answers readline() at once with "", after echoing the empty answer.
    expect(read.stdout.join('')).toBe('\n[1] ""\n[1] 41\n');
    // Another session has its own R.
    const other = await createSession(server.url);
    expect((await runCode(server.url, other, 'exists("x")', 'r')).stdout.join('')).toBe(
      '[1] FALSE\n',
    );
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
