import { describe, expect, it } from 'vitest';
import { checkSyntax, withoutMagics } from '../../src/syntax-check.ts';

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
    const check = checkSyntax('auto', 'python', 's = ("%s"\n     %name)\n', {});
    expect(check.status).not.toBe('error');
  });

  it('still catches a plain syntax error', () => {
    const check = checkSyntax('auto', 'python', 'def f(:\n  pass\n', {});
    expect(check).toMatchObject({ status: 'error', location: { line: 1 } });
  });
});
