// Jupyter notebooks (nbformat 4): which cells to run, in which language, with which
// parameters, and the executed notebook written back with every cell's outputs.
// Plain data in and out; running the cells is the caller's business.
import { canonicalLanguage, type Language } from './language.ts';
import { isObject } from '../text/json.ts';
import type { ResultItem } from './result.ts';

type Json = Record<string, unknown>;

/** A notebook that cannot be run as given; the message names the notebook. */
export class NotebookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotebookError';
  }
}

export interface NotebookCell {
  /** 1-based position among the notebook's cells as the author sees them; 0 when injected. */
  number: number;
  type: string;
  source: string;
  tags: string[];
  /** The parameters cell the action added. */
  injected: boolean;
}

export interface Notebook {
  /** Workspace path, for messages. */
  name: string;
  nbformatMinor: number;
  /** The kernel language from the metadata; undefined when it names none the service runs. */
  language: Language | undefined;
  /** What the metadata said, for the message when the language is unknown. */
  declaredLanguage: string;
  cells: NotebookCell[];
  /** The parsed document; cells[i] of `document.cells` belongs to `cells[i]`. */
  document: Json & { cells: Json[] };
}

/** A notebook as the batch runs it: parameters injected; written back with the outputs after. */
export interface NotebookPlan {
  notebook: Notebook;
  language: Language;
}

/** What running one cell produced, as the run_code result model has it. */
export interface CellRun {
  executionCount: number;
  success: boolean;
  stdout: string;
  stderr: string;
  results: ResultItem[];
  /** One-line error ("NameError: name 'x' is not defined"); '' on success. */
  error: string;
  /** The traceback, when there is one. */
  errorDetail: string;
}

export const MAX_NOTEBOOK_CELLS = 2000;
/** Real notebooks nest a few dozen levels (widget state); far more is hostile. */
export const MAX_NOTEBOOK_DEPTH = 256;
export const PARAMETERS_TAG = 'parameters';
export const INJECTED_TAG = 'injected-parameters';

export function parseNotebook(text: string, name: string): Notebook {
  const bare = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bare);
  } catch (error) {
    throw new NotebookError(
      `Notebook '${name}' is not valid JSON (${(error as Error).message.slice(0, 200)})`,
    );
  }
  if (!isObject(parsed)) throw new NotebookError(`Notebook '${name}' is not a JSON object`);
  if (jsonDepth(parsed, MAX_NOTEBOOK_DEPTH) > MAX_NOTEBOOK_DEPTH) {
    throw new NotebookError(`Notebook '${name}' nests deeper than ${MAX_NOTEBOOK_DEPTH} levels`);
  }
  if (parsed.nbformat !== 4) {
    throw new NotebookError(
      `Notebook '${name}' is nbformat ${JSON.stringify(parsed.nbformat) ?? 'missing'}; only nbformat 4 is supported (convert it with 'jupyter nbconvert --to notebook')`,
    );
  }
  const minor = parsed.nbformat_minor;
  if (!Number.isInteger(minor) || (minor as number) < 0) {
    throw new NotebookError(`Notebook '${name}' has no valid nbformat_minor`);
  }
  if (!Array.isArray(parsed.cells)) throw new NotebookError(`Notebook '${name}' has no cells list`);
  if (parsed.cells.length > MAX_NOTEBOOK_CELLS) {
    throw new NotebookError(
      `Notebook '${name}' has ${parsed.cells.length} cells; at most ${MAX_NOTEBOOK_CELLS} are run`,
    );
  }
  const metadata = isObject(parsed.metadata) ? parsed.metadata : {};
  parsed.metadata = metadata;
  const cells = parsed.cells.map((cell: unknown, index: number): NotebookCell => {
    const where = `Notebook '${name}' cell ${index + 1}`;
    if (!isObject(cell)) throw new NotebookError(`${where} is not an object`);
    if (typeof cell.cell_type !== 'string') throw new NotebookError(`${where} has no cell_type`);
    const source = multiline(cell.source);
    if (source === undefined) {
      throw new NotebookError(
        `${where} has a source that is neither a string nor a list of strings`,
      );
    }
    if (!isObject(cell.metadata)) cell.metadata = {};
    const tags = (cell.metadata as Json).tags;
    return {
      number: index + 1,
      type: cell.cell_type,
      source,
      tags: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [],
      injected: false,
    };
  });
  const { language, declared } = kernelLanguage(metadata);
  return {
    name,
    nbformatMinor: minor as number,
    language,
    declaredLanguage: declared,
    cells,
    document: parsed as Json & { cells: Json[] },
  };
}

/** The kernel's language: kernelspec.language, else language_info.name, else the kernel name. */
function kernelLanguage(metadata: Json): { language: Language | undefined; declared: string } {
  const kernelspec = isObject(metadata.kernelspec) ? metadata.kernelspec : {};
  const info = isObject(metadata.language_info) ? metadata.language_info : {};
  const candidates = [kernelspec.language, info.name, kernelNameLanguage(kernelspec.name)];
  for (const candidate of candidates) {
    if (typeof candidate !== 'string' || !candidate) continue;
    const language = canonicalLanguage(candidate);
    if (language) return { language, declared: candidate };
  }
  const declared = candidates.find((c): c is string => typeof c === 'string' && c !== '') ?? '';
  return { language: undefined, declared };
}

const KERNEL_NAMES: Record<string, string> = {
  python3: 'python',
  python2: 'python',
  ir: 'r',
  ijavascript: 'javascript',
  javascript: 'javascript',
  java: 'java',
  ijava: 'java',
};

function kernelNameLanguage(name: unknown): string | undefined {
  return typeof name === 'string' ? KERNEL_NAMES[name.toLowerCase()] : undefined;
}

/** The code cells to run, in document order, with empty ones left out. */
export function codeCells(notebook: Notebook): Array<{ index: number; cell: NotebookCell }> {
  return notebook.cells
    .map((cell, index) => ({ index, cell }))
    .filter(({ cell }) => cell.type === 'code' && cell.source.trim() !== '');
}

/**
 * Papermill's convention: the parameters go into a new cell tagged `injected-parameters`,
 * right after the cell tagged `parameters`, or first when there is none. A previous injected
 * cell (from an earlier papermill run) is replaced. Returns a new notebook.
 */
export function injectParameters(
  notebook: Notebook,
  parameters: Record<string, unknown>,
  language: Language,
): Notebook {
  if (Object.keys(parameters).length === 0) return notebook;
  const source = parameterSource(language, parameters);
  const keep = notebook.cells
    .map((cell, index) => ({ cell, json: notebook.document.cells[index] as Json }))
    .filter(({ cell }) => !cell.tags.includes(INJECTED_TAG));
  const anchor = keep.findIndex(({ cell }) => cell.tags.includes(PARAMETERS_TAG));
  const json: Json = {
    cell_type: 'code',
    execution_count: null,
    metadata: { tags: [INJECTED_TAG] },
    outputs: [],
    source,
  };
  if (notebook.nbformatMinor >= 5) json.id = uniqueId(keep.map(({ json: j }) => j.id));
  const injected = {
    cell: { number: 0, type: 'code', source, tags: [INJECTED_TAG], injected: true },
    json,
  };
  keep.splice(anchor + 1, 0, injected);
  return {
    ...notebook,
    cells: keep.map(({ cell }) => cell),
    document: { ...notebook.document, cells: keep.map(({ json: j }) => j) },
  };
}

function uniqueId(existing: unknown[]): string {
  const taken = new Set(existing);
  let id = INJECTED_TAG;
  for (let n = 2; taken.has(id); n++) id = `${INJECTED_TAG}-${n}`;
  return id;
}

const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);
const JS_RESERVED = new Set(
  'await break case catch class const continue debugger default delete do else enum export extends false finally for function if implements import in instanceof interface let new null package private protected public return static super switch this throw true try typeof var void while with yield arguments eval undefined NaN Infinity'.split(
    ' ',
  ),
);
const R_RESERVED = new Set(
  'if else repeat while function for next break TRUE FALSE NULL Inf NaN NA NA_integer_ NA_real_ NA_character_ NA_complex_ in'.split(
    ' ',
  ),
);
/** Parameters nest this deep at most; enough for any configuration, bounded for the writer. */
export const MAX_PARAMETER_DEPTH = 32;

/** The assignment cell for `parameters` in the notebook's language. */
export function parameterSource(language: Language, parameters: Record<string, unknown>): string {
  const lines = ['# Parameters injected by agentbay-run-code'];
  for (const [name, value] of Object.entries(parameters)) {
    checkParameterName(language, name);
    switch (language) {
      case 'python':
        lines.push(`${name} = ${pythonLiteral(value, 0)}`);
        break;
      case 'javascript':
        lines.push(`var ${name} = ${JSON.stringify(value)};`);
        break;
      case 'r':
        lines.push(`${name} <- ${rLiteral(value, 0)}`);
        break;
      default:
        throw new NotebookError(
          `parameters are supported for Python, JavaScript and R notebooks, not ${language}`,
        );
    }
  }
  return lines.join('\n') + '\n';
}

function checkParameterName(language: Language, name: string): void {
  const ok =
    language === 'r'
      ? /^(?:[A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*$/.test(name) && !R_RESERVED.has(name)
      : /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) &&
        !(language === 'python' ? PYTHON_KEYWORDS : JS_RESERVED).has(name);
  if (!ok) {
    throw new NotebookError(
      `parameter name '${name.slice(0, 100)}' is not a plain ${language} variable name`,
    );
  }
}

function pythonLiteral(value: unknown, depth: number): string {
  if (depth > MAX_PARAMETER_DEPTH) {
    throw new NotebookError(`parameters nest deeper than ${MAX_PARAMETER_DEPTH} levels`);
  }
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  // JSON string escapes (\" \\ \n \t \uXXXX …) are valid Python string escapes.
  if (typeof value === 'number' || typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => pythonLiteral(v, depth + 1)).join(', ')}]`;
  if (isObject(value)) {
    const items = Object.entries(value).map(
      ([k, v]) => `${JSON.stringify(k)}: ${pythonLiteral(v, depth + 1)}`,
    );
    return `{${items.join(', ')}}`;
  }
  throw new NotebookError(`parameters must be JSON values; got ${typeof value}`);
}

function rLiteral(value: unknown, depth: number): string {
  if (depth > MAX_PARAMETER_DEPTH) {
    throw new NotebookError(`parameters nest deeper than ${MAX_PARAMETER_DEPTH} levels`);
  }
  if (value === null) return 'NULL';
  if (value === true) return 'TRUE';
  if (value === false) return 'FALSE';
  if (typeof value === 'number' || typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `list(${value.map((v) => rLiteral(v, depth + 1)).join(', ')})`;
  if (isObject(value)) {
    const items = Object.entries(value).map(
      ([k, v]) => `${JSON.stringify(k)} = ${rLiteral(v, depth + 1)}`,
    );
    return `list(${items.join(', ')})`;
  }
  throw new NotebookError(`parameters must be JSON values; got ${typeof value}`);
}

/**
 * The executed notebook as nbformat 4 JSON text. Code cells that ran get their outputs and
 * execution count; code cells that did not run (after a failure) are cleared, so no stale
 * output from the author's machine passes for this run's. Everything else is kept as it was.
 */
export function executedNotebook(notebook: Notebook, runs: ReadonlyMap<number, CellRun>): string {
  const cells = notebook.document.cells.map((json, index) => {
    if (json.cell_type !== 'code') return json;
    const run = runs.get(index);
    return {
      ...json,
      execution_count: run ? run.executionCount : null,
      outputs: run ? cellOutputs(run) : [],
    };
  });
  return JSON.stringify({ ...notebook.document, cells }, null, 1) + '\n';
}

/** nbformat 4 outputs for one cell, in the order a Jupyter front end shows them. */
export function cellOutputs(run: CellRun): Json[] {
  const outputs: Json[] = [];
  if (run.stdout) outputs.push({ output_type: 'stream', name: 'stdout', text: lines(run.stdout) });
  for (const item of run.results) {
    if (!item.isMain)
      outputs.push({ output_type: 'display_data', data: mimeBundle(item.data), metadata: {} });
  }
  // The traceback is already the error output; stderr that is only the traceback is not repeated.
  if (run.stderr && (run.success || run.stderr.trim() !== run.errorDetail.trim())) {
    outputs.push({ output_type: 'stream', name: 'stderr', text: lines(run.stderr) });
  }
  const main = run.results.find((item) => item.isMain);
  if (main && run.success) {
    outputs.push({
      output_type: 'execute_result',
      execution_count: run.executionCount,
      data: mimeBundle(main.data),
      metadata: {},
    });
  }
  if (!run.success) {
    const match = /^([A-Za-z_][\w.]*):\s?([\s\S]*)$/.exec(run.error);
    outputs.push({
      output_type: 'error',
      ename: match?.[1] ?? 'Error',
      evalue: match ? (match[2] ?? '') : run.error,
      traceback: (run.errorDetail || run.error).split('\n'),
    });
  }
  return outputs;
}

/** JSON MIME types keep any value; every other one must be a string or a list of strings. */
function mimeBundle(data: Record<string, unknown>): Json {
  const bundle: Json = {};
  for (const [mime, value] of Object.entries(data)) {
    const kept =
      /^application\/(.*\+)?json$/.test(mime) ||
      typeof value === 'string' ||
      (Array.isArray(value) && value.every((v) => typeof v === 'string'));
    // The sandbox names the keys: `__proto__` must stay a key, not become the prototype.
    Object.defineProperty(bundle, mime, {
      value: kept ? value : (JSON.stringify(value) ?? ''),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return bundle;
}

/** Text as nbformat stores it: lines that keep their '\n'. */
function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function multiline(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join('');
  return undefined;
}

/** Nesting depth, measured without recursion so a hostile document cannot overflow the stack. */
/** Nesting depth without recursion (the input is the user's, the stack is ours); counting
 * stops once it passes `limit`. */
export function jsonDepth(root: unknown, limit: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (value === null || typeof value !== 'object') continue;
    if (depth > max) max = depth;
    if (max > limit) return max;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return max;
}

/** Where a notebook failed, as errors and annotations say it. */
export function describeCell(notebook: Notebook, cell: NotebookCell, line?: number): string {
  return describeCellAt(notebook.name, cell.injected ? 0 : cell.number, line);
}

/** The same from plain values: `cell` 0 is the injected parameters cell. */
export function describeCellAt(name: string, cell: number, line?: number): string {
  const which = cell === 0 ? 'the injected parameters cell' : `cell ${cell}`;
  return `Notebook '${name}' ${which}${line ? `, line ${line}` : ''}`;
}
