// The code inputs (`code`, `file`, `markdown`) read into the runs they make: files and
// pages read from the workspace and checked, each run with its language.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LANGUAGE_SPELLINGS, canonicalLanguage, type Language } from '../runs/language.ts';
import { sourceName, type CodeSource } from '../runs/code-source.ts';
import type { NotebookPlan } from '../runs/notebook.ts';
import type { PlannedRun, ReportMode } from '../runs/planned-run.ts';
import { InputError } from './input-error.ts';
import { readNotebookRuns } from './notebook-inputs.ts';
import { checkCodeText, MAX_CODE_BYTES } from './code-text.ts';
import { readEach } from './file-problems.ts';
import { readMarkdownBlocks } from './markdown-inputs.ts';
import type { InputReader } from './parse.ts';
import {
  expandWorkspaceFiles,
  isPattern,
  patternLines,
  resolveWorkspaceFile,
  type WorkspaceFile,
} from './workspace-files.ts';

export { MAX_CODE_BYTES };
/** Runs one step may make from `file` lines and patterns. */
export const MAX_BATCH_RUNS = 200;

/** The runs the code inputs make, and how the step reports them. */
export interface CodeInputs {
  /** In order; empty only when every file is a notebook with no code cell. */
  runs: PlannedRun[];
  mode: ReportMode;
  /** The notebooks among the files, parameters injected, to write back once run. */
  notebooks: NotebookPlan[];
  /** What the step's log should say about how the inputs were read (a notebook with no kernel). */
  notices: string[];
}

/**
 * `code`, `file` and `markdown` as the runs they make: inline code or one plain file is one
 * run reported on its own; several lines, a pattern, a notebook or Markdown pages are a batch.
 */
export function readCodeInputs(
  read: InputReader,
  workspace: string,
  parameters: Record<string, unknown> | undefined,
): CodeInputs {
  // Not trimmed: leading indentation can matter.
  const inline = read('code', { trimWhitespace: false });
  const file = read('file');
  const markdown = read('markdown');
  if (markdown) {
    if (inline.trim()) {
      throw new InputError(
        'markdown',
        "cannot be combined with 'code': give the code as a file, or run it in a step of its own",
      );
    }
    // With `file`, the files and the pages are one batch: the files first, then the pages.
    const files = file
      ? readBatch(patternLines(file), workspace, read('language'), parameters)
      : { runs: [], notebooks: [], notices: [] };
    const runs = [
      ...files.runs,
      ...readMarkdownBlocks(patternLines(markdown), workspace, MAX_BATCH_RUNS),
    ];
    if (runs.length > MAX_BATCH_RUNS) {
      throw new InputError(
        'markdown',
        `and 'file' together make ${runs.length} runs, more than ${MAX_BATCH_RUNS}; split them into several steps`,
      );
    }
    return { runs, mode: 'batch', notebooks: files.notebooks, notices: files.notices };
  }
  if (inline.trim() && file) {
    throw new InputError(
      'code',
      "and 'file' cannot both be set: give the code inline or as a file",
    );
  }
  if (file) {
    const lines = patternLines(file);
    // One plain path is the single run it has always been; anything else, or a notebook
    // (one run per cell), is a batch.
    const only = lines.length === 1 ? (lines[0] ?? '') : '';
    if (only && !isPattern(only) && !isNotebookPath(only)) {
      const { code, source } = readCodeFile(file, workspace);
      const run = { code, source, language: readLanguage(read('language'), source) };
      return { runs: [run], mode: 'single', notebooks: [], notices: [] };
    }
    return { ...readBatch(lines, workspace, read('language'), parameters), mode: 'batch' };
  }
  if (!inline.trim()) {
    throw new InputError(
      'code',
      "or 'file' is required: give the code inline (code) or a path in the repository (file)",
    );
  }
  checkCodeText('code', Buffer.from(inline, 'utf8'));
  const source: CodeSource = { kind: 'inline' };
  const run = { code: inline, source, language: readLanguage(read('language'), source) };
  return { runs: [run], mode: 'single', notebooks: [], notices: [] };
}

function isNotebookPath(file: string): boolean {
  return path.extname(file).toLowerCase() === '.ipynb';
}

function readCodeFile(file: string, workspace: string): { code: string; source: CodeSource } {
  const resolved = resolveWorkspaceFile('file', file, workspace);
  if (resolved.size > MAX_CODE_BYTES) {
    throw new InputError(
      'file',
      `must be at most ${MAX_CODE_BYTES} bytes; '${file}' has ${resolved.size}`,
    );
  }
  const bytes = readFileSync(resolved.realPath);
  checkCodeText('file', bytes, file);
  return {
    // A byte-order mark is no code: Python and Node drop it from a source file.
    code: bytes.toString('utf8').replace(/^\uFEFF/, ''),
    source: { kind: 'file', path: resolved.path },
  };
}

/** What one file of the batch makes: its runs, and for a notebook its plan and notices. */
interface ReadFile {
  runs: PlannedRun[];
  plan?: NotebookPlan;
  notices?: string[];
}

/** A plain file (a script) as its one run. */
function readScript(file: WorkspaceFile, language: string): PlannedRun {
  if (file.size > MAX_CODE_BYTES) {
    throw new InputError(
      'file',
      `must name files of at most ${MAX_CODE_BYTES} bytes; '${file.path}' has ${file.size}`,
    );
  }
  const bytes = readFileSync(file.realPath);
  checkCodeText('file', bytes, file.path);
  const source: CodeSource = { kind: 'file', path: file.path };
  return { source, language: readLanguage(language, source), code: bytes.toString('utf8') };
}

/**
 * Every file the `file` lines name, read and checked, each with its language; a notebook is
 * one run per code cell, its cells a group that stops at the first failure.
 */
function readBatch(
  lines: string[],
  workspace: string,
  language: string,
  parameters: Record<string, unknown> | undefined,
): { runs: PlannedRun[]; notebooks: NotebookPlan[]; notices: string[] } {
  const files = expandWorkspaceFiles('file', lines, workspace, { maxFiles: MAX_BATCH_RUNS });
  const runs: PlannedRun[] = [];
  const notebooks: NotebookPlan[] = [];
  const notices: string[] = [];
  const fallback = language ? readLanguage(language, { kind: 'inline' }) : undefined;
  const read = (file: WorkspaceFile): ReadFile => {
    if (!isNotebookPath(file.path)) return { runs: [readScript(file, language)] };
    const notebook = readNotebookRuns(file, fallback, parameters);
    for (const cell of notebook.runs)
      checkCodeText('file', Buffer.from(cell.code, 'utf8'), sourceName(cell.source));
    return notebook;
  };
  // A file the problem run stands for is named in the language it would have run in.
  const guess = (file: WorkspaceFile): Language =>
    fallback ?? EXTENSION_LANGUAGES[path.extname(file.path).toLowerCase()] ?? 'python';
  for (const file of readEach('file', files, read, guess)) {
    if ('problem' in file) {
      runs.push(file.problem);
      continue;
    }
    runs.push(...file.value.runs);
    if (file.value.plan) notebooks.push(file.value.plan);
    notices.push(...(file.value.notices ?? []));
  }
  if (runs.length > MAX_BATCH_RUNS) {
    throw new InputError(
      'file',
      `makes ${runs.length} runs (a notebook is one per code cell); at most ${MAX_BATCH_RUNS} run in one step, so split the files over several steps`,
    );
  }
  return { runs, notebooks, notices };
}

const EXTENSION_LANGUAGES: Record<string, Language> = {
  '.py': 'python',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.r': 'r',
  '.java': 'java',
};

function readLanguage(value: string, source: CodeSource): Language {
  const accepted = `one of ${LANGUAGE_SPELLINGS.join(', ')} (case-insensitive)`;
  if (value) {
    const language = canonicalLanguage(value);
    if (!language) throw new InputError('language', `must be ${accepted}; got '${value}'`);
    return language;
  }
  if (source.kind === 'file' && source.path) {
    const inferred = EXTENSION_LANGUAGES[path.extname(source.path).toLowerCase()];
    if (inferred) return inferred;
    throw new InputError(
      'language',
      `is required: it cannot be inferred from '${source.path}' (known extensions: .py, .js, .mjs, .cjs, .r, .R, .java); set it to ${accepted}`,
    );
  }
  throw new InputError('language', `is required with inline code; set it to ${accepted}`);
}
