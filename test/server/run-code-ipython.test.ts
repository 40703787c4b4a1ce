// Python cells run in IPython's InteractiveShell, as code_latest's Jupyter kernel runs them:
// magics, shell lines, automagic, get_ipython(), clear_output, and no stdin. Without IPython the
// server falls back to its stand-in and says so once on stderr.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/step-runner.ts';
import { startServer, type AgentBayServer } from '../../server/server.ts';
import { createSession, runCode } from './helpers.ts';

describe('run_code: python in an IPython kernel', () => {
  let server: AgentBayServer;
  let session: string;
  beforeAll(async () => {
    server = await startServer();
    session = await createSession(server.url);
  });
  afterAll(() => server.close());

  it('runs %magics, %%cell magics, !shell lines and automagic, with get_ipython()', async () => {
    const run = await runCode(
      server.url,
      session,
      [
        "open('listed.txt', 'w').close()",
        'files = !ls',
        '!echo shell-$((40 + 2))',
        '%env GREETING=hi',
        'import os',
        "print(os.environ['GREETING'], 'listed.txt' in files)",
        "print(type(get_ipython()).__name__ != '', get_ipython().user_ns['files'] is files)",
      ].join('\n'),
    );
    expect(run.executionError).toBe('');
    // Shell lines run under a pseudo-terminal, which ends lines with \r\n, as in ipykernel.
    expect(run.stdout.join('')).toBe('shell-42\r\nenv: GREETING=hi\nhi True\nTrue True\n');
    // A cell `pwd` is automagic for %pwd: its value is the cell's main result.
    const pwd = await runCode(server.url, session, 'pwd');
    expect(pwd.bundles).toEqual([
      { isMainResult: true, 'text/plain': expect.stringMatching(/\/work'$/) },
    ]);

    const written = await runCode(server.url, session, '%%writefile note.txt\nfrom a cell magic\n');
    expect(written.executionError).toBe('');
    expect(written.stdout.join('')).toBe('Writing note.txt\n');
    const read = await runCode(server.url, session, "open('note.txt').read()");
    expect(read.bundles[0]?.['text/plain']).toBe("'from a cell magic\\n'");
  });

  it('clear_output() drops what the cell showed and printed before it', async () => {
    const run = await runCode(
      server.url,
      session,
      [
        'from IPython.display import display, clear_output, HTML',
        "print('progress 1')",
        "display(HTML('<b>old</b>'))",
        'clear_output(wait=True)',
        "print('final')",
        "display(HTML('<i>new</i>'))",
      ].join('\n'),
    );
    expect(run.executionError).toBe('');
    expect(run.stdout.join('')).toBe('final\n');
    expect(run.bundles).toEqual([
      {
        isMainResult: false,
        'text/plain': '<IPython.core.display.HTML object>',
        'text/html': '<i>new</i>',
      },
    ]);
  });

  it('fails input() and getpass at once, as Jupyter does without a front end; stdin is empty', async () => {
    // timeout_s 30: a hang would answer TimeoutError instead of the error asserted here.
    const input = await runCode(server.url, session, "name = input('name? ')", 'python', 30);
    expect(input.executionError).toBe(
      'StdinNotImplementedError: raw_input was called, but this frontend does not support input requests.',
    );
    const secret = await runCode(
      server.url,
      session,
      'import getpass\ngetpass.getpass()',
      'python',
      30,
    );
    expect(secret.executionError).toMatch(/^StdinNotImplementedError: getpass was called/);
    const reads = await runCode(
      server.url,
      session,
      [
        'import subprocess, sys',
        "print(repr(sys.stdin.read()), subprocess.run(['cat'], capture_output=True).stdout)",
        "print('next cell still arrives')",
      ].join('\n'),
      'python',
      30,
    );
    expect(reads.executionError).toBe('');
    expect(reads.stdout.join('')).toBe("'' b''\nnext cell still arrives\n");
  });
});

describe('run_code: python without IPython', () => {
  let dir: string;
  let python: string;
  beforeAll(async () => {
    // -S: no site-packages, so IPython cannot be imported, whatever this machine has installed.
    dir = await mkdtemp(join(tmpdir(), 'no-ipython-'));
    python = join(dir, 'python-without-ipython');
    await writeFile(python, '#!/bin/sh\nexec python3 -S "$@"\n');
    await chmod(python, 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('runs the stand-in kernel: state and display work, magics do not', async () => {
    const server = await startServer({ python });
    try {
      const session = await createSession(server.url);
      await runCode(server.url, session, 'x = 20');
      const run = await runCode(server.url, session, "display('shown')\nx + 22");
      expect(run.executionError).toBe('');
      expect(run.bundles.map((b) => b['text/plain'])).toEqual(["'shown'", '42']);
      expect((await runCode(server.url, session, '%time 1')).executionError).toMatch(
        /^SyntaxError/,
      );
      expect((await runCode(server.url, session, 'get_ipython()')).executionError).toBe(
        "NameError: name 'get_ipython' is not defined",
      );
    } finally {
      await server.close();
    }
  });

  it('says so in one line on the stderr of `node server/main.ts`', async () => {
    const child = spawn(process.execPath, ['server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, AGENTBAY_LOCAL_PYTHON: python },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const stderr = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stderr.setEncoding('utf8').on('data', (d: string) => {
          text += d;
          if (text.includes('\n')) resolve(text);
        });
        child.once('close', () => reject(new Error(`exited: ${text}`)));
      });
      expect(stderr).toBe(
        `Python: IPython is not importable by ${python}; running Python cells in the stand-in ` +
          'kernel (no %magics, !shell lines or get_ipython()). Install it, e.g. apt-get install python3-ipython.\n',
      );
    } finally {
      child.kill('SIGTERM');
    }
  });
});
