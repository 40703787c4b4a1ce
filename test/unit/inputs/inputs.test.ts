import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunnerContext } from '../../../src/github/runner-context.ts';
import { readInputs } from '../../../src/inputs/inputs.ts';

const workspace = mkdtempSync(path.join(tmpdir(), 'inputs-batch-'));
writeFileSync(path.join(workspace, 'a.py'), 'print(1)\n');
writeFileSync(path.join(workspace, 'b.py'), 'print(2)\n');
mkdirSync(path.join(workspace, 'only'));
writeFileSync(path.join(workspace, 'only', 'c.py'), 'print(3)\n');
writeFileSync(
  path.join(workspace, 'nb.ipynb'),
  JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { language: 'python', name: 'python3' } },
    cells: [{ cell_type: 'code', source: 'print(4)\n', metadata: {}, outputs: [] }],
  }),
);
const env = { GITHUB_WORKSPACE: workspace, AGENTBAY_API_KEY: 'akm-test-key-1234' };
const context = readRunnerContext(env);
const reader =
  (given: Record<string, string>) =>
  (name: string): string =>
    given[name] ?? '';
const read = (given: Record<string, string>) => readInputs(reader(given), context, env);

describe('the runs the code inputs make, and how they are reported', () => {
  it('inline code is one run, reported on its own', () => {
    const inputs = read({ code: 'print(1)\n', language: 'Python' });
    expect(inputs.mode).toBe('single');
    expect(inputs.runs).toEqual([
      { code: 'print(1)\n', source: { kind: 'inline' }, language: 'python' },
    ]);
  });

  it('one plain file is one run, reported on its own, its language from the extension', () => {
    const inputs = read({ file: 'a.py' });
    expect(inputs.mode).toBe('single');
    expect(inputs.runs).toEqual([
      { code: 'print(1)\n', source: { kind: 'file', path: 'a.py' }, language: 'python' },
    ]);
  });

  it('a pattern is a batch, even when it matches one file', () => {
    const inputs = read({ file: 'only/*.py' });
    expect(inputs.mode).toBe('batch');
    expect(inputs.runs.map((run) => run.source.path)).toEqual(['only/c.py']);
  });

  it('a notebook is a batch of its cells', () => {
    const inputs = read({ file: 'nb.ipynb' });
    expect(inputs.mode).toBe('batch');
    expect(inputs.runs).toHaveLength(1);
    expect(inputs.runs[0]).toMatchObject({ group: 'nb.ipynb', stopGroupOnFailure: true });
  });
});

describe('several files with the sandbox work environment', () => {
  it('accepts several files on their own', () => {
    const inputs = read({ file: 'a.py\nb.py' });
    expect(inputs.mode).toBe('batch');
    expect(inputs.runs.map((run) => run.source.path)).toEqual(['a.py', 'b.py']);
  });

  it('takes the sandbox inputs and a long timeout for every session of the batch', () => {
    const inputs = read({
      file: 'a.py\nb.py',
      upload: 'a.py',
      setup: 'pip install x',
      env: 'A=1',
      'secret-env': 'TOKEN=abcdefgh',
      download: 'out.txt',
      timeout: '3600',
    });
    expect(inputs.runs).toHaveLength(2);
    expect(inputs.timeoutS).toBe(3600);
    expect(inputs.sandbox).toMatchObject({
      setup: 'pip install x',
      env: { A: '1' },
      secretEnv: { TOKEN: 'abcdefgh' },
      download: ['out.txt'],
    });
  });

  it('refuses a timeout above 60 with markdown, whose blocks share one interpreter', () => {
    writeFileSync(path.join(workspace, 'page.md'), '```python\nx = 1\n```\n');
    expect(() => read({ markdown: 'page.md', timeout: '61' })).toThrow(
      /^Input 'timeout' must be a whole number from 1 to 60 seconds with `markdown` or a notebook \(got 61\)/,
    );
    expect(read({ markdown: 'page.md', timeout: '60' }).timeoutS).toBe(60);
  });
});
