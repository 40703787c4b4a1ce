// A problem with one file of several (a notebook that is not JSON, a page with a bad marker,
// a file that cannot be read) fails that file, annotated, and the others still run; only a
// problem with the step's own inputs (a bad `parameters` or `language`, a pattern that
// matches nothing, too many files) stops the step.
import type { Language } from '../runs/language.ts';
import type { PlannedRun } from '../runs/planned-run.ts';
import { InputError } from './input-error.ts';
import type { WorkspaceFile } from './workspace-files.ts';

/** Inputs whose problems are the step's, whichever file shows them. */
const STEP_INPUTS = new Set(['parameters', 'language']);

/**
 * Reads each file with `read`; a file that cannot be read becomes one run that reports the
 * problem (never sent). With one file only, the problem is the step's: it is thrown.
 */
export function readEach<T>(
  input: string,
  files: readonly WorkspaceFile[],
  read: (file: WorkspaceFile) => T,
  language: (file: WorkspaceFile) => Language,
): Array<{ file: WorkspaceFile; value: T } | { file: WorkspaceFile; problem: PlannedRun }> {
  return files.map((file) => {
    try {
      return { file, value: read(file) };
    } catch (error) {
      const inputError = asInputError(input, file, error);
      if (files.length === 1 || STEP_INPUTS.has(inputError.input)) throw inputError;
      return { file, problem: problemRun(file, inputError, language(file)) };
    }
  });
}

function asInputError(input: string, file: WorkspaceFile, error: unknown): InputError {
  if (error instanceof InputError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new InputError(
    input,
    `names '${file.path}', which cannot be read (${reason.slice(0, 200)})`,
  );
}

function problemRun(file: WorkspaceFile, error: InputError, language: Language): PlannedRun {
  return {
    source: { kind: 'file', path: file.path },
    language,
    code: '',
    group: file.path,
    inputProblem: { message: error.message, ...(error.line ? { line: error.line } : {}) },
  };
}
