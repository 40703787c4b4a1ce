import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CodeRunResult } from '../../../src/runs/result.ts';
import type { PlannedRun } from '../../../src/runs/planned-run.ts';
import { parseNotebook } from '../../../src/runs/notebook.ts';
import { writeExecutedNotebooks } from '../../../src/report/executed-notebooks.ts';

function plan(name: string, source = 'print(1)\n') {
  const text = JSON.stringify({
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: 'python3', language: 'python' } },
    cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source }],
  });
  return { notebook: parseNotebook(text, name), language: 'python' as const };
}

function result(stdout: string): CodeRunResult {
  return {
    success: true,
    toolError: false,
    output: stdout,
    stdout,
    stderr: '',
    error: '',
    errorDetail: '',
    results: [],
    executionTimeS: 0.1,
    executionCount: 9,
    traceId: '',
    format: 'structured',
  };
}

function cellRun(group: string): PlannedRun {
  return {
    source: { kind: 'file', path: group, cell: 1 },
    language: 'python',
    code: 'print(1)\n',
    group,
    notebookCell: 0,
  };
}

describe('writeExecutedNotebooks', () => {
  it('gives every notebook a flat name of its own inside the folder', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'abrc-nb-'));
    const names = [
      'a/b.ipynb',
      'a__b.ipynb',
      '.hidden.ipynb',
      'd/ü n;$(x).IPYNB',
      `${'x'.repeat(300)}.ipynb`,
    ];
    const files = writeExecutedNotebooks(
      names.map((n) => plan(n)),
      [],
      dir,
      [],
    );
    expect(files.map((f) => path.basename(f.path))).toEqual([
      'a__b.ipynb',
      'a__b-2.ipynb',
      '_hidden.ipynb',
      'd____n___x_.ipynb',
      `${'x'.repeat(114)}.ipynb`,
    ]);
    for (const file of files) {
      expect(path.dirname(file.path)).toBe(dir);
      expect(file.mimeType).toBe('application/x-ipynb+json');
    }
  });

  it('numbers the cells that ran from 1 and takes only its own notebook’s cells', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'abrc-nb-'));
    const [one] = writeExecutedNotebooks(
      [plan('one.ipynb')],
      [
        { run: cellRun('other.ipynb'), result: result('other\n') },
        { run: cellRun('one.ipynb'), result: result('mine\n') },
      ],
      dir,
      [],
    );
    const document = JSON.parse(readFileSync(one!.path, 'utf8')) as {
      cells: Array<{ execution_count: number; outputs: Array<{ text: string[] }> }>;
    };
    expect(document.cells[0]!.execution_count).toBe(1);
    expect(document.cells[0]!.outputs[0]!.text).toEqual(['mine\n']);
  });

  it('redacts secrets in the cells’ sources too', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'abrc-nb-'));
    const [file] = writeExecutedNotebooks([plan('s.ipynb', 'token = "tok-123456789"\n')], [], dir, [
      'tok-123456789',
    ]);
    const text = readFileSync(file!.path, 'utf8');
    expect(text).not.toContain('tok-123456789');
    expect(text).toContain('token = \\"***\\"');
  });
});
