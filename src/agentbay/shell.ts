// The `shell` tool (addendum §2): one command per call, its answer read as every SDK reads it.
import type { ToolCaller } from './tool-caller.ts';
import { isObject, tryParseJson } from '../text/json.ts';

const SHELL_SERVER = 'wuying_shell';
/** Above this the gateway's 60 s limit, not the command, decides (addendum §2.1). */
const MAX_SHELL_TIMEOUT_MS = 50_000;
/** How far past the command's own timeout we wait for the answer. */
const ANSWER_MARGIN_MS = 15_000;

export interface ShellCommand {
  command: string;
  timeoutMs: number;
  cwd?: string;
  envs?: Record<string, string>;
}

export interface ShellResult {
  /** Exit status when the answer carried one (`exit_code` or `errorCode`). */
  exitCode?: number;
  success: boolean;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The raw text of a failure that is not a command result (a tool error). */
  errorText?: string;
}

export async function runShell(
  client: ToolCaller,
  sessionId: string,
  command: ShellCommand,
): Promise<ShellResult> {
  const args: Record<string, unknown> = {
    command: command.command,
    timeout_ms: command.timeoutMs,
  };
  if (command.cwd !== undefined) args.cwd = command.cwd;
  if (command.envs !== undefined) args.envs = command.envs;
  const outcome = await client.callTool(
    sessionId,
    { name: 'shell', server: SHELL_SERVER, args },
    { timeoutMs: Math.min(command.timeoutMs, MAX_SHELL_TIMEOUT_MS) + ANSWER_MARGIN_MS },
  );
  return parseShellAnswer(outcome.text, outcome.isError);
}

/**
 * SDK 0.21's rules: the answer is the wrapped result only when it has its shape (an integer
 * `exit_code` with a string `stdout` or `stderr`, or both strings); anything else is the
 * command's own output, as images that answer raw stdout send it, so a command that prints JSON
 * keeps it. Inside a wrapped answer, older backends' `errorCode` still gives the exit status of a
 * failure (addendum §2.2). The `[timeout]` text marks a timeout.
 */
export function parseShellAnswer(text: string, isError: boolean): ShellResult {
  const record = tryParseJson(text);
  if (isWrappedResult(record)) {
    const code = [record.exit_code, record.errorCode].find(Number.isInteger) as number | undefined;
    const exitCode = code ?? (isError ? undefined : 0);
    return {
      exitCode,
      success: !isError && exitCode === 0,
      stdout: typeof record.stdout === 'string' ? record.stdout : '',
      stderr: typeof record.stderr === 'string' ? record.stderr : '',
      timedOut: false,
    };
  }
  if (!isError) return { exitCode: 0, success: true, stdout: text, stderr: '', timedOut: false };
  return {
    success: false,
    stdout: '',
    stderr: '',
    timedOut: /Error message: \[timeout\]/.test(text),
    errorText: text,
  };
}

/** The shape of the wrapped result (SDK 0.21 `looksLikeWrappedShellPayload`). */
function isWrappedResult(value: unknown): value is Record<string, unknown> {
  if (!isObject(value)) return false;
  const stdout = typeof value.stdout === 'string';
  const stderr = typeof value.stderr === 'string';
  return (Number.isInteger(value.exit_code) && (stdout || stderr)) || (stdout && stderr);
}

/** A string as one bash word, whatever it holds (spaces, quotes, Unicode, newlines). */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
