// How each run_code language becomes a process: files to write, command line, and how a failed
// run's stderr is condensed into one executionError line.
import { accessSync, constants } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export type Language = 'python' | 'javascript' | 'r' | 'java';

export const LANGUAGES: readonly Language[] = ['python', 'javascript', 'r', 'java'];

export interface Program {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface RunDirs {
  /** The session's working directory, the process cwd. */
  workDir: string;
  /** A fresh directory for this run's private files, outside the cwd. */
  runDir: string;
}

export function parseLanguage(value: unknown): Language | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return LANGUAGES.find((l) => l === lower);
}

/** Why a language cannot run here, or undefined when its interpreter is on PATH. */
export function unavailableReason(language: Language, python: string): string | undefined {
  const needed: Record<Language, string> = {
    python,
    javascript: process.execPath,
    r: 'Rscript',
    java: 'java',
  };
  return findExecutable(needed[language])
    ? undefined
    : `Language '${language}' is not available in this sandbox`;
}

/** JavaScript and Java programs run as one process each; the other languages in kernels. */
export async function prepareProgram(
  language: 'javascript' | 'java',
  code: string,
  dirs: RunDirs,
): Promise<Program> {
  return language === 'javascript' ? prepareJavaScript(code, dirs) : prepareJava(code, dirs);
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

// Node decides CommonJS vs ESM by extension, so ESM syntax needs a .mjs file.
const ESM_SYNTAX = /^[ \t]*(?:import\b[ \t]*(?:[\w*{$]|['"])|import\.meta\b|export\b[ \t]*[\w*{])/m;

async function prepareJavaScript(code: string, dirs: RunDirs): Promise<Program> {
  const file = ESM_SYNTAX.test(code) ? 'main.mjs' : 'main.js';
  await writeFile(join(dirs.workDir, file), code);
  return { command: process.execPath, args: [file], env: {} };
}

const MAIN_METHOD = /public\s+static\s+void\s+main\s*\(/;

/** Java code with its own `public static void main` is a program, not a JShell snippet. */
export function isJavaProgram(code: string): boolean {
  return MAIN_METHOD.test(code);
}

const PUBLIC_CLASS = /public\s+(?:(?:final|abstract)\s+)*class\s+(\w+)/;

async function prepareJava(code: string, dirs: RunDirs): Promise<Program> {
  const file = `${PUBLIC_CLASS.exec(code)?.[1] ?? 'Main'}.java`;
  await writeFile(join(dirs.workDir, file), code);
  // Source-file mode compiles in memory; C1-only JIT and serial GC make short runs start faster.
  return {
    command: 'java',
    args: ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', file],
    env: {},
  };
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
