// The `shell` MCP tool: one real bash per call in the session's directories (protocol addendum
// §2). Background jobs the command starts outlive the call and die with the session.
import { spawn } from 'node:child_process';
import { underFileLimit } from './disk-limits.ts';
import { stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { hostPath, mapCommandPaths, SANDBOX_WORKDIR } from './sandbox-paths.ts';
import { sessionEnv } from './session-processes.ts';
import type { Session, SessionStore } from './sessions.ts';
import {
  EXECUTION_FAILED,
  executionFailed,
  optionalInteger,
  requireString,
  ToolFailure,
} from './tool-errors.ts';

export const SHELL_TOOL = {
  name: 'shell',
  server: 'wuying_shell',
  description: 'Run a command in a Linux shell (bash) in the sandbox.',
  inputSchema: {
    type: 'object',
    properties: {
      command: { type: 'string' },
      timeout_ms: { type: 'integer' },
      cwd: { type: 'string' },
      envs: { type: 'object', additionalProperties: { type: 'string' } },
    },
    required: ['command'],
  },
  tool: 'shell',
};

export interface ToolAnswer {
  text: string;
  isError: boolean;
}

/** The shell's default working directory here (on code_latest it is Unknown; §2.3). */
const DEFAULT_CWD = SANDBOX_WORKDIR;
const DEFAULT_TIMEOUT_MS = 50_000;
/** Per stream; later output is dropped so a chatty command cannot exhaust memory. */
const MAX_STREAM_BYTES = 16 * 1024 * 1024;
/** After bash exits, how long a background job holding its pipes may delay the answer. */
const PIPE_GRACE_MS = 300;

export async function callShell(
  store: SessionStore,
  session: Session,
  args: Record<string, unknown>,
  /** Answer the command's stdout as it is, as images other than code_latest do (SDK 0.21). */
  raw = false,
): Promise<ToolAnswer> {
  const command = requireString(args, 'command');
  const timeoutMs = optionalInteger(args, 'timeout_ms', 1) ?? DEFAULT_TIMEOUT_MS;
  const cwdArg = args.cwd === undefined ? DEFAULT_CWD : requireString(args, 'cwd');
  const envs = parseEnvs(args.envs);
  const cwd = hostPath(session.dirs, cwdArg);
  const cwdStat = await stat(cwd).catch(() => undefined);
  if (!cwdStat?.isDirectory()) throw new ToolFailure(`cwd is not a directory: ${cwdArg}`);

  const limited = underFileLimit(session.limits.maxFileBytes, 'bash', [
    '-c',
    mapCommandPaths(session.dirs, command),
  ]);
  const child = spawn(limited.command, limited.args, {
    cwd,
    env: sessionEnv(session.id, { ...envs, PWD: cwd }),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = collectBytes(child.stdout);
  const stderr = collectBytes(child.stderr);
  let timedOut = false;
  const killGroup = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, timeoutMs);

  const exited = new Promise<{ code: number | null; signal: string | null; error?: Error }>(
    (resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, error }));
      child.once('exit', (code, signal) => {
        const grace = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          resolve({ code, signal });
        }, PIPE_GRACE_MS);
        child.once('close', () => {
          clearTimeout(grace);
          resolve({ code, signal });
        });
      });
    },
  );
  store.track(session, { kill: killGroup }, exited, false);
  const { code, signal, error } = await exited;
  clearTimeout(timer);

  if (timedOut) return { text: executionFailed(EXECUTION_FAILED, '[timeout]'), isError: true };
  if (error) throw new ToolFailure(`failed to start the shell: ${error.message}`);
  const exitCode = code ?? (signal ? 128 + signalNumber(signal) : 1);
  const traceId = randomBytes(16).toString('hex');
  const out = stdout.text();
  const err = stderr.text();
  if (raw) return { text: exitCode === 0 ? out : `${out}${err}`, isError: exitCode !== 0 };
  if (exitCode === 0) {
    return {
      text: JSON.stringify({ stdout: out, stderr: err, exit_code: 0, traceId }),
      isError: false,
    };
  }
  // What real backends send on a non-zero exit: isError with errorCode (addendum §2.2).
  return {
    text: JSON.stringify({ errorCode: exitCode, stderr: err, stdout: out, traceId }),
    isError: true,
  };
}

function parseEnvs(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ToolFailure('Invalid arguments: envs must be an object of strings');
  }
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new ToolFailure(`Invalid arguments: envs.${key} must be a string with a valid name`);
    }
    out[key] = item;
  }
  return out;
}

function collectBytes(stream: NodeJS.ReadableStream): { text(): string } {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    if (size >= MAX_STREAM_BYTES) return;
    chunks.push(chunk);
    size += chunk.length;
  });
  return { text: () => Buffer.concat(chunks).toString('utf8') };
}

function signalNumber(signal: string): number {
  const numbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return numbers[signal] ?? 0;
}
