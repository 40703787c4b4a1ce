import { describe, expect, it } from 'vitest';
import { interpreterSetup, type CodeRun } from '../../../src/sandbox/code-runner.ts';

const run = (over: Partial<CodeRun>): CodeRun => ({
  code: 'print(1)',
  language: 'python',
  source: { kind: 'inline' },
  timeoutS: 30,
  envs: {},
  ...over,
});

describe('interpreterSetup', () => {
  it('needs nothing without variables or a file', () => {
    expect(interpreterSetup(run({}))).toEqual({ kind: 'none' });
    expect(interpreterSetup(run({ language: 'javascript' }))).toEqual({ kind: 'none' });
  });

  it('sets Python variables and the file directory in a separate call, the code untouched', () => {
    const setup = interpreterSetup(
      run({ envs: { A: 'x"y\n', B: "it's" }, source: { kind: 'file', path: 'scripts/job.py' } }),
    );
    expect(setup.kind).toBe('separate-call');
    if (setup.kind !== 'separate-call') return;
    expect(setup.code).toContain('_ab_os.environ.update(_ab_json.loads(');
    // The variables themselves, as a JSON string literal Python reads back whole.
    expect(setup.code).toContain(
      `_ab_os.environ.update(_ab_json.loads(${JSON.stringify(JSON.stringify({ A: 'x"y\n', B: "it's" }))}))`,
    );
    expect(setup.code).toContain('_ab_sys.path.insert(0, _ab_os.path.abspath("scripts"))');
    expect(setup.code).toContain('_ab_sys.argv = ["scripts/job.py"]');
    expect(setup.code).toContain('__file__ = _ab_os.path.abspath("scripts/job.py")');
  });

  it('puts JavaScript and R variables on the first line, adding no line', () => {
    for (const language of ['javascript', 'r'] as const) {
      const setup = interpreterSetup(run({ language, envs: { A: 'x\ny' } }));
      expect(setup.kind).toBe('same-line');
      if (setup.kind === 'same-line') expect(setup.prefix).not.toContain('\n');
      // The value itself, escaped for the language: JSON for Node, a string literal for R.
      const value =
        language === 'javascript'
          ? JSON.stringify(JSON.stringify({ A: 'x\ny' }))
          : `A = ${JSON.stringify('x\ny')}`;
      if (setup.kind === 'same-line') expect(setup.prefix).toContain(value);
    }
  });

  it('resolves CommonJS require from the file, but leaves ES modules alone', () => {
    const cjs = interpreterSetup(
      run({
        language: 'javascript',
        code: "const h = require('../h')",
        source: { kind: 'file', path: 'src/a.js' },
      }),
    );
    expect(cjs).toMatchObject({ kind: 'same-line' });
    expect(JSON.stringify(cjs)).toContain('createRequire');
    const esm = interpreterSetup(
      run({
        language: 'javascript',
        code: "import h from '../h.mjs'",
        source: { kind: 'file', path: 'src/a.mjs' },
      }),
    );
    expect(esm).toEqual({ kind: 'none' });
  });

  it('says plainly that Java code under run_code cannot get the variables', () => {
    const setup = interpreterSetup(run({ language: 'java', envs: { A: 'x' } }));
    expect(setup).toMatchObject({ kind: 'unsupported' });
    expect(setup).toMatchObject({
      notice: expect.stringMatching(/not set for Java code run with run_code/),
    });
  });
});
