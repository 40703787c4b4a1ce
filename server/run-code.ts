// Runs one program to completion in its own process group, collecting output as it is produced.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { underFileLimit } from './disk-limits.ts';
import { describeFailure, type Language, type Program } from './languages.ts';
import { sessionEnv } from './session-processes.ts';

export interface RunOutcome {
  stdout: string[];
  stderr: string[];
  /** MIME bundles in order of display; the main result carries isMainResult: true. */
  results: Record<string, unknown>[];
  /** '' when the code succeeded. */
  executionError: string;
  /** Seconds. */
  executionTime: number;
  exitCode: number | null;
  timedOut: boolean;
}

export interface RunHandle {
  /** Kills the whole process group; `done` still resolves with what was produced so far. */
  kill(reason: string): void;
  done: Promise<RunOutcome>;
}

export interface RunOptions {
  language: Language;
  program: Program;
  cwd: string;
  timeoutS: number;
  sessionId: string;
  maxFileBytes: number;
}

/** Past this much output per stream, further chunks are dropped (keeps memory bounded). */
const MAX_STREAM_CHARS = 96 * 1024 * 1024;
/** After the main process exits, how long to wait for its pipes to close before giving up. */
const CLOSE_GRACE_MS = 2000;

export function startRun(options: RunOptions): RunHandle {
  const { program, timeoutS } = options;
  const started = performance.now();
  const env = sessionEnv(options.sessionId, program.env);

  // detached: the child leads a new process group, so kill(-pid) also reaches its children.
  const limited = underFileLimit(options.maxFileBytes, program.command, program.args);
  const child = spawn(limited.command, limited.args, {
    cwd: options.cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  let killReason: string | undefined;
  let timedOut = false;

  const killGroup = (): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, timeoutS * 1000);

  const finished = new Promise<{ code: number | null; signal: string | null; spawnError?: Error }>(
    (resolve) => {
      child.once('error', (error) => resolve({ code: null, signal: null, spawnError: error }));
      child.once('exit', (code, signal) => {
        // Leftover background children of the snippet die with it; the pipes can then close.
        killGroup();
        const grace = setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          resolve({ code, signal });
        }, CLOSE_GRACE_MS);
        child.once('close', () => {
          clearTimeout(grace);
          resolve({ code, signal });
        });
      });
    },
  );

  const done = finished.then(async ({ code, signal, spawnError }) => {
    clearTimeout(timer);
    const executionTime = (performance.now() - started) / 1000;
    const stderrText = stderr.chunks.join('');
    let executionError = '';
    if (timedOut) {
      executionError = `TimeoutError: Execution timed out after ${timeoutS} seconds`;
    } else if (killReason) {
      executionError = `KilledError: execution stopped because the ${killReason}`;
    } else if (spawnError) {
      executionError = `SpawnError: ${spawnError.message}`;
    } else if (signal) {
      executionError = `Process killed by signal ${signal}`;
    } else if (code !== 0) {
      executionError = describeFailure(options.language, stderrText, code ?? -1);
    }
    return {
      stdout: stdout.chunks,
      stderr: stderr.chunks,
      results: [],
      executionError,
      executionTime,
      exitCode: code,
      timedOut,
    };
  });

  return {
    kill(reason: string) {
      killReason ??= reason;
      killGroup();
    },
    done,
  };
}

function collect(stream: NodeJS.ReadableStream): { chunks: string[] } {
  const out = { chunks: [] as string[], size: 0 };
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    if (out.size >= MAX_STREAM_CHARS) return;
    out.size += chunk.length;
    out.chunks.push(chunk);
  });
  return out;
}

/**
 * A kernel appends one JSON object per line: {kind:'bundle', bundle}, {kind:'error', message}
 * or {kind:'clear'} (clear_output: the bundles so far are dropped). A process killed mid-write
 * can leave a partial last line; skip it.
 */
export async function readRunnerResults(
  file: string,
): Promise<{ bundles: Record<string, unknown>[]; error?: string }> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const bundles: Record<string, unknown>[] = [];
  let error: string | undefined;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let record: { kind?: string; bundle?: Record<string, unknown>; message?: string };
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    if (record.kind === 'bundle' && record.bundle) bundles.push(record.bundle);
    if (record.kind === 'clear') bundles.length = 0;
    if (record.kind === 'error' && typeof record.message === 'string') error = record.message;
  }
  return { bundles, error };
}
