import { describe, expect, it } from 'vitest';
import { readEach } from '../../../src/inputs/file-problems.ts';
import { InputError } from '../../../src/inputs/input-error.ts';

const file = (path: string) => ({ path, realPath: `/nowhere/${path}`, size: 1 });

describe('readEach', () => {
  const read = (f: { path: string }) => {
    if (f.path.startsWith('bad')) throw new InputError('file', `names a bad '${f.path}'`, 4);
    if (f.path.startsWith('io')) throw new Error('EACCES: permission denied');
    if (f.path.startsWith('lang')) throw new InputError('language', 'must be one of python');
    return f.path.toUpperCase();
  };

  it("turns one file's problem into that file's failing run, and reads the others", () => {
    const read3 = readEach('file', [file('a'), file('bad.ipynb'), file('io.py')], read, () => 'r');
    expect(read3[0]).toEqual({ file: file('a'), value: 'A' });
    expect(read3[1]).toEqual({
      file: file('bad.ipynb'),
      problem: {
        source: { kind: 'file', path: 'bad.ipynb' },
        language: 'r',
        code: '',
        group: 'bad.ipynb',
        inputProblem: { message: "Input 'file' names a bad 'bad.ipynb'", line: 4 },
      },
    });
    expect(read3[2]).toMatchObject({
      problem: {
        inputProblem: {
          message: "Input 'file' names 'io.py', which cannot be read (EACCES: permission denied)",
        },
      },
    });
  });

  it("throws a lone file's problem, and a problem with the step's own inputs", () => {
    expect(() => readEach('file', [file('bad')], read, () => 'python')).toThrow(
      "Input 'file' names a bad 'bad'",
    );
    expect(() => readEach('file', [file('io')], read, () => 'python')).toThrow(InputError);
    expect(() => readEach('file', [file('a'), file('lang')], read, () => 'python')).toThrow(
      "Input 'language' must be one of python",
    );
  });
});
