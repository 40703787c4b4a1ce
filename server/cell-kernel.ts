// One persistent interpreter per session and language (Python, R, Java's JShell), so run_code
// calls share their variables as on code_latest (addendum §5; SDK code-execution.md). Cells
// queue and run one at a time; output streams in chunks and each cell's end is found by a
// random marker the kernel writes to both streams, then "done" on its control pipe (fd 3).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { underFileLimit } from './disk-limits.ts';
import { readRunnerResults, type RunHandle, type RunOutcome } from './run-code.ts';
import { sessionEnv } from './session-processes.ts';
import type { Session } from './sessions.ts';

export interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** How one language's kernel process is started and spoken to. */
export interface KernelSpec {
  /** The cell's source file name in its run directory (`cell.py`, `cell.R`, …). */
  cellFile: string;
  /** Command line and extra environment of the kernel process (cwd: the session's work dir). */
  launch(session: Session): Promise<Launch>;
  /** The one-line request that makes the kernel run a cell. */
  request(paths: CellRequest): string;
}

export interface CellRequest {
  cell: string;
  resultFile: string;
  /** Written by the kernel to stdout and stderr when the cell ends. */
  marker: string;
  /** Written to both streams by clear_output(): what the cell printed so far is dropped. */
  clearMarker: string;
}
/** Past this much output per stream and cell, further chunks are dropped (memory stays bounded). */
const MAX_STREAM_CHARS = 96 * 1024 * 1024;
/** How long a fresh interpreter may take to start before its first cell's clock runs anyway. */
const KERNEL_START_ALLOWANCE_MS = 30_000;

interface Cell {
  code: string;
  timeoutS: number;
  runDir: string;
  started?: number;
  timer?: NodeJS.Timeout;
  settle(outcome: RunOutcome): void;
  killReason?: string;
}

/** Splits a stream into per-cell chunks at the marker of the cell being run. */
class CellStream {
  chunks: string[] = [];
  private size = 0;
  private tail = '';
  private marker = '';
  private clearMarker = '';
  private onMarker?: () => void;

  expect(marker: string, clearMarker: string, onMarker: () => void): void {
    this.marker = marker;
    this.clearMarker = clearMarker;
    this.onMarker = onMarker;
    this.chunks = [];
    this.size = 0;
    if (this.tail) {
      const pending = this.tail;
      this.tail = '';
      this.push(pending);
    }
  }

  push(text: string): void {
    if (!this.marker) {
      // Output of a background job between cells: it belongs to no run.
      return;
    }
    let joined = this.tail + text;
    this.tail = '';
    for (;;) {
      const cleared = joined.indexOf(this.clearMarker);
      const ends = joined.indexOf(this.marker);
      if (cleared === -1 || (ends !== -1 && ends < cleared)) break;
      this.chunks = [];
      this.size = 0;
      joined = joined.slice(cleared + this.clearMarker.length);
    }
    const at = joined.indexOf(this.marker);
    if (at !== -1) {
      this.keep(joined.slice(0, at));
      this.tail = '';
      this.marker = '';
      const done = this.onMarker;
      this.onMarker = undefined;
      done?.();
      return;
    }
    // Hold back only what could be the start of a marker split across chunks.
    let hold = Math.min(joined.length, Math.max(this.marker.length, this.clearMarker.length) - 1);
    while (hold > 0 && !this.couldStartMarker(joined.slice(joined.length - hold))) hold--;
    this.keep(joined.slice(0, joined.length - hold));
    this.tail = joined.slice(joined.length - hold);
  }

  private couldStartMarker(text: string): boolean {
    return this.marker.startsWith(text) || this.clearMarker.startsWith(text);
  }

  /** The process died: what was held back belongs to the cell, and no marker will come. */
  abandon(): void {
    this.keep(this.tail);
    this.tail = '';
    this.marker = '';
    this.onMarker = undefined;
  }

  private keep(text: string): void {
    if (!text || this.size >= MAX_STREAM_CHARS) return;
    this.size += text.length;
    this.chunks.push(text);
  }
}

export class CellKernel {
  private readonly session: Session;
  private readonly spec: KernelSpec;
  private process?: ChildProcess;
  private readonly queue: Cell[] = [];
  private current?: Cell;
  private readonly out = new CellStream();
  private readonly err = new CellStream();
  private ended = false;
  private onControlDone?: () => void;
  private onControlStarted?: () => void;

  constructor(session: Session, spec: KernelSpec) {
    this.session = session;
    this.spec = spec;
  }

  run(code: string, timeoutS: number): RunHandle {
    let settle!: (outcome: RunOutcome) => void;
    const done = new Promise<RunOutcome>((resolve) => (settle = resolve));
    const cell: Cell = { code, timeoutS, runDir: '', settle };
    this.queue.push(cell);
    void this.pump();
    return {
      kill: (reason: string) => {
        cell.killReason ??= reason;
        if (this.current === cell) this.restart();
        else if (this.queue.includes(cell)) {
          this.queue.splice(this.queue.indexOf(cell), 1);
          cell.settle(failed(`KilledError: execution stopped because the ${reason}`));
        }
      },
      done,
    };
  }

  /** Ends the kernel for good (the session is gone). */
  end(): void {
    this.ended = true;
    for (const cell of this.queue.splice(0)) cell.settle(failed('KilledError: session deleted'));
    this.restart();
  }

  private async pump(): Promise<void> {
    if (this.current || this.ended) return;
    const cell = this.queue.shift();
    if (!cell) return;
    this.current = cell;
    await mkdir(join(this.session.dir, 'runs'), { recursive: true });
    cell.runDir = await mkdtemp(join(this.session.dir, 'runs', 'run-'));
    const cellFile = join(cell.runDir, this.spec.cellFile);
    const resultFile = join(cell.runDir, 'results.jsonl');
    await writeFile(cellFile, cell.code);
    const launch = await this.spec.launch(this.session);
    if (this.current !== cell) return;
    const kernel = this.ensureProcess(launch);
    // No NUL: R cannot write one. The random part keeps user output from ending a cell.
    const marker = `\u001eagentbay-cell-end-${randomBytes(12).toString('hex')}\u001e`;
    const clearMarker = `\u001eagentbay-clear-${randomBytes(12).toString('hex')}\u001e`;
    let pending = 3; // stdout marker, stderr marker, control "done"
    const finish = (): void => {
      if (--pending === 0) void this.complete(cell, resultFile, '');
    };
    this.out.expect(marker, clearMarker, finish);
    this.err.expect(marker, clearMarker, finish);
    cell.started = performance.now();
    this.onControlDone = finish;
    const arm = (ms: number): void => {
      clearTimeout(cell.timer);
      cell.timer = setTimeout(() => {
        cell.killReason = 'timeout';
        this.restart();
      }, ms);
      cell.timer.unref();
    };
    // Until the kernel says it started the cell, allow for a slow start-up; then the real clock.
    arm(cell.timeoutS * 1000 + KERNEL_START_ALLOWANCE_MS);
    this.onControlStarted = () => {
      cell.started = performance.now();
      arm(cell.timeoutS * 1000);
    };
    kernel.stdin!.write(
      `${this.spec.request({ cell: cellFile, resultFile, marker, clearMarker })}\n`,
    );
  }

  private async complete(cell: Cell, resultFile: string, forcedError: string): Promise<void> {
    if (this.current !== cell) return;
    this.current = undefined;
    clearTimeout(cell.timer);
    const executionTime = (performance.now() - (cell.started ?? performance.now())) / 1000;
    const reported = await readRunnerResults(resultFile);
    let executionError = forcedError || reported.error || '';
    if (!forcedError && cell.killReason === 'timeout') {
      executionError = `TimeoutError: Execution timed out after ${cell.timeoutS} seconds`;
    }
    cell.settle({
      stdout: this.out.chunks,
      stderr: this.err.chunks,
      results: reported.bundles,
      executionError,
      executionTime,
      exitCode: executionError ? 1 : 0,
      timedOut: cell.killReason === 'timeout',
    });
    void this.pump();
  }

  private ensureProcess(launch: Launch): ChildProcess {
    if (this.process) return this.process;
    const limited = underFileLimit(this.session.limits.maxFileBytes, launch.command, launch.args);
    const child = spawn(limited.command, limited.args, {
      cwd: this.session.dirs.work,
      env: sessionEnv(this.session.id, launch.env),
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => this.out.push(text));
    child.stderr!.on('data', (text: string) => this.err.push(text));
    child.stdin!.on('error', () => undefined);
    const control = child.stdio[3] as NodeJS.ReadableStream;
    control.setEncoding('utf8');
    let partial = '';
    control.on('data', (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('"started"')) {
          const started = this.onControlStarted;
          this.onControlStarted = undefined;
          started?.();
        }
        if (!line.includes('"done"')) continue;
        const done = this.onControlDone;
        this.onControlDone = undefined;
        done?.();
      }
    });
    // A missing interpreter: answered as the process's end (the cell fails, the server lives).
    let ended = false;
    const onEnd = (code: number | null, signal: string | null, spawnError?: Error): void => {
      if (ended) return;
      ended = true;
      if (this.process === child) this.process = undefined;
      const cell = this.current;
      if (!cell) return;
      const reason =
        cell.killReason === 'timeout'
          ? `TimeoutError: Execution timed out after ${cell.timeoutS} seconds`
          : cell.killReason
            ? `KilledError: execution stopped because the ${cell.killReason}`
            : spawnError
              ? `SpawnError: ${spawnError.message}`
              : signal
                ? `Process killed by signal ${signal}`
                : `Process exited with code ${code ?? -1}`;
      // Give the pipes a moment to deliver what the cell printed before it died.
      setTimeout(() => {
        this.out.abandon();
        this.err.abandon();
        this.onControlDone = undefined;
        this.onControlStarted = undefined;
        void this.complete(cell, join(cell.runDir, 'results.jsonl'), reason);
      }, 50);
    };
    child.once('error', (error) => onEnd(null, null, error));
    child.once('exit', (code, signal) => onEnd(code, signal));
    this.process = child;
    return child;
  }

  /** Kills the kernel and everything it started; the next cell gets a fresh one. */
  private restart(): void {
    const child = this.process;
    if (!child?.pid) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function failed(executionError: string): RunOutcome {
  return {
    stdout: [],
    stderr: [],
    results: [],
    executionError,
    executionTime: 0,
    exitCode: null,
    timedOut: false,
  };
}
