// Failing code points at its line: annotations from real tracebacks and stacks of the local
// server's interpreters, and the syntax pre-check that runs on the runner and spends no sandbox.
import { describe, expect, it } from 'vitest';
import {
  DEMO_SHA,
  errorAnnotations,
  runAction,
  runStep,
  useServer,
  workspaceWith,
} from './harness.ts';

const server = useServer();

/** Runs a file from the workspace, written first. */
function runFile(file: string, content: string, inputs: Record<string, string> = {}) {
  const workdir = workspaceWith({ [file]: content });
  return runAction({ workdir, inputs: { ...server.inputs(), file, ...inputs } });
}

describe('a failing run annotates the failing line', () => {
  it('Python from a file: the innermost frame of the user code, on the file', async () => {
    const { main, post } = await runFile(
      'scripts/report.py',
      'def load(rows):\n    return rows[3]\n\nprint("start")\nload([1, 2])\n',
    );
    expect(main.code).toBe(1);
    expect(errorAnnotations(main.stdout)).toEqual([
      '::error title=Python error,file=scripts/report.py,line=2,endLine=2::The python code failed: IndexError: list index out of range',
    ]);
    expect(main.summary).toMatch(
      /^### ❌ Python code from <code>scripts\/report&#46;py<\/code> failed at line 2 \(called from line 5\): IndexError/,
    );
    expect(post.code).toBe(0);
  });

  it('JavaScript ESM from a file: line and column from main.mjs', async () => {
    const { main } = await runFile(
      'checks/validate.mjs',
      'import { strict as assert } from "node:assert";\nconst total = 2;\nassert.equal(total, 3);\n',
    );
    expect(main.code).toBe(1);
    expect(errorAnnotations(main.stdout)).toEqual([
      expect.stringMatching(
        /^::error title=JavaScript error,file=checks\/validate\.mjs,line=3,endLine=3,col=8::The javascript code failed: AssertionError/,
      ),
    ]);
  });

  it('Java with its own main: the line in Main.java', async () => {
    const { main } = await runFile(
      'src/Main.java',
      [
        'public class Main {',
        '  public static void main(String[] args) {',
        '    int[] a = new int[2];',
        '    System.out.println(a[5]);',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    expect(main.code).toBe(1);
    expect(errorAnnotations(main.stdout)).toEqual([
      expect.stringMatching(
        /^::error title=Java error,file=src\/Main\.java,line=4,endLine=4::The java code failed: java\.lang\.ArrayIndexOutOfBoundsException/,
      ),
    ]);
  });

  it('inline code: the line is in the title', async () => {
    const main = await runStep('main', {
      inputs: { ...server.inputs(), language: 'python', code: 'x = 1\ny = x / 0\n' },
    });
    expect(errorAnnotations(main.stdout)).toEqual([
      '::error title=Python error at line 2::The python code failed: ZeroDivisionError: division by zero',
    ]);
  });

  it('no line in the output: one plain error annotation', async () => {
    const main = await runStep('main', {
      inputs: { ...server.inputs(), language: 'python', code: 'import sys\nsys.exit(3)\n' },
    });
    expect(main.code).toBe(1);
    expect(errorAnnotations(main.stdout)).toEqual([
      '::error title=Python error::The python code failed: SystemExit: 3',
    ]);
  });
});

describe('the syntax pre-check', () => {
  it('stops a Python syntax error before any session, annotated on the file', async () => {
    const before = server.requests().length;
    const { main, post } = await runFile(
      'scripts/broken.py',
      'total = 0\nfor i in range(3)\n    total += i\n',
    );
    expect(main.code).toBe(1);
    expect(server.requests().length).toBe(before);
    expect(errorAnnotations(main.stdout)).toEqual([
      expect.stringMatching(
        /^::error title=Python syntax error,file=scripts\/broken\.py,line=2,endLine=2,col=18::The python code has a syntax error \(found by python3 compile\(\) on the runner; no session was created\): SyntaxError: expected ':'/,
      ),
    ]);
    expect(main.outputs.success).toBe('false');
    expect(main.outputs.error).toBe("SyntaxError: expected ':'");
    expect(main.outputs['session-id']).toBeUndefined();
    expect(main.summary).toMatch(
      /^### ❌ Python code from .* has a syntax error at line 2, column 18/,
    );
    expect(main.summary).toContain('> 2 | for i in range(3)\n    |                  ^');
    // The line links to the file at the commit, as a failed run's does.
    expect(main.summary).toContain(
      `](https://github.com/octo/agentbay-demo/blob/${DEMO_SHA}/scripts/broken.py#L2):`,
    );
    expect(post.stdout).toContain('nothing to clean up');
  });

  it('stops a JavaScript syntax error with node --check, line and column in the title', async () => {
    const before = server.requests().length;
    const main = await runStep('main', {
      inputs: { ...server.inputs(), language: 'js', code: 'const a = 1;\nconsole.log(a +);\n' },
    });
    expect(main.code).toBe(1);
    expect(server.requests().length).toBe(before);
    expect(errorAnnotations(main.stdout)).toEqual([
      expect.stringMatching(
        /^::error title=JavaScript syntax error at line 2%2C column 16::.*node --check.*SyntaxError: Unexpected token '\)'/,
      ),
    ]);
  });

  it('checks inline Python while the action loads, and still stops its syntax error at no cost', async () => {
    const before = server.requests().length;
    const main = await runStep('main', {
      inputs: { ...server.inputs(), language: 'python', code: 'x = 1\nprint((x)\n' },
      env: { ACTIONS_STEP_DEBUG: 'true' },
    });
    expect(main.stdout).toContain('::debug::The syntax check ran while the action loaded.');
    expect(main.code).toBe(1);
    expect(server.requests().length).toBe(before);
    expect(errorAnnotations(main.stdout)).toEqual([
      expect.stringMatching(/^::error title=Python syntax error at line 2/),
    ]);
    const passing = await runStep('main', {
      inputs: { ...server.inputs(), language: 'python', code: 'print("early ok")\n' },
      env: { ACTIONS_STEP_DEBUG: 'true' },
    });
    expect(passing.stdout).toContain('::debug::The syntax check ran while the action loaded.');
    expect(passing.outputs.stdout).toBe('early ok\n');
  });

  it('lets notebook syntax through: magics, shell escapes, top-level await', async () => {
    const main = await runStep('main', {
      inputs: {
        ...server.inputs(),
        language: 'python',
        code: '%matplotlib inline\n!echo hi\nimport asyncio\nawait asyncio.sleep(0)\nx = 5 % 3\n',
        'fail-on-error': 'false',
      },
    });
    expect(main.stdout).toContain(
      'Syntax checked on the runner with python3 compile(): no errors.',
    );
    // The local server is not IPython: it is the one that rejects the magic.
    expect(main.outputs['session-id']).toMatch(/^session-/);
  });

  it('syntax-check: false sends the code as it is, and the sandbox reports the error', async () => {
    const main = await runStep('main', {
      inputs: {
        ...server.inputs(),
        language: 'python',
        code: 'print(1)\nprint((2)\n',
        'syntax-check': 'false',
      },
    });
    expect(main.stdout).toContain('Syntax not checked on the runner: syntax-check is false.');
    expect(main.outputs['session-id']).toMatch(/^session-/);
    expect(main.outputs.error).toMatch(/^SyntaxError: /);
    expect(errorAnnotations(main.stdout)).toEqual([
      expect.stringMatching(/^::error title=Python error at line 2::/),
    ]);
  });

  it('auto without python3 on the runner: skipped, the run goes on', async () => {
    const main = await runStep('main', {
      inputs: { ...server.inputs(), language: 'python', code: 'print("ran")\n' },
      env: { PATH: '/nonexistent' },
    });
    expect(main.stdout).toContain('Syntax not checked on the runner: the runner has no python3.');
    expect(main.outputs.stdout).toBe('ran\n');
  });

  it('true without python3 on the runner, or for Java: an input error, and no session', async () => {
    const before = server.requests().length;
    const noPython = await runStep('main', {
      inputs: {
        ...server.inputs(),
        language: 'python',
        code: 'print(1)\n',
        'syntax-check': 'true',
      },
      env: { PATH: '/nonexistent' },
    });
    expect(noPython.code).toBe(1);
    expect(noPython.stdout).toContain(
      "::error::Input 'syntax-check' is true, but the check could not be done: the runner has no python3",
    );
    const java = await runStep('main', {
      inputs: { ...server.inputs(), language: 'java', code: 'int x = 1;', 'syntax-check': 'true' },
    });
    expect(java.code).toBe(1);
    expect(java.stdout).toContain(
      "::error::Input 'syntax-check' is true, but the check could not be done: the runner cannot check java",
    );
    const bogus = await runStep('main', {
      inputs: {
        ...server.inputs(),
        language: 'python',
        code: 'print(1)\n',
        'syntax-check': 'maybe',
      },
    });
    expect(bogus.stdout).toContain(
      "::error::Input 'syntax-check' must be auto (check when the runner has the interpreter), true (require the check) or false (skip it); got 'maybe'",
    );
    expect(server.requests().length).toBe(before);
  });
});
