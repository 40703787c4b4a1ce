// A failing block in the summary and the log as the page has it: its source numbered with the
// page's lines (a block joined by `cont` numbered across its two fences), the traceback's
// frames naming the page's lines, the log counting blocks and cells, not files.
import { beforeAll, describe, expect, it } from 'vitest';
import { runAction, useServer, workspaceWith } from './harness.ts';

const server = useServer();

const PAGE = [
  '# Page', // 1
  '```python', // 2
  'def half(x):', // 3
  '    return x / 0', // 4
  '```', // 5
  'Prose.', // 6
  '<!--pytest-codeblocks:cont-->', // 7
  '```python', // 8
  'y = 1', // 9
  'half(y)', // 10
  '```', // 11
  '',
].join('\n');

describe('a failing block joined from two fences', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  beforeAll(async () => {
    const workdir = workspaceWith({
      'docs/p.md': PAGE,
      'nb/n.ipynb': JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [{ id: 'a', cell_type: 'code', metadata: {}, outputs: [], source: 'print(1)\n' }],
      }),
    });
    run = await runAction({
      workdir,
      inputs: { ...server.inputs(), markdown: 'docs/p.md', file: 'nb/n.ipynb' },
    });
  });

  it('numbers its source with the page lines across both fences, the failing line marked', () => {
    expect(run.main.code).toBe(1);
    expect(run.main.summary).toContain(
      '   3 | def half(x):\n>  4 |     return x / 0\n   9 | y = 1\n  10 | half(y)\n',
    );
    expect(run.main.summary).toContain('failed at line 4 (called from line 10)');
  });

  it('names the page and its lines in the traceback', () => {
    expect(run.main.summary).toContain('File "docs/p.md", line 10');
    expect(run.main.summary).toContain('File "docs/p.md", line 4');
    expect(run.main.summary).not.toContain('<cell>');
  });

  it('counts blocks and cells in the log, not files', () => {
    expect(run.main.stdout).toContain(
      'Running 2 runs (1 block of 1 page, 1 cell of 1 notebook) in up to 1 session',
    );
  });
});

describe('a failing block after others of its page', () => {
  it('lists the blocks that ran before it in the same interpreter, guessing at none', async () => {
    const workdir = workspaceWith({
      'docs/q.md': [
        '```python', // 1
        'a = 1', // 2
        '```', // 3
        '<!--pytest-codeblocks:skip-->', // 4
        '```python', // 5
        'skipped = True', // 6
        '```', // 7
        '```python', // 8
        'b = a + 1', // 9
        '```', // 10
        '```python', // 11
        'raise ValueError(b)', // 12
        '```', // 13
        '',
      ].join('\n'),
    });
    const run = await runAction({ workdir, inputs: { ...server.inputs(), markdown: 'docs/q.md' } });
    expect(run.main.code).toBe(1);
    expect(run.main.summary).toContain(
      '**Ran before it in the same interpreter:** <code>docs/q&#46;md&#58;1</code>, <code>docs/q&#46;md&#58;8</code>',
    );
  });
});
