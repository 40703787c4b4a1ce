// How each run_code language becomes a process: files to write, command line, and how a failed
// run's stderr is condensed into one executionError line.
import { accessSync, constants } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Language = 'python' | 'javascript' | 'r' | 'java';

export const LANGUAGES: readonly Language[] = ['python', 'javascript', 'r', 'java'];

export interface Program {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Python only: where the runner appends its result bundles (JSON lines). */
  resultFile?: string;
}

export interface RunDirs {
  /** The session's working directory, the process cwd. */
  workDir: string;
  /** A fresh directory for this run's private files, outside the cwd. */
  runDir: string;
}

const RUNNER = fileURLToPath(new URL('./python_runner.py', import.meta.url));
const PYTHON_SHIMS = fileURLToPath(new URL('./python', import.meta.url));

export function parseLanguage(value: unknown): Language | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return LANGUAGES.find((l) => l === lower);
}

/** Why a language cannot run here, or undefined when its interpreter is on PATH. */
export function unavailableReason(language: Language): string | undefined {
  const needed: Record<Language, string> = {
    python: pythonCommand(),
    javascript: process.execPath,
    r: 'Rscript',
    java: 'java',
  };
  return findExecutable(needed[language])
    ? undefined
    : `Language '${language}' is not available in this sandbox`;
}

export async function prepareProgram(
  language: Language,
  code: string,
  dirs: RunDirs,
): Promise<Program> {
  switch (language) {
    case 'python':
      return preparePython(code, dirs);
    case 'javascript':
      return prepareJavaScript(code, dirs);
    case 'r':
      await writeFile(join(dirs.workDir, 'main.R'), code);
      return { command: 'Rscript', args: ['main.R'], env: {} };
    case 'java':
      return prepareJava(code, dirs);
  }
}

/** One line saying why a process failed: a recognisable stderr line, else the exit code. */
export function describeFailure(language: Language, stderr: string, exitCode: number): string {
  const patterns: Record<Language, RegExp[]> = {
    python: [/^\w*(?:Error|Exception)\b.*$/m],
    javascript: [/^\w*Error\b.*$/m],
    r: [/^Error\b.*$/m],
    java: [
      /^Exception in thread "[^"]*" (.+)$/m,
      /^\S+\.java:\d+: error: .*$/m,
      /^[\w.$]*(?:Error|Exception)\b.*$/m,
    ],
  };
  for (const pattern of patterns[language]) {
    const match = pattern.exec(stderr);
    if (match) return (match[1] ?? match[0]).trim();
  }
  return `Process exited with code ${exitCode}`;
}

async function preparePython(code: string, dirs: RunDirs): Promise<Program> {
  const codeFile = join(dirs.runDir, 'cell.py');
  const resultFile = join(dirs.runDir, 'results.jsonl');
  await writeFile(codeFile, code);
  return {
    command: pythonCommand(),
    args: ['-u', RUNNER, codeFile],
    resultFile,
    env: { ...pythonEnv(), AGENTBAY_RESULT_FILE: resultFile },
  };
}

/** Environment of a Python interpreter run for run_code (shims on the path, no display). */
export function pythonEnv(): Record<string, string> {
  const pythonPath = [PYTHON_SHIMS, process.env.PYTHONPATH].filter(Boolean).join(delimiter);
  return {
    PYTHONPATH: pythonPath,
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONIOENCODING: 'utf-8',
    // Plotting libraries must not look for a display.
    MPLBACKEND: 'Agg',
  };
}

// Node decides CommonJS vs ESM by extension, so ESM syntax needs a .mjs file.
const ESM_SYNTAX = /^[ \t]*(?:import\b[ \t]*(?:[\w*{$]|['"])|import\.meta\b|export\b[ \t]*[\w*{])/m;

async function prepareJavaScript(code: string, dirs: RunDirs): Promise<Program> {
  const file = ESM_SYNTAX.test(code) ? 'main.mjs' : 'main.js';
  await writeFile(join(dirs.workDir, file), code);
  return { command: process.execPath, args: [file], env: {} };
}

const MAIN_METHOD = /public\s+static\s+void\s+main\s*\(/;
const PUBLIC_CLASS = /public\s+(?:(?:final|abstract)\s+)*class\s+(\w+)/;
const IMPORT_LINE = /^[ \t]*import\s+(?:static\s+)?[\w.]+(?:\.\*)?\s*;[ \t]*$/gm;

async function prepareJava(code: string, dirs: RunDirs): Promise<Program> {
  let className = 'Main';
  let source = code;
  if (MAIN_METHOD.test(code)) {
    className = PUBLIC_CLASS.exec(code)?.[1] ?? 'Main';
  } else {
    // A snippet: imports must stay at the top of the file, everything else goes inside main().
    const imports = code.match(IMPORT_LINE) ?? [];
    const body = code.replace(IMPORT_LINE, '');
    source = [
      ...imports.map((line) => line.trim()),
      'public class Main {',
      '  public static void main(String[] args) throws Exception {',
      body,
      '  }',
      '}',
      '',
    ].join('\n');
  }
  const file = `${className}.java`;
  await writeFile(join(dirs.workDir, file), source);
  // Source-file mode compiles in memory; C1-only JIT and serial GC make short runs start faster.
  return {
    command: 'java',
    args: ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', file],
    env: {},
  };
}

export function pythonCommand(): string {
  return process.env.AGENTBAY_LOCAL_PYTHON || 'python3';
}

function findExecutable(command: string): string | undefined {
  const candidates = command.includes('/')
    ? [command]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, command));
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
