// `shard: K/N`, end to end: three jobs of a matrix, each the bundled steps against the local
// server, together run every file of one batch exactly once, a page's blocks and a notebook's
// cells in one job, the shares balanced by bytes of code rather than by count.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeCommands,
  runAction,
  runningSessions,
  useServer,
  workspaceWith,
  type StepResult,
} from './harness.ts';

const server = useServer();

/** A Python file of about `bytes` bytes that prints its name. */
function script(name: string, bytes: number): string {
  const head = `print("ran ${name}")\n`;
  return head + `# ${'x'.repeat(Math.max(0, bytes - head.length - 3))}\n`;
}

const BLOCKS = ['print("block one")\n', 'x = 2\n', 'print("block three", x)\n'];
const CELLS = ['y = 40\n', 'print("cell", y + 2)\n'];

function notebook(cells: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
      language_info: { name: 'python' },
    },
    cells: cells.map((source, i) => ({
      id: `c${i}`,
      cell_type: 'code',
      execution_count: null,
      metadata: {},
      outputs: [],
      source,
    })),
  });
}

/** The files and the bytes of code each holds (what the split weighs). */
const SCRIPTS: Record<string, number> = {
  'checks/big.py': 4000,
  'checks/a.py': 700,
  'checks/b.py': 650,
  'checks/c.py': 600,
  'checks/d.py': 500,
  'checks/e.py': 400,
  'checks/f.py': 300,
};
const CODE_BYTES: Record<string, number> = {
  ...SCRIPTS,
  'docs/guide.md': BLOCKS.join('').length,
  'notebooks/nb.ipynb': CELLS.join('').length,
};

function batchWorkspace() {
  const files: Record<string, string> = {
    'docs/guide.md': BLOCKS.map((b) => '```python\n' + b + '```\n').join('\ntext\n\n'),
    'notebooks/nb.ipynb': notebook(CELLS),
  };
  for (const [name, bytes] of Object.entries(SCRIPTS)) {
    files[name] = script(name.replace(/^checks\/|\.py$/g, ''), bytes);
  }
  return workspaceWith(files);
}

const BATCH = { file: 'checks/*.py\nnotebooks/*.ipynb', markdown: 'docs/*.md' };

/** The file a run of `results` came from. */
function fileOf(source: string): string {
  return source.replace(/:\d+$/, '').replace(/ cell \d+$/, '');
}

interface Shard {
  main: StepResult;
  sources: string[];
}

describe('three shards of one batch', () => {
  const shards: Shard[] = [];
  beforeAll(async () => {
    const runs = await Promise.all(
      [1, 2, 3].map((k) =>
        runAction({
          workdir: batchWorkspace(),
          inputs: { ...server.inputs(), ...BATCH, shard: `${k}/3` },
        }),
      ),
    );
    for (const run of runs) {
      const results = JSON.parse(run.main.outputs.results ?? '[]') as Array<{ source: string }>;
      shards.push({ main: run.main, sources: results.map((r) => r.source) });
    }
  });

  it('run every file exactly once between them', () => {
    for (const shard of shards) expect(shard.main.code).toBe(0);
    const all = shards.flatMap((s) => s.sources).sort();
    expect(all).toEqual(
      [
        ...Object.keys(SCRIPTS),
        'docs/guide.md:1',
        'docs/guide.md:7',
        'docs/guide.md:13',
        'notebooks/nb.ipynb cell 1',
        'notebooks/nb.ipynb cell 2',
      ].sort(),
    );
    expect(new Set(all).size).toBe(all.length);
  });

  it('keep a page’s blocks and a notebook’s cells in one shard, run in order', () => {
    const holding = (file: string) =>
      shards.filter((s) => s.sources.some((source) => fileOf(source) === file));
    expect(holding('docs/guide.md')).toHaveLength(1);
    expect(holding('notebooks/nb.ipynb')).toHaveLength(1);
    const [page] = holding('docs/guide.md');
    const results = JSON.parse(page!.main.outputs.results!) as Array<{
      source: string;
      output: string;
    }>;
    expect(results.find((r) => r.source === 'docs/guide.md:13')?.output).toContain('block three 2');
    const [book] = holding('notebooks/nb.ipynb');
    const cells = JSON.parse(book!.main.outputs.results!) as Array<{
      source: string;
      output: string;
    }>;
    expect(cells.find((r) => r.source === 'notebooks/nb.ipynb cell 2')?.output).toContain(
      'cell 42',
    );
  });

  it('balance the shares by bytes, not by count', () => {
    const loads = shards.map((s) =>
      [...new Set(s.sources.map(fileOf))].reduce((sum, f) => sum + CODE_BYTES[f]!, 0),
    );
    // The big file outweighs everything else but one shard's share: it is alone.
    const big = shards.find((s) => s.sources.includes('checks/big.py'))!;
    expect(big.sources).toEqual(['checks/big.py']);
    const others = loads.filter((_, i) => shards[i] !== big);
    expect(Math.abs(others[0]! - others[1]!)).toBeLessThanOrEqual(
      Math.max(...Object.values(SCRIPTS).filter((n) => n < 4000)),
    );
    // The log says what each job took, in files and bytes.
    shards.forEach((s, i) => {
      const files = new Set(s.sources.map(fileOf)).size;
      expect(s.main.stdout).toContain(
        `shard ${i + 1} of 3: ${files} of 9 files (${loads[i]} of ${loads.reduce((a, b) => a + b, 0)} bytes of code):`,
      );
    });
  });

  it('say "shard K of N" in the summary and in results', () => {
    shards.forEach((s, i) => {
      expect(s.main.summary).toMatch(new RegExp(`Shard ${i + 1} of 3&#58; \\d+ of 9 files`));
      const results = JSON.parse(s.main.outputs.results!) as Array<{ shard: string }>;
      expect(results.map((r) => r.shard)).toEqual(results.map(() => `shard ${i + 1} of 3`));
    });
    expect(runningSessions(server)).toEqual([]);
  });

  it('split the same way in every job, whatever order the files were listed in', async () => {
    const reordered = await runAction({
      workdir: batchWorkspace(),
      inputs: {
        ...server.inputs(),
        file: 'notebooks/*.ipynb\nchecks/f.py\nchecks/*.py',
        markdown: 'docs/guide.md',
        shard: '2/3',
      },
    });
    const sources = (JSON.parse(reordered.main.outputs.results!) as Array<{ source: string }>)
      .map((r) => r.source)
      .sort();
    expect(sources).toEqual([...shards[1]!.sources].sort());
  });
});

describe('an empty shard', () => {
  it('succeeds without a session and says so', async () => {
    const sessionsBefore = server.sessions().length;
    const run = await runAction({
      workdir: workspaceWith({ 'a.py': 'print(1)\n', 'b.py': 'print(2)\n' }),
      inputs: { ...server.inputs(), file: '*.py', shard: '3/3' },
    });
    expect(run.main.code).toBe(0);
    expect(server.sessions().length).toBe(sessionsBefore);
    expect(run.main.stdout).toContain(
      'Nothing to run: no file is in shard 3 of 3. No session was created.',
    );
    expect(run.main.summary).toContain('### ✅ Nothing to run: no file is in shard 3 of 3');
    expect(run.main.outputs).toMatchObject({ success: 'true', passed: '0', failed: '0' });
  });
});

describe('shard, bad input', () => {
  it.each(['0/3', '4/3', '1/257', '1/0', '2', 'a/b', '1/3/5', '-1/3', '1 of 3'])(
    "'%s' is refused before any session",
    async (shard) => {
      const sessionsBefore = server.sessions().length;
      const run = await runAction({
        workdir: workspaceWith({ 'a.py': 'print(1)\n' }),
        inputs: { ...server.inputs(), file: '*.py', shard },
      });
      expect(run.main.code).toBe(1);
      const errors = activeCommands(run.main.stdout).filter((c) => c.startsWith('::error'));
      expect(errors.join('\n')).toContain(
        `Input 'shard' must be K/N, this job's shard K of N jobs, with 1 ≤ K ≤ N ≤ 256`,
      );
      expect(server.sessions().length).toBe(sessionsBefore);
    },
  );
});
