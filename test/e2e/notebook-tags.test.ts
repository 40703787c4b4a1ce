// The notebook conventions nbclient, nbmake and papermill share: cell tags that skip a cell or
// expect it to raise, a notebook with no kernel metadata run as Python, a notebook of prose
// only as no run. The bundled action against the local server.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activeCommands, runAction, useServer, userCode, workspaceWith } from './harness.ts';

const server = useServer();

let nextId = 0;
function code(source: string, tags: string[] = []): object {
  return {
    id: `c${nextId++}`,
    cell_type: 'code',
    execution_count: null,
    metadata: tags.length > 0 ? { tags } : {},
    outputs: [],
    source,
  };
}

function prose(source: string): object {
  return { id: `m${nextId++}`, cell_type: 'markdown', metadata: {}, source };
}

function notebook(cells: object[], metadata: object = PYTHON): string {
  return JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata, cells });
}

const PYTHON = {
  kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
  language_info: { name: 'python' },
};

interface ResultEntry {
  source: string;
  success: boolean;
  skipped: boolean;
  notRun: boolean;
  output: string;
  error: string;
}

function results(outputs: Record<string, string>): ResultEntry[] {
  return JSON.parse(outputs.results ?? '[]') as ResultEntry[];
}

function executedCells(outputs: Record<string, string>): Array<Record<string, unknown>> {
  const files = JSON.parse(outputs.files ?? '[]') as Array<{ path: string; mimeType: string }>;
  const file = files.find((f) => f.mimeType === 'application/x-ipynb+json');
  if (!file) throw new Error('no executed notebook');
  return (JSON.parse(readFileSync(file.path, 'utf8')) as { cells: Array<Record<string, unknown>> })
    .cells;
}

describe('cell tags', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  let requestsBefore: number;
  beforeAll(async () => {
    requestsBefore = server.requests().length;
    const workdir = workspaceWith({
      'nb/tags.ipynb': notebook([
        code('x = 1\n'),
        code('import not_installed_anywhere\n', ['skip-execution']),
        code('raise ValueError("expected")\n', ['raises-exception']),
        code('print("after", x + 1)\n'),
        code('y = 2\n', ['raises-exception']),
        code('print("still", y)\n'),
      ]),
    });
    run = await runAction({ workdir, inputs: { ...server.inputs(), file: 'nb/tags.ipynb' } });
  });

  it('skips skip-execution, passes a raising raises-exception cell and goes on after it', () => {
    expect(
      results(run.main.outputs).map((r) => [r.source, r.success, r.skipped, r.notRun]),
    ).toEqual([
      ['nb/tags.ipynb cell 1', true, false, false],
      ['nb/tags.ipynb cell 2', true, true, false],
      ['nb/tags.ipynb cell 3', true, false, false],
      ['nb/tags.ipynb cell 4', true, false, false],
      ['nb/tags.ipynb cell 5', false, false, false],
      ['nb/tags.ipynb cell 6', true, false, false],
    ]);
    const sent = userCode(server.requests().slice(requestsBefore));
    expect(sent.some((c) => c.includes('not_installed_anywhere'))).toBe(false);
    expect(results(run.main.outputs)[3]!.output).toBe('after 2\n');
  });

  it('fails a raises-exception cell that does not raise, and says why', () => {
    expect(run.main.code).toBe(1);
    expect(results(run.main.outputs)[4]!.error).toBe(
      "Notebook 'nb/tags.ipynb' cell 5: the cell is tagged raises-exception, but it ran without an error",
    );
    expect(activeCommands(run.main.stdout).filter((c) => c.startsWith('::error'))[0]).toMatch(
      /file=nb\/tags\.ipynb.*cell 5/,
    );
  });

  it('keeps the raised error in the executed notebook, as nbclient writes it', () => {
    const cells = executedCells(run.main.outputs);
    const outputs = cells[2]!.outputs as Array<Record<string, unknown>>;
    expect(outputs.find((o) => o.output_type === 'error')).toMatchObject({
      ename: 'ValueError',
      evalue: 'expected',
    });
    expect(cells[1]!.outputs).toEqual([]);
    expect(cells[1]!.execution_count).toBeNull();
  });
});

describe('notebook metadata', () => {
  it('runs a notebook with no kernelspec or language_info as Python, and says so', async () => {
    const workdir = workspaceWith({
      'nb/bare.ipynb': notebook([code('import sys\nprint(sys.version_info[0])\n')], {}),
    });
    const run = await runAction({
      workdir,
      inputs: { ...server.inputs(), file: 'nb/bare.ipynb' },
    });
    expect(run.main.code).toBe(0);
    expect(results(run.main.outputs).map((r) => [r.success, r.output])).toEqual([[true, '3\n']]);
    expect(run.main.stdout).toContain(
      "::notice::Notebook 'nb/bare.ipynb' names no kernel (no kernelspec or language_info in its metadata): it runs as Python, as Jupyter and nbmake assume.",
    );
  });

  it('makes no run of a notebook of Markdown cells only, beside one that has code', async () => {
    const sessionsBefore = server.sessions().length;
    const workdir = workspaceWith({
      'nb/a-prose.ipynb': notebook([prose('# Only prose\n'), prose('More prose.\n')]),
      'nb/b-code.ipynb': notebook([code('print("ran")\n')]),
    });
    const run = await runAction({ workdir, inputs: { ...server.inputs(), file: 'nb/*.ipynb' } });
    expect(run.main.code).toBe(0);
    expect(results(run.main.outputs).map((r) => [r.source, r.success])).toEqual([
      ['nb/b-code.ipynb cell 1', true],
    ]);
    expect(run.main.stdout).toContain(
      "::notice::Notebook 'nb/a-prose.ipynb' has no code cell to run: it makes no run.",
    );
    expect(server.sessions().length - sessionsBefore).toBe(1);
  });

  it('makes no run and no session of a step whose only notebook is prose', async () => {
    const sessionsBefore = server.sessions().length;
    const workdir = workspaceWith({ 'nb/prose.ipynb': notebook([prose('# Only prose\n')]) });
    const run = await runAction({
      workdir,
      inputs: { ...server.inputs(), file: 'nb/prose.ipynb' },
    });
    expect(run.main.code).toBe(0);
    expect(run.main.outputs.results).toBe('[]');
    expect(run.main.outputs.passed).toBe('0');
    expect(server.sessions().length).toBe(sessionsBefore);
  });
});
