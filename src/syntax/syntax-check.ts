import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import type { Language } from '../runs/language.ts';
import { looksLikeEsm } from '../runs/esm.ts';
import { InputError } from '../inputs/input-error.ts';
import type { SyntaxCheckMode } from '../inputs/parse.ts';
import type { ErrorLocation } from '../runs/error-location.ts';

/**
 * The result of checking the code's syntax on the runner, before any sandbox is spent:
 * `error` stops the run; the others let it go on.
 */
export type SyntaxCheck =
  | { status: 'ok'; checker: string }
  | { status: 'error'; checker: string; message: string; location?: ErrorLocation }
  | { status: 'skipped'; reason: string }
  | { status: 'inconclusive'; reason: string };

const CHECK_TIMEOUT_MS = 20_000;

/**
 * Compiles stdin without running it (a leading byte-order mark dropped, as Python does for a
 * file). Top-level `await` is allowed, as in a notebook cell (0x2000 is
 * ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, without importing ast). Exit 0: fine; 1: a SyntaxError,
 * as its line, column and message on three lines; anything else: no verdict. Run with
 * -I -S and no imports, a passing check costs little more than Python's start-up.
 */
const PYTHON_CHECK = `
import sys
source = sys.stdin.buffer.read().decode('utf-8-sig')
try:
    compile(source, sys.argv[1], 'exec', flags=0x2000 if sys.version_info >= (3, 8) else 0, dont_inherit=True)
except SyntaxError as e:
    sys.stdout.write('%s\\n%s\\n%s: %s' % (e.lineno or '', e.offset or '', type(e).__name__, e.msg))
    sys.exit(1)
`;

/**
 * Checks the syntax of `code` with the runner's own interpreter. `auto` checks when the
 * interpreter is there; `true` requires the check (an InputError when it cannot be done);
 * `false` skips it.
 */
export function checkSyntax(
  mode: SyntaxCheckMode,
  language: Language,
  code: string,
  /** Where a file to check may be written (the runner's temp directory). */
  tempDir: string,
): SyntaxCheck {
  if (mode === 'false') return { status: 'skipped', reason: 'syntax-check is false' };
  const result =
    language === 'python'
      ? checkPython(code)
      : language === 'javascript'
        ? checkJavaScript(code, tempDir)
        : ({
            status: 'skipped',
            reason: `the runner cannot check ${language} (only python and javascript)`,
          } as const);
  return required(mode, result);
}

/** `syntax-check: true` takes only a verdict. */
function required(mode: SyntaxCheckMode, result: SyntaxCheck): SyntaxCheck {
  if (mode === 'true' && (result.status === 'skipped' || result.status === 'inconclusive')) {
    throw new InputError(
      'syntax-check',
      `is true, but the check could not be done: ${result.reason}. Set it to auto to check only when the runner can, or false`,
    );
  }
  return result;
}

/** A Python check started before the action knew its inputs (src/early-check.ts). */
export interface EarlyCheck {
  code: string;
  verdict: Promise<SyntaxCheck>;
  /** Not needed after all: stop the process. */
  cancel(): void;
}

/**
 * checkSyntax, taking the verdict of the check started early when it checked this very code
 * in this language; otherwise that check is stopped and this one is done as usual.
 */
export async function checkSyntaxWith(
  early: EarlyCheck | undefined,
  mode: SyntaxCheckMode,
  language: Language,
  code: string,
  tempDir: string,
): Promise<SyntaxCheck & { early?: true }> {
  if (early && mode !== 'false' && language === 'python' && early.code === code) {
    return { ...required(mode, await early.verdict), early: true };
  }
  early?.cancel();
  return checkSyntax(mode, language, code, tempDir);
}

/**
 * Starts Python's check of `code` without waiting for it, so that it runs while the rest of
 * the action loads. The same check as checkSyntax's, with the same verdicts.
 */
export function startPythonCheck(code: string): EarlyCheck {
  const prepared = preparePython(code);
  if ('skip' in prepared) {
    return { code, verdict: Promise.resolve(prepared.skip), cancel: () => undefined };
  }
  let child: ReturnType<typeof spawn> | undefined;
  let cancelled = false;
  const attempt = (commands: string[]): Promise<SyntaxCheck> => {
    const [command, ...rest] = commands;
    if (!command || cancelled) {
      return Promise.resolve({ status: 'skipped', reason: 'the runner has no python3' });
    }
    return new Promise((resolve) => {
      let stdout = '';
      let stderr = '';
      let spawnError: NodeJS.ErrnoException | undefined;
      child = spawn(command, pythonArgs(), {
        env: pythonEnv(),
        cwd: tmpdir(),
        timeout: CHECK_TIMEOUT_MS,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      // A python that exits before reading all of stdin is answered by its exit status.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(prepared.checked);
      child.on('error', (error) => (spawnError = error));
      child.on('close', (status) => {
        if (spawnError?.code === 'ENOENT') return void attempt(rest).then(resolve);
        resolve(pythonVerdict(command, { status, stdout, stderr, error: spawnError }, prepared));
      });
    });
  };
  return {
    code,
    verdict: attempt(['python3', 'python']),
    cancel: () => {
      cancelled = true;
      child?.kill();
    },
  };
}

/**
 * IPython syntax that is not Python: line magics (`%pip install x`, `x = %time f()`) and
 * shell escapes (`!ls`). Such a line becomes `pass`, which keeps the lines and indentation.
 */
const MAGIC_LINE = /^(\s*)(?:[\w.]+\s*=\s*)?(?:%{1,2}[A-Za-z_]|!(?!=))/;

export function withoutMagics(code: string): string {
  return code
    .split('\n')
    .map((line) => {
      const match = MAGIC_LINE.exec(line);
      return match ? `${match[1]}pass` : line;
    })
    .join('\n');
}

type PreparedPython = { checked: string; guessed: boolean } | { skip: SyntaxCheck };

function preparePython(code: string): PreparedPython {
  const firstLine = code.split('\n').find((line) => line.trim()) ?? '';
  if (firstLine.trimStart().startsWith('%%')) {
    return {
      skip: {
        status: 'skipped',
        reason: 'the cell starts with a cell magic, so it may not be Python',
      },
    };
  }
  const checked = withoutMagics(code);
  // Blanking magics is a line-by-line guess; a continuation line that happens to start with
  // `%` or `!` would become a false syntax error, which must never block a valid run.
  return { checked, guessed: checked !== code };
}

function pythonArgs(): string[] {
  return ['-I', '-S', '-c', PYTHON_CHECK, '<cell>'];
}

/** The checker is a child of the runner: it takes the raw environment, as any program would. */
function pythonEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8' };
}

interface Finished {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

function checkPython(code: string): SyntaxCheck {
  const prepared = preparePython(code);
  if ('skip' in prepared) return prepared.skip;
  for (const command of ['python3', 'python']) {
    const run = spawnSync(command, pythonArgs(), {
      input: prepared.checked,
      encoding: 'utf8',
      timeout: CHECK_TIMEOUT_MS,
      env: pythonEnv(),
      // Not the workspace: on Windows a checked-out python3.exe there would be found first.
      cwd: tmpdir(),
    });
    if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') continue;
    return pythonVerdict(command, run, prepared);
  }
  return { status: 'skipped', reason: 'the runner has no python3' };
}

function pythonVerdict(
  command: string,
  run: Finished,
  { guessed }: { guessed: boolean },
): SyntaxCheck {
  const checker = `${command} compile()`;
  if (run.status === 0) return { status: 'ok', checker };
  if (run.status === 1 && guessed) {
    return {
      status: 'inconclusive',
      reason: `${command} found a syntax error, but the code uses IPython syntax (magics or shell escapes) that the check can only guess at`,
    };
  }
  if (run.status === 1) {
    const match = /^(\d*)\n(\d*)\n(\w*Error: [\s\S]*)$/.exec(run.stdout ?? '');
    if (match) {
      const [, line, column, message] = match;
      return {
        status: 'error',
        checker,
        message: message!,
        location: line
          ? {
              line: Number(line),
              ...(Number(column) > 0 ? { column: Number(column) } : {}),
              calledFrom: [],
            }
          : undefined,
      };
    }
    // Not our answer: something else went wrong.
  }
  return {
    status: 'inconclusive',
    reason: `${command} gave no verdict (${run.error?.message ?? `exit ${run.status}`}): ${(run.stderr ?? '').trim().split('\n').pop() ?? ''}`,
  };
}

function checkJavaScript(code: string, tempDir: string): SyntaxCheck {
  // The runner's own Node runs this action, so JavaScript can always be checked. A script
  // that compiles as CommonJS here, as Node's loader compiles it, passes `node --check`
  // too: only code that does not (ES modules, errors) costs a second Node process.
  if (!looksLikeEsm(code) && compilesAsCommonJs(code)) {
    return { status: 'ok', checker: 'node (compiled in-process)' };
  }
  const dir = path.join(tempDir, 'agentbay-run-code', `syntax-${randomBytes(6).toString('hex')}`);
  const name = looksLikeEsm(code) ? 'main.mjs' : 'main.js';
  const file = path.join(dir, name);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, code);
    const childEnv = { ...process.env };
    delete childEnv.NODE_OPTIONS;
    const run = spawnSync(process.execPath, ['--check', file], {
      encoding: 'utf8',
      timeout: CHECK_TIMEOUT_MS,
      env: childEnv,
      cwd: dir,
    });
    const checker = 'node --check';
    if (run.status === 0) return { status: 'ok', checker };
    const stderr = run.stderr ?? '';
    const message = /^(SyntaxError: .*)$/m.exec(stderr)?.[1];
    if (run.status === 1 && message) {
      return { status: 'error', checker, message, location: nodeLocation(stderr, file) };
    }
    return {
      status: 'inconclusive',
      reason: `node --check gave no verdict (${run.error?.message ?? `exit ${run.status}`})`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function compilesAsCommonJs(code: string): boolean {
  try {
    vm.compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname'], {
      filename: 'main.js',
    });
    return true;
  } catch {
    return false;
  }
}

/** `<file>:LINE` on the first line, then the source line and a caret under the column. */
function nodeLocation(stderr: string, file: string): ErrorLocation | undefined {
  const lines = stderr.split('\n');
  const header = lines.findIndex((l) => l.startsWith(`${file}:`));
  const line = Number(lines[header]?.slice(file.length + 1));
  if (header < 0 || !Number.isInteger(line) || line < 1) return undefined;
  const caret = lines[header + 2]?.indexOf('^') ?? -1;
  return { line, ...(caret >= 0 ? { column: caret + 1 } : {}), calledFrom: [] };
}
