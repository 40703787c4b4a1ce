// The `parameters` input and the notebooks among the `file` lines: read, checked and turned
// into runs (one per code cell) before any session exists.
import { readFileSync } from 'node:fs';
import type { Language } from '../runs/language.ts';
import { InputError } from './input-error.ts';
import { cellSourceLines } from '../runs/notebook-lines.ts';
import type { PlannedRun } from '../runs/planned-run.ts';
import {
  codeCells,
  injectParameters,
  MAX_PARAMETER_DEPTH,
  NotebookError,
  parseNotebook,
  type Notebook,
  type NotebookPlan,
  jsonDepth,
} from '../runs/notebook.ts';
import type { WorkspaceFile } from './workspace-files.ts';

/** Notebooks carry their outputs (images) as base64: larger than code, still read whole. */
export const MAX_NOTEBOOK_BYTES = 16 * 1024 * 1024;
/** A papermill-style parameters object is configuration, not data. */
export const MAX_PARAMETERS_BYTES = 64 * 1024;

/** `parameters`: a JSON object, bounded in size and depth; undefined when not given. */
export function readParameters(value: string): Record<string, unknown> | undefined {
  if (value.trim() === '') return undefined;
  const size = Buffer.byteLength(value);
  if (size > MAX_PARAMETERS_BYTES) {
    throw new InputError(
      'parameters',
      `must be at most ${MAX_PARAMETERS_BYTES} bytes of JSON; it has ${size}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InputError(
      'parameters',
      `must be a JSON object such as {"alpha": 0.5, "name": "run-1"}; it is not valid JSON (${(error as Error).message.slice(0, 200)})`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const kind = Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed;
    throw new InputError(
      'parameters',
      `must be a JSON object of names and values such as {"alpha": 0.5}; got ${kind}`,
    );
  }
  if (jsonDepth(parsed, MAX_PARAMETER_DEPTH + 1) > MAX_PARAMETER_DEPTH + 1) {
    throw new InputError('parameters', `must not nest deeper than ${MAX_PARAMETER_DEPTH} levels`);
  }
  return parsed as Record<string, unknown>;
}

/** Cells tagged so are not run (nbclient, nbmake). */
export const SKIP_TAG = 'skip-execution';
/** Cells tagged so must raise; the notebook goes on after them (nbclient, nbmake). */
export const RAISES_TAG = 'raises-exception';

/** A notebook's runs, and what the step's log should say about how they were read. */
export interface NotebookRuns {
  /** One per code cell; empty for a notebook of Markdown cells only. */
  runs: PlannedRun[];
  plan: NotebookPlan;
  notices: string[];
}

/**
 * A notebook's code cells as runs in document order, one group that stops at the first
 * failure (a cell tagged raises-exception must fail, and its failure does not stop it).
 * The kernel language comes from the metadata; `fallback` (the `language` input) only when
 * the metadata names none the service runs; a notebook whose metadata names no kernel at all
 * is Python, as Jupyter and nbmake assume.
 */
export function readNotebookRuns(
  file: WorkspaceFile,
  fallback: Language | undefined,
  parameters: Record<string, unknown> | undefined,
): NotebookRuns {
  if (file.size > MAX_NOTEBOOK_BYTES) {
    throw new InputError(
      'file',
      `must name notebooks of at most ${MAX_NOTEBOOK_BYTES} bytes; '${file.path}' has ${file.size}`,
    );
  }
  const text = readFileSync(file.realPath, 'utf8');
  let notebook: Notebook;
  try {
    notebook = parseNotebook(text, file.path);
  } catch (error) {
    if (error instanceof NotebookError)
      throw new InputError('file', `names a bad notebook: ${error.message}`);
    throw error;
  }
  const notices: string[] = [];
  let language = notebook.language ?? fallback;
  if (!language && !notebook.declaredLanguage) {
    language = 'python';
    notices.push(
      `Notebook '${file.path}' names no kernel (no kernelspec or language_info in its metadata): it runs as Python, as Jupyter and nbmake assume.`,
    );
  }
  if (!language) {
    throw new InputError(
      'file',
      `names notebook '${file.path}', whose metadata names no kernel language the sandbox runs (it says '${notebook.declaredLanguage.slice(0, 60)}'); set kernelspec.language to python, javascript, r or java, or set \`language\``,
    );
  }
  if (parameters) {
    try {
      notebook = injectParameters(notebook, parameters, language);
    } catch (error) {
      if (error instanceof NotebookError) {
        throw new InputError(
          'parameters',
          `cannot be given to notebook '${file.path}': ${error.message}`,
        );
      }
      throw error;
    }
  }
  const fileLines = cellSourceLines(text);
  const runs = codeCells(notebook).map(({ index, cell }): PlannedRun => ({
    source: { kind: 'file', path: file.path, cell: cell.number },
    language,
    code: cell.source,
    group: file.path,
    stopGroupOnFailure: true,
    skip: cell.tags.includes(SKIP_TAG) || undefined,
    expectError: cell.tags.includes(RAISES_TAG) || undefined,
    notebookCell: index,
    // The injected cell (number 0) is in no file.
    fileLines: cell.number > 0 ? fileLines.get(cell.number - 1) : undefined,
  }));
  if (runs.length === 0) {
    notices.push(`Notebook '${file.path}' has no code cell to run: it makes no run.`);
  }
  return { runs, plan: { notebook, language }, notices };
}
