import { describe, expect, it } from 'vitest';
import { findErrorLocation } from '../../../src/runs/error-location.ts';

const CODE_10_LINES = 'x\n'.repeat(10);

describe('findErrorLocation: the formats the real service may use', () => {
  it('IPython 8 `Cell In[N], line M`, innermost user frame last', () => {
    const traceback = [
      '---------------------------------------------------------------------------',
      'ZeroDivisionError                         Traceback (most recent call last)',
      'Cell In[3], line 7',
      '      5 print("start")',
      '----> 7 f()',
      'Cell In[3], line 4, in f()',
      '----> 4     return 1 / 0',
      'ZeroDivisionError: division by zero',
    ].join('\n');
    expect(findErrorLocation('python', [traceback], CODE_10_LINES)).toEqual({
      line: 4,
      calledFrom: [7],
    });
  });

  it('`<string>` and old `<ipython-input-…>` frames; library frames are not the user code', () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "<ipython-input-2-5a7c>", line 3, in <module>',
      '  File "/usr/lib/python3/json/__init__.py", line 346, in loads',
      'json.decoder.JSONDecodeError: Expecting value',
    ].join('\n');
    expect(findErrorLocation('python', [text], CODE_10_LINES)?.line).toBe(3);
    expect(
      findErrorLocation('python', ['  File "<string>", line 9\nSyntaxError: x'], CODE_10_LINES)
        ?.line,
    ).toBe(9);
  });

  it('reads through the ANSI colours of an IPython traceback', () => {
    const coloured =
      '\u001b[0;32mCell\u001b[0m \u001b[0;32mIn[1]\u001b[0m, line \u001b[0;32m5\u001b[0m\n';
    expect(findErrorLocation('python', [coloured], CODE_10_LINES)?.line).toBe(5);
  });

  it('ignores lines past the end of the code (a wrapper of the service)', () => {
    expect(
      findErrorLocation('python', ['File "<cell>", line 40, in <module>'], CODE_10_LINES),
    ).toBeUndefined();
  });

  it('JavaScript: the header has the line, the stack frame the column', () => {
    const stderr =
      '/w/main.js:3\n  throw e;\n  ^\n\nError: x\n    at g (/w/main.js:3:9)\n    at Object.<anonymous> (/w/main.js:6:1)\n';
    expect(findErrorLocation('javascript', [stderr], CODE_10_LINES)).toEqual({
      line: 3,
      column: 9,
      calledFrom: [6],
    });
  });

  it('Java only for a complete program; R parse errors', () => {
    const trace =
      'Exception in thread "main" java.lang.RuntimeException\n\tat Main.main(Main.java:4)';
    expect(findErrorLocation('java', [trace], 'int x;\n'.repeat(10))).toBeUndefined();
    expect(
      findErrorLocation(
        'java',
        [trace],
        'public class Main {\n public static void main(String[] a) {\n\n\n}}\n',
      ),
    )?.toMatchObject({ line: 4 });
    expect(findErrorLocation('r', ['Error: 2:3: unexpected symbol'], CODE_10_LINES)).toEqual({
      line: 2,
      column: 3,
      calledFrom: [],
    });
  });
});

describe('findErrorLocation: code run from a file in the sandbox', () => {
  it('Python: only frames of that file count, under whatever root the sandbox shows', () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "<cell>", line 13, in <module>',
      '  File "<cell>", line 8, in _ab_run_file',
      '  File "/tmp/agentbay-local-1/s/work/scripts/check.py", line 7, in <module>',
      '  File "/tmp/agentbay-local-1/s/work/scripts/check.py", line 2, in check',
      '  File "/workspace/other/check.py", line 3, in elsewhere',
      'ValueError: bad row 7',
    ].join('\n');
    expect(
      findErrorLocation('python', [text], CODE_10_LINES, '/workspace/scripts/check.py'),
    ).toEqual({ line: 2, calledFrom: [7] });
  });

  it("Python: IPython 8's `File path:line, in f()` form", () => {
    const text = [
      'Cell In[4], line 13',
      'File /workspace/scripts/check.py:7',
      'File /workspace/scripts/check.py:2, in check(rows)',
      'ValueError: bad row 7',
    ].join('\n');
    expect(
      findErrorLocation('python', [text], CODE_10_LINES, '/workspace/scripts/check.py'),
    ).toEqual({ line: 2, calledFrom: [7] });
  });

  it('JavaScript: an ES module by its percent-encoded file URL, with the column', () => {
    const text = [
      'file:///workspace/my%20tools/check.agentbay-1a2b.mjs:5',
      "if (rows.length > limit) throw new RangeError('too many rows');",
      'RangeError: too many rows',
      '    at file:///workspace/my%20tools/check.agentbay-1a2b.mjs:5:32',
      '    at ModuleJob.run (node:internal/modules/esm/module_job:325:25)',
    ].join('\n');
    expect(
      findErrorLocation(
        'javascript',
        [text],
        CODE_10_LINES,
        '/workspace/my tools/check.agentbay-1a2b.mjs',
      ),
    ).toEqual({ line: 5, column: 32, calledFrom: [] });
  });

  it('JavaScript: the wrapper (main.js) and other files do not count', () => {
    const text = [
      '/w/tools/big.js:3',
      'TypeError: x is not a function',
      '    at Object.<anonymous> (/w/tools/big.js:3:6)',
      '    at /w/main.js:1:143',
      '    at Object.<anonymous> (/w/notbig.js:4:1)',
    ].join('\n');
    expect(
      findErrorLocation('javascript', [text], CODE_10_LINES, '/workspace/tools/big.js'),
    ).toEqual({ line: 3, column: 6, calledFrom: [] });
    expect(
      findErrorLocation('javascript', ['at /w/main.js:1:5'], CODE_10_LINES, '/workspace/x.js'),
    ).toBeUndefined();
  });
});
