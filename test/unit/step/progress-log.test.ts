import { describe, expect, it } from 'vitest';
import type { PlannedRun } from '../../../src/runs/planned-run.ts';
import { describeRuns } from '../../../src/step/progress-log.ts';

const run = (source: PlannedRun['source']): PlannedRun => ({
  source,
  language: 'python',
  code: '',
});

describe('describeRuns', () => {
  it('counts files as files, and blocks and cells as runs of their pages and notebooks', () => {
    expect(
      describeRuns([run({ kind: 'file', path: 'a.py' }), run({ kind: 'file', path: 'b.py' })]),
    ).toBe('2 files');
    expect(
      describeRuns([
        run({ kind: 'file', path: 'a.md', fenceLine: 1 }),
        run({ kind: 'file', path: 'a.md', fenceLine: 5 }),
        run({ kind: 'file', path: 'b.md', fenceLine: 1 }),
        run({ kind: 'file', path: 'n.ipynb', cell: 1 }),
        run({ kind: 'file', path: 'x.py' }),
      ]),
    ).toBe('5 runs (3 blocks of 2 pages, 1 cell of 1 notebook, 1 file)');
  });
});
