import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { startEarlyCheck } from '../../../src/early-check.ts';
import {
  checkSyntax,
  checkSyntaxWith,
  startPythonCheck,
  withoutMagics,
} from '../../../src/syntax/syntax-check.ts';

describe('withoutMagics', () => {
  it('blanks IPython line magics and shell escapes, keeping lines and indentation', () => {
    const code = '%pip install x\nif True:\n    !ls\n    files = !ls\nx = 5 % 3\ny = (1\n  != 2)\n';
    expect(withoutMagics(code)).toBe(
      'pass\nif True:\n    pass\n    pass\nx = 5 % 3\ny = (1\n  != 2)\n',
    );
  });
});

describe('syntax pre-check', () => {
  it('never blocks valid Python whose continuation line looks like a magic', () => {
    const check = checkSyntax('auto', 'python', 's = ("%s"\n     %name)\n', tmpdir());
    expect(check.status).not.toBe('error');
  });

  it('still catches a plain syntax error', () => {
    const check = checkSyntax('auto', 'python', 'def f(:\n  pass\n', tmpdir());
    expect(check).toMatchObject({ status: 'error', location: { line: 1 } });
  });
});

describe('the check started early', () => {
  const cases: Record<string, string> = {
    passing: 'import os\nprint(os.sep)\n',
    'syntax error with a location': 'x = 1\ndef f(:\n  pass\n',
    'magic guess': '%pip install x\ny = (1\n!oops\n',
    'cell magic': '%%bash\necho hi\n',
    'top-level await': 'await something()\n',
    'a BOM and Unicode': '\uFEFFname = "é😀"\nprint(name\n',
  };

  for (const [name, code] of Object.entries(cases)) {
    it(`gives the verdict the usual check gives: ${name}`, async () => {
      const early = startPythonCheck(code);
      const { early: used, ...verdict } = await checkSyntaxWith(
        early,
        'auto',
        'python',
        code,
        tmpdir(),
      );
      expect(used).toBe(true);
      expect(verdict).toEqual(checkSyntax('auto', 'python', code, tmpdir()));
    });
  }

  it('is used only for the very code it checked; otherwise the usual check decides', async () => {
    const early = startPythonCheck('print("fine")\n');
    const verdict = await checkSyntaxWith(early, 'auto', 'python', 'def f(:\n', tmpdir());
    expect(verdict).toMatchObject({ status: 'error', location: { line: 1 } });
    expect('early' in verdict).toBe(false);
  });

  it('is not used for another language, or when the check is off', async () => {
    const js = await checkSyntaxWith(
      startPythonCheck('x = 1\n'),
      'auto',
      'javascript',
      'x = ;',
      tmpdir(),
    );
    expect(js).toMatchObject({ status: 'error', checker: 'node --check' });
    const off = await checkSyntaxWith(
      startPythonCheck('def f(:\n'),
      'false',
      'python',
      'def f(:\n',
      tmpdir(),
    );
    expect(off.status).toBe('skipped');
  });

  it('keeps syntax-check: true strict: a check without a verdict is an input error', async () => {
    const code = '%%bash\necho hi\n';
    await expect(
      checkSyntaxWith(startPythonCheck(code), 'true', 'python', code, tmpdir()),
    ).rejects.toThrow(/syntax-check/);
  });

  it('starts only for inline Python code, from the inputs as the runner passes them', () => {
    const started = (inputs: Record<string, string>) => {
      const check = startEarlyCheck(inputs);
      check?.cancel();
      return check?.code;
    };
    const inline = { INPUT_CODE: '  print(1)\n', INPUT_LANGUAGE: ' Py ' };
    expect(started(inline)).toBe('  print(1)\n');
    expect(started({ ...inline, INPUT_LANGUAGE: 'javascript' })).toBeUndefined();
    expect(started({ ...inline, INPUT_FILE: 'a.py' })).toBeUndefined();
    expect(started({ ...inline, INPUT_MARKDOWN: 'docs/*.md' })).toBeUndefined();
    expect(started({ ...inline, 'INPUT_SYNTAX-CHECK': 'FALSE' })).toBeUndefined();
    expect(started({ ...inline, INPUT_CODE: ' \n' })).toBeUndefined();
  });

  it('stops its process when cancelled', async () => {
    const early = startPythonCheck('print(1)\n');
    early.cancel();
    expect(await early.verdict).toMatchObject({ status: 'inconclusive' });
  });
});
