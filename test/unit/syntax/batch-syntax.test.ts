import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { checkBatchSyntax } from '../../../src/syntax/batch-syntax.ts';

describe('files that could not be read', () => {
  it('are failures found on the runner, at their line, and not counted as syntax errors', () => {
    const checked = checkBatchSyntax(
      'auto',
      [
        {
          source: { kind: 'file', path: 'p.md' },
          language: 'python',
          code: '',
          inputProblem: { message: "Input 'markdown' has a bad marker: p.md:3: x", line: 3 },
        },
      ],
      tmpdir(),
    );
    expect(checked.failures.get(0)).toMatchObject({
      result: { success: false, error: "Input 'markdown' has a bad marker: p.md:3: x" },
      location: { line: 3, calledFrom: [] },
    });
    expect(checked.summary).toMatch(/0 with a syntax error/);
  });
});
