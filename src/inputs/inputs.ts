import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LANGUAGE_SPELLINGS, canonicalLanguage, type Language } from '../agentbay/language.ts';
import { sourceName, type CodeSource } from '../runs/code-source.ts';
import { InputError } from './input-error.ts';
import { extractCodeBlocks, MarkdownBlockError } from '../runs/markdown-blocks.ts';
import { readNotebookRuns, readParameters } from './notebook-inputs.ts';
import type { NotebookPlan } from '../runs/notebook.ts';
import {
  ACTION_LABEL_COUNT,
  MAX_USER_LABELS,
  RESERVED_LABEL_PREFIX,
} from '../state/session-labels.ts';
import { readSandboxInputs, type SandboxInputs } from './sandbox-inputs.ts';
import {
  expandWorkspaceFiles,
  isPattern,
  patternLines,
  resolveWorkspaceFile,
} from './workspace-files.ts';

export { InputError };

export const DEFAULT_ENDPOINT = 'wuyingai.cn-shanghai.aliyuncs.com';
export const DEFAULT_IMAGE_ID = 'code_latest';
/** Above 60 s (the gateway's limit per request) the code runs as a polled background process. */
export const MAX_TIMEOUT_S = 3600;
export const MAX_CODE_BYTES = 512 * 1024;
/** Sessions one step may hold at once (`parallel`); each costs a concurrent-session slot. */
export const MAX_PARALLEL = 8;
/** Runs one step may make from `file` lines and patterns. */
export const MAX_BATCH_RUNS = 200;

export interface ActionInputs {
  code: string;
  source: CodeSource;
  language: Language;
  timeoutS: number;
  apiKey: string;
  endpoint: string;
  regionId: string;
  imageId: string;
  labels: Record<string, string>;
  failOnError: boolean;
  summary: boolean;
  cleanup: boolean;
  idleTimeoutS: number;
  maxOutputSize: number;
  /** Workflow artifact to upload the rich files and the result to; '' for none. */
  artifact: string;
  comment: CommentInputs | undefined;
  syntaxCheck: SyntaxCheckMode;
  /** upload, setup, env, secret-env, download. */
  sandbox: SandboxInputs;
  /**
   * Several runs in one step (`file` with several lines or a pattern), in order; undefined
   * for a single run, which `code`/`source`/`language` describe.
   */
  batch: PlannedRun[] | undefined;
  /** How many sessions run the batch at once. */
  parallel: number;
  /** A session an earlier step created (`session-id`): used, never created or deleted here. */
  reuseSessionId: string;
  /** The notebooks among the batch's files, parameters injected, to write back once run. */
  notebooks: NotebookPlan[];
}

/** The values no output, file, log line or summary of the step may hold. */
export function stepSecrets(inputs: ActionInputs): string[] {
  return [inputs.apiKey, inputs.comment?.token ?? '', ...Object.values(inputs.sandbox.secretEnv)];
}

/** One run of a batch: a file and the language it runs in. */
export interface PlannedRun {
  source: CodeSource;
  language: Language;
  code: string;
  /** Runs of one group (a Markdown page) share one session, in order. */
  group?: string;
  /** Not run (a Markdown block marked skip). */
  skip?: boolean;
  /** Passes only when the code fails (`<!-- run-code: expect-error -->`). */
  expectError?: boolean;
  /** What the code must print, and the line of the block that says so. */
  expectedOutput?: { text: string; line: number };
  /** After a failure, the group's later runs are not run (a notebook's cells need the earlier ones). */
  stopGroupOnFailure?: boolean;
  /** A notebook's code cell: its index in the notebook's `cells`, for writing the outputs back. */
  notebookCell?: number;
  /** A notebook cell's lines in the .ipynb file (index 0: the cell's line 1), for annotations. */
  fileLines?: number[];
}

/** `comment: true`: what is needed to post the pull-request comment. */
export interface CommentInputs {
  token: string;
  /** Tells this step's comment from others' on the same pull request. */
  stepId: string;
}

export type SyntaxCheckMode = 'auto' | 'true' | 'false';

/** Reads one input by name, trimmed unless told not to, '' when unset (`core.getInput` fits). */
export type InputReader = (name: string, options?: { trimWhitespace?: boolean }) => string;

/** The API key, from `api-key` or else the AGENTBAY_API_KEY environment variable. */
export function readApiKey(read: InputReader, env: NodeJS.ProcessEnv): string {
  const key = read('api-key') || (env.AGENTBAY_API_KEY ?? '').trim();
  if (!key) {
    throw new InputError(
      'api-key',
      'is required: pass an AgentBay API key from a secret (api-key: ${{ secrets.AGENTBAY_API_KEY }}) or set the AGENTBAY_API_KEY environment variable',
    );
  }
  if (/\s/.test(key)) throw new InputError('api-key', 'must not contain white space');
  return key;
}

/** Every input, validated; throws InputError on the first bad one, before anything is spent. */
export function readInputs(read: InputReader, env: NodeJS.ProcessEnv): ActionInputs {
  const apiKey = readApiKey(read, env);
  const parameters = readParameters(read('parameters'));
  const { code, source, batch, notebooks } = readCode(read, env, parameters);
  if (parameters && notebooks.length === 0) {
    throw new InputError(
      'parameters',
      'applies to notebooks only, and no file given to `file` is one (.ipynb); remove it, or give a notebook',
    );
  }
  const inputs: ActionInputs = {
    code,
    source,
    // A batch's runs carry their own languages; the first stands for the step.
    language: batch?.[0]?.language ?? readLanguage(read('language'), source),
    batch,
    parallel: parseInteger('parallel', read('parallel'), {
      min: 1,
      max: MAX_PARALLEL,
      fallback: 1,
      unit: 'sessions',
    }),
    reuseSessionId: parseSessionId(read('session-id'), read('parallel')),
    timeoutS: parseInteger('timeout', read('timeout'), {
      min: 1,
      max: MAX_TIMEOUT_S,
      fallback: 60,
      unit: 'seconds',
    }),
    apiKey,
    endpoint: parseEndpoint(read('endpoint')),
    regionId: parseToken('region-id', read('region-id')),
    imageId: parseToken('image-id', read('image-id')) || DEFAULT_IMAGE_ID,
    labels: parseLabels(read('labels')),
    failOnError: parseBoolean('fail-on-error', read('fail-on-error'), true),
    summary: parseBoolean('summary', read('summary'), true),
    cleanup: parseBoolean('cleanup', read('cleanup'), true),
    idleTimeoutS: parseInteger('idle-timeout', read('idle-timeout'), {
      min: 60,
      max: 86_400,
      fallback: 900,
      unit: 'seconds',
    }),
    maxOutputSize: parseInteger('max-output-size', read('max-output-size'), {
      min: 1024,
      max: 900_000,
      fallback: 262_144,
      unit: 'bytes',
    }),
    artifact: parseArtifactName(read('artifact')),
    comment: readComment(read, env),
    syntaxCheck: parseSyntaxCheck(read('syntax-check')),
    sandbox: readSandboxInputs(read, env),
    notebooks,
  };
  if (batch?.some((run) => run.group !== undefined)) refuseLongModeForGroups(inputs.timeoutS);
  return inputs;
}

/**
 * Above 60 s each run is a process of its own, so the blocks of a Markdown page (or the cells
 * of a notebook) could not share the state the ones before them built up: refused rather than
 * half working.
 */
function refuseLongModeForGroups(timeoutS: number): void {
  if (timeoutS > 60) {
    throw new InputError(
      'timeout',
      `must be a whole number from 1 to 60 seconds with \`markdown\` or a notebook (got ${timeoutS}): above 60 each block or cell would run as a process of its own, without the state of the ones before it`,
    );
  }
}

/** The shape of the ids the service gives (`session-…`), and nothing that could inject text. */
const SESSION_ID = /^[A-Za-z0-9][\w.:-]{0,127}$/;

function parseSessionId(value: string, parallel: string): string {
  if (!value) return '';
  if (!SESSION_ID.test(value)) {
    throw new InputError(
      'session-id',
      "must be a session id from an earlier step's session-id output (letters, digits, '.', '_', ':', '-', at most 128 characters)",
    );
  }
  if (parallel !== '' && parallel !== '1') {
    throw new InputError(
      'session-id',
      'runs everything in the one session it names, so parallel must be 1 with it',
    );
  }
  return value;
}

/** The characters @actions/artifact refuses in a name, checked before anything is spent. */
const ARTIFACT_NAME_FORBIDDEN = /[":<>|*?\\/\r\n]/;

function parseArtifactName(value: string): string {
  if (ARTIFACT_NAME_FORBIDDEN.test(value)) {
    throw new InputError(
      'artifact',
      `must be an artifact name without " : < > | * ? \\ / or line breaks; got '${value}'`,
    );
  }
  if (value.length > 256) throw new InputError('artifact', 'must be at most 256 characters');
  return value;
}

function readComment(read: InputReader, env: NodeJS.ProcessEnv): CommentInputs | undefined {
  if (!parseBoolean('comment', read('comment'), false)) return undefined;
  const token = read('github-token');
  if (!token) {
    throw new InputError(
      'github-token',
      'is required when comment is true: leave it at its default (${{ github.token }}) or pass a token that may write pull-request comments',
    );
  }
  const explicit = read('comment-id');
  if (explicit && !/^[A-Za-z0-9._-]{1,100}$/.test(explicit)) {
    throw new InputError(
      'comment-id',
      `must be 1 to 100 letters, digits, '.', '_' or '-'; got '${explicit}'`,
    );
  }
  const stepId =
    explicit ||
    [env.GITHUB_JOB, env.GITHUB_ACTION]
      .filter(Boolean)
      .join('.')
      .replace(/[^A-Za-z0-9._-]/g, '_') ||
    'default';
  return { token, stepId };
}

function parseSyntaxCheck(value: string): SyntaxCheckMode {
  if (value === '' || value.toLowerCase() === 'auto') return 'auto';
  if (TRUE_VALUES.includes(value)) return 'true';
  if (FALSE_VALUES.includes(value)) return 'false';
  throw new InputError(
    'syntax-check',
    `must be auto (check when the runner has the interpreter), true (require the check) or false (skip it); got '${value}'`,
  );
}

interface CodeInputs {
  code: string;
  source: CodeSource;
  batch?: PlannedRun[];
  notebooks: NotebookPlan[];
}

function readCode(
  read: InputReader,
  env: NodeJS.ProcessEnv,
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
    const workspace = env.GITHUB_WORKSPACE || process.cwd();
    const files = file
      ? readBatch(patternLines(file), workspace, read('language'), parameters)
      : { runs: [], notebooks: [] };
    const batch = [...files.runs, ...readMarkdownBlocks(patternLines(markdown), workspace)];
    if (batch.length > MAX_BATCH_RUNS) {
      throw new InputError(
        'markdown',
        `and 'file' together make ${batch.length} runs, more than ${MAX_BATCH_RUNS}; split them into several steps`,
      );
    }
    const first = batch[0] as PlannedRun;
    return { code: first.code, source: first.source, batch, notebooks: files.notebooks };
  }
  if (inline.trim() && file) {
    throw new InputError(
      'code',
      "and 'file' cannot both be set: give the code inline or as a file",
    );
  }
  if (file) {
    const workspace = env.GITHUB_WORKSPACE || process.cwd();
    const lines = patternLines(file);
    // One plain path is the single run it has always been; anything else, or a notebook
    // (one run per cell), is a batch.
    const only = lines.length === 1 ? (lines[0] ?? '') : '';
    if (only && !isPattern(only) && !isNotebookPath(only)) {
      return { ...readCodeFile(file, workspace), notebooks: [] };
    }
    const { runs, notebooks } = readBatch(lines, workspace, read('language'), parameters);
    const first = runs[0] as PlannedRun;
    return { code: first.code, source: first.source, batch: runs, notebooks };
  }
  if (!inline.trim()) {
    throw new InputError(
      'code',
      "or 'file' is required: give the code inline (code) or a path in the repository (file)",
    );
  }
  checkCodeText('code', Buffer.from(inline, 'utf8'));
  return { code: inline, source: { kind: 'inline' }, notebooks: [] };
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
): { runs: PlannedRun[]; notebooks: NotebookPlan[] } {
  const files = expandWorkspaceFiles('file', lines, workspace, { maxFiles: MAX_BATCH_RUNS });
  const runs: PlannedRun[] = [];
  const notebooks: NotebookPlan[] = [];
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
  return { runs, notebooks };
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

export function parseInteger(
  input: string,
  value: string,
  range: { min: number; max: number; fallback: number; unit: 'seconds' | 'bytes' | 'sessions' },
): number {
  if (value === '') return range.fallback;
  const accepted = `a whole number of ${range.unit} from ${range.min} to ${range.max}`;
  if (!/^\d+$/.test(value)) throw new InputError(input, `must be ${accepted}; got '${value}'`);
  const n = Number(value);
  if (n < range.min || n > range.max)
    throw new InputError(input, `must be ${accepted}; got '${value}'`);
  return n;
}

/** The spellings `core.getBooleanInput` accepts (YAML 1.2's core schema), and only those. */
const TRUE_VALUES = ['true', 'True', 'TRUE'];
const FALSE_VALUES = ['false', 'False', 'FALSE'];

/** A boolean input by `core.getBooleanInput`'s rules, with a default when it is unset. */
export function parseBoolean(input: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback;
  if (TRUE_VALUES.includes(value)) return true;
  if (FALSE_VALUES.includes(value)) return false;
  throw new InputError(input, `must be true or false; got '${value}'`);
}

function parseToken(input: string, value: string): string {
  if (value && !/^[A-Za-z0-9._:-]+$/.test(value)) {
    throw new InputError(
      input,
      `must contain only letters, digits, '.', '_', ':' and '-'; got '${value}'`,
    );
  }
  return value;
}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The gateway origin. A bare host means https; a full URL is accepted; plain http only to
 * a loopback host, so the key never crosses a network in clear text.
 */
export function parseEndpoint(value: string): string {
  const raw = value || DEFAULT_ENDPOINT;
  const accepted =
    'must be a host name (wuyingai.cn-shanghai.aliyuncs.com) or an https:// URL with no path, query or credentials; http:// is allowed only for loopback hosts';
  let url: URL;
  try {
    url = new URL(raw.includes('://') ? raw : `https://${raw}`);
  } catch {
    throw new InputError('endpoint', `${accepted}; got '${raw}'`);
  }
  if (url.username || url.password) {
    throw new InputError('endpoint', `must not carry credentials; ${accepted}`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new InputError('endpoint', `${accepted}; got '${raw}'`);
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.test(url.hostname)) {
    throw new InputError(
      'endpoint',
      `uses http:// to '${url.hostname}', which is not a loopback host: the API key would cross the network unencrypted; use https://`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError('endpoint', `${accepted}; got '${raw}'`);
  }
  return url.origin;
}

/** Extra session labels: a JSON object of strings, or `key=value` lines. */
export function parseLabels(value: string): Record<string, string> {
  if (!value) return {};
  const labels: Record<string, string> = {};
  const accepted = 'must be a JSON object of strings ({"team": "data"}) or key=value lines';
  if (value.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new InputError('labels', `${accepted}; it starts with '{' but is not valid JSON`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new InputError('labels', accepted);
    }
    for (const [key, item] of Object.entries(parsed)) {
      if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') {
        throw new InputError('labels', `${accepted}; the value of '${key}' is not a string`);
      }
      labels[key] = String(item);
    }
  } else {
    for (const [index, line] of value.split(/\r?\n/).entries()) {
      const text = line.trim();
      if (!text || text.startsWith('#')) continue;
      const eq = text.indexOf('=');
      if (eq < 0) throw new InputError('labels', `${accepted}; line ${index + 1} has no '='`);
      labels[text.slice(0, eq).trim()] = text.slice(eq + 1).trim();
    }
  }
  for (const [key, item] of Object.entries(labels)) {
    if (!key) throw new InputError('labels', `${accepted}; a key is empty`);
    if (key.length > 128)
      throw new InputError(
        'labels',
        `keys must be at most 128 characters; '${key.slice(0, 20)}…' is longer`,
      );
    if (!item) throw new InputError('labels', `values must not be empty; '${key}' has no value`);
    if (item.length > 256)
      throw new InputError(
        'labels',
        `values must be at most 256 characters; '${key}' has ${item.length}`,
      );
    if (key.startsWith(RESERVED_LABEL_PREFIX)) {
      throw new InputError(
        'labels',
        `keys starting with '${RESERVED_LABEL_PREFIX}' are reserved for the action; '${key}' is one`,
      );
    }
  }
  if (Object.keys(labels).length > MAX_USER_LABELS) {
    throw new InputError(
      'labels',
      `may hold at most ${MAX_USER_LABELS} labels (the action adds ${ACTION_LABEL_COUNT} of its own)`,
    );
  }
  return labels;
}
