// The executed notebooks of a batch: each notebook written back as nbformat 4 with the
// outputs of the cells that ran, under a name of our own making beside the result files.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CodeRunResult } from '../runs/result.ts';
import { executedNotebook, type CellRun, type NotebookPlan } from '../runs/notebook.ts';
import { makeRedactor } from '../text/secrets.ts';
import type { BatchFile } from './batch-report.ts';
import { redactDeep } from './redact.ts';

export const NOTEBOOK_MIME_TYPE = 'application/x-ipynb+json';

/** One cell's run as the batch reported it (redacted); `result` undefined when it did not run. */
export interface CellOutcome {
  /** The planned run: its notebook (`group`) and its index among the notebook's cells. */
  run: { group?: string; notebookCell?: number };
  result: CodeRunResult | undefined;
}

/**
 * Writes every notebook with its cells' outputs into `dir` and lists the files. Execution
 * counts number the cells that ran from 1, as a fresh kernel would. The sources are redacted
 * too (a parameter may carry a secret into the injected cell).
 */
export function writeExecutedNotebooks(
  plans: readonly NotebookPlan[],
  outcomes: readonly CellOutcome[],
  dir: string,
  secrets: readonly string[],
): BatchFile[] {
  const redact = makeRedactor(secrets);
  const taken = new Set<string>();
  return plans.map(({ notebook }) => {
    const runs = new Map<number, CellRun>();
    let count = 0;
    for (const { run, result } of outcomes) {
      if (run.group !== notebook.name || run.notebookCell === undefined || !result) continue;
      runs.set(run.notebookCell, {
        executionCount: ++count,
        success: result.success,
        stdout: result.stdout,
        stderr: result.stderr,
        results: result.results,
        error: result.error,
        errorDetail: result.errorDetail,
      });
    }
    // The results are redacted already (they are the reports'); the cells' sources are not.
    const document = redactDeep(notebook.document, redact) as typeof notebook.document;
    const file = path.join(dir, uniqueName(taken, notebook.name));
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, executedNotebook({ ...notebook, document }, runs));
    return { path: file, mimeType: NOTEBOOK_MIME_TYPE };
  });
}

/** `notebooks/a b.ipynb` → `notebooks__a_b.ipynb`: one flat folder, nothing the path could escape to. */
function uniqueName(taken: Set<string>, notebookPath: string): string {
  const flat = notebookPath
    .split('/')
    .map((part) => part.replace(/[^A-Za-z0-9._-]/g, '_'))
    .join('__')
    .replace(/^\.+/, '_')
    .slice(-120);
  const stem = flat.replace(/\.ipynb$/i, '');
  let name = `${stem}.ipynb`;
  for (let n = 2; taken.has(name); n++) name = `${stem}-${n}.ipynb`;
  taken.add(name);
  return name;
}
