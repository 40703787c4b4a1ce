// The code inputs (`code`, `file`, `markdown`) read into the runs they make: files and
// pages read from the workspace and checked, each run with its language.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LANGUAGE_SPELLINGS, canonicalLanguage, type Language } from '../runs/language.ts';
import { sourceName, type CodeSource } from '../runs/code-source.ts';
import { extractCodeBlocks, MarkdownBlockError } from '../runs/markdown-blocks.ts';
import type { NotebookPlan } from '../runs/notebook.ts';
import type { PlannedRun, ReportMode } from '../runs/planned-run.ts';
import { InputError } from './input-error.ts';
import { readNotebookRuns } from './notebook-inputs.ts';
import type { InputReader } from './parse.ts';
import {
  expandWorkspaceFiles,
  isPattern,
  patternLines,
  resolveWorkspaceFile,
} from './workspace-files.ts';

export const MAX_CODE_BYTES = 512 * 1024;
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
    const runs = [...files.runs, ...readMarkdownBlocks(patternLines(markdown), workspace)];
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

/** A Markdown page is read whole to find its blocks; bounded like the code it holds. */
export const MAX_MARKDOWN_BYTES = 2 * 1024 * 1024;

/** Every runnable block of the pages the `markdown` lines name, a page's blocks as one group. */
function readMarkdownBlocks(lines: string[], workspace: string): PlannedRun[] {
  const pages = expandWorkspaceFiles('markdown', lines, workspace, { maxFiles: MAX_BATCH_RUNS });
  const runs: PlannedRun[] = [];
  for (const page of pages) {
    if (page.size > MAX_MARKDOWN_BYTES) {
      throw new InputError(
        'markdown',
        `must name pages of at most ${MAX_MARKDOWN_BYTES} bytes; '${page.path}' has ${page.size}`,
      );
    }
    const bytes = readFileSync(page.realPath);
    checkCodeText('markdown', bytes, page.path);
    let blocks;
    try {
      blocks = extractCodeBlocks(page.path, bytes.toString('utf8'));
    } catch (error) {
      if (error instanceof MarkdownBlockError)
        throw new InputError('markdown', `has a bad marker: ${error.message}`);
      throw error;
    }
    for (const block of blocks) {
      runs.push({
        source: { kind: 'file', path: page.path, fenceLine: block.line },
        language: block.language,
        code: block.code,
        group: page.path,
        skip: block.skip,
        expectError: block.expectError,
        expectedOutput: block.expectedOutput,
      });
    }
  }
  if (runs.length === 0) {
    throw new InputError(
      'markdown',
      `names pages with no code block in a language the sandbox runs (python, javascript, r, java): ${pages.map((p) => p.path).join(', ')}`,
    );
  }
  if (runs.length > MAX_BATCH_RUNS) {
    throw new InputError(
      'markdown',
      `holds more than ${MAX_BATCH_RUNS} code blocks; split it into several steps`,
    );
  }
  return runs;
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
  for (const file of files) {
    if (isNotebookPath(file.path)) {
      const notebook = readNotebookRuns(
        file,
        language ? readLanguage(language, { kind: 'inline' }) : undefined,
        parameters,
      );
      for (const cell of notebook.runs)
        checkCodeText('file', Buffer.from(cell.code, 'utf8'), sourceName(cell.source));
      runs.push(...notebook.runs);
      notebooks.push(notebook.plan);
      notices.push(...notebook.notices);
      continue;
    }
    if (file.size > MAX_CODE_BYTES) {
      throw new InputError(
        'file',
        `must name files of at most ${MAX_CODE_BYTES} bytes; '${file.path}' has ${file.size}`,
      );
    }
    const bytes = readFileSync(file.realPath);
    checkCodeText('file', bytes, file.path);
    const source: CodeSource = { kind: 'file', path: file.path };
    runs.push({ source, language: readLanguage(language, source), code: bytes.toString('utf8') });
  }
  if (runs.length > MAX_BATCH_RUNS) {
    throw new InputError(
      'file',
      `makes ${runs.length} runs (a notebook is one per code cell); at most ${MAX_BATCH_RUNS} run in one step, so split the files over several steps`,
    );
  }
  return { runs, notebooks, notices };
}

function checkCodeText(input: string, bytes: Buffer, name?: string): void {
  const what = name ? `'${name}'` : 'the code';
  if (bytes.length > MAX_CODE_BYTES) {
    throw new InputError(
      input,
      `must be at most ${MAX_CODE_BYTES} bytes; ${what} has ${bytes.length}`,
    );
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(input, `must be UTF-8 text; ${what} is not`);
  }
  if (bytes.includes(0)) throw new InputError(input, `must be text; ${what} contains NUL bytes`);
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
