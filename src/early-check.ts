// Imported first by the main step's entry, so that it runs before the rest of the bundle is
// loaded: for inline Python code it starts the syntax check at once, from the raw inputs, and
// the check runs in its own process while the action loads. On a runner with two or more cores
// a passing check then costs no time (BENCHMARKS.md). The run uses the verdict only when it
// checked exactly the code and language the inputs resolve to (checkSyntaxWith).
import { canonicalLanguage } from './runs/language.ts';
import { startPythonCheck, type EarlyCheck } from './syntax/syntax-check.ts';

function input(env: NodeJS.ProcessEnv, name: string): string {
  return env[`INPUT_${name.toUpperCase()}`] ?? '';
}

/** The check of the inline Python code the inputs give, started now; undefined otherwise. */
export function startEarlyCheck(env: NodeJS.ProcessEnv): EarlyCheck | undefined {
  const code = input(env, 'code');
  if (!code.trim() || input(env, 'file').trim() || input(env, 'markdown').trim()) return undefined;
  if (input(env, 'syntax-check').trim().toLowerCase() === 'false') return undefined;
  if (canonicalLanguage(input(env, 'language')) !== 'python') return undefined;
  return startPythonCheck(code);
}

export const earlyCheck = startEarlyCheck(process.env);
