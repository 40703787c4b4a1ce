import { describe, expect, it } from 'vitest';
import { codeFileFor, runCodeArgsBytes, runFromFileCode } from '../../../src/sandbox/code-file.ts';

describe('codeFileFor', () => {
  it("the workflow's own file at its own path, kept", () => {
    expect(codeFileFor({ kind: 'file', path: 'scripts/a b.py' }, 'python', 'x = 1')).toEqual({
      path: '/workspace/scripts/a b.py',
      relative: 'scripts/a b.py',
      temporary: false,
    });
    expect(
      codeFileFor({ kind: 'file', path: 'tools/x.mjs' }, 'javascript', 'import a from "b";'),
    ).toMatchObject({ relative: 'tools/x.mjs', temporary: false });
  });

  it('an ES module in a .js file runs from a temporary .mjs beside it', () => {
    const file = codeFileFor({ kind: 'file', path: 'tools/x.js' }, 'javascript', 'export {};');
    expect(file.relative).toMatch(/^tools\/x\.agentbay-[0-9a-f]{8}\.mjs$/);
    expect(file.temporary).toBe(true);
  });

  it('inline code, a Markdown block, or a file the language would not run: a temporary file at the root', () => {
    for (const source of [
      { kind: 'inline' as const },
      { kind: 'file' as const, path: 'docs/README.md', fenceLine: 12 },
      { kind: 'file' as const, path: 'nb/analysis.py', cell: 3 },
      { kind: 'file' as const, path: 'notes.txt' },
    ]) {
      const file = codeFileFor(source, 'python', 'print(1)');
      expect(file.relative).toMatch(/^\.agentbay-code-[0-9a-f]{8}\.py$/);
      expect(file.temporary).toBe(true);
    }
    expect(codeFileFor({ kind: 'inline' }, 'javascript', 'import x from "y";').relative).toMatch(
      /\.mjs$/,
    );
  });
});

describe('runFromFileCode', () => {
  const file = { path: '/workspace/s/x', relative: 's/"x\n', temporary: true };

  it('quotes the path as a literal in every language', () => {
    expect(runFromFileCode('python', file, '')).toContain(`("s/\\"x\\n", True)`);
    expect(runFromFileCode('javascript', file, 'ENV;')).toMatch(
      /^ENV;\(\(\)=>\{const f=require\('path'\)\.resolve\("s\/\\"x\\n"\);process\.on\('exit'/,
    );
    expect(runFromFileCode('r', file, '')).toBe(
      'tryCatch(source("s/\\"x\\n", print.eval = TRUE), finally = unlink("s/\\"x\\n"))',
    );
    expect(runFromFileCode('java', file, '')).toBeNull();
  });

  it('keeps the workflow file: no removal', () => {
    const own = { ...file, temporary: false };
    expect(runFromFileCode('python', own, '')).toContain(', False)');
    expect(runFromFileCode('javascript', own, '')).not.toContain('rmSync');
    expect(runFromFileCode('r', own, '')).not.toContain('unlink');
  });
});

describe('runCodeArgsBytes', () => {
  it('counts UTF-8 bytes of the escaped Args, not characters', () => {
    const empty = runCodeArgsBytes('', 'python', 60);
    expect(runCodeArgsBytes('€', 'python', 60) - empty).toBe(3);
    expect(runCodeArgsBytes('"\\\n', 'python', 60) - empty).toBe(6);
    expect(runCodeArgsBytes('\u0001', 'python', 60) - empty).toBe(6);
  });
});
