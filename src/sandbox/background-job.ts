// Work longer than the gateway's 60 s per request (addendum §6, option 1): a detached process
// in the sandbox with its output and exit status captured to files, polled with short shell
// calls, the session kept alive meanwhile, and the process group killed at the timeout.
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { runShell, shellQuote } from '../agentbay/shell.ts';
import type { ToolCaller } from '../agentbay/tool-caller.ts';
import { clip } from '../text/clip.ts';

export interface JobSpec {
  /** Bash script to run. */
  script: string;
  /** Sandbox working directory. */
  cwd: string;
  envs: Record<string, string>;
  timeoutS: number;
  /**
   * One stream for both (stderr into stdout), for output shown as one text: two files read in
   * one poll cannot tell which line came first.
   */
  mergeStderr?: boolean;
}

export interface JobResult {
  /** Undefined when the job was killed at its timeout. */
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

export interface JobHooks {
  /**
   * New output as it arrives (whole lines, except at the very end); called once more with
   * `final` set (and what is left, perhaps nothing) when the stream has ended.
   */
  onOutput?: (stream: 'stdout' | 'stderr', text: string, final?: boolean) => void;
  pollMs?: number;
  keepAliveMs?: number;
  /** Keeps the whole output up to this many characters per stream. */
  maxKeptChars?: number;
}

/** What a job needs of the client (AgentBayClient has it): the shell tool and the keep-alive. */
export type JobClient = ToolCaller & { refreshIdleTime(sessionId: string): Promise<void> };

/** Bytes of each stream one poll may bring back (base64 keeps the answer under ~63 KB). */
const POLL_CHUNK_BYTES = 20 * 1024;
const DEFAULT_POLL_MS = 2_000;
const DEFAULT_KEEP_ALIVE_MS = 60_000;
const SHELL_CALL_MS = 30_000;

export async function runBackgroundJob(
  client: JobClient,
  sessionId: string,
  spec: JobSpec,
  hooks: JobHooks = {},
): Promise<JobResult> {
  const dir = `/tmp/agentbay-job-${randomBytes(6).toString('hex')}`;
  const q = shellQuote;
  const started = Date.now();
  // The script goes in as base64 text: no quoting can break it, and it is written by the
  // same call that starts it. setsid gives it its own process group to kill at the timeout.
  const script = Buffer.from(spec.script, 'utf8').toString('base64');
  const errTarget = spec.mergeStderr ? '&1' : ' "$0/err"';
  const start = [
    `mkdir -p ${q(dir)}`,
    `printf %s ${q(script)} | base64 -d > ${q(`${dir}/job.sh`)}`,
    `cd ${q(spec.cwd)}`,
    `{ nohup $(command -v setsid) bash -c 'bash "$0/job.sh" > "$0/out" 2>${errTarget} < /dev/null; echo $? > "$0/rc.tmp"; mv "$0/rc.tmp" "$0/rc"' ${q(dir)} > /dev/null 2>&1 & echo $! > ${q(`${dir}/pid`)}; }`,
  ].join(' && ');
  const launched = await runShell(client, sessionId, {
    command: start,
    timeoutMs: SHELL_CALL_MS,
    envs: spec.envs,
  });
  if (!launched.success) {
    throw new Error(
      `could not start the job in the sandbox: ${clip(launched.stderr || launched.errorText || '', 500)}`,
    );
  }

  const streams = {
    stdout: new StreamTail('stdout', hooks),
    stderr: new StreamTail('stderr', hooks),
  };
  const pollMs = hooks.pollMs ?? DEFAULT_POLL_MS;
  const keepAliveMs = hooks.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  let lastKeepAlive = Date.now();
  let timedOut = false;
  let exitCode: number | undefined;
  for (;;) {
    const state = await poll(client, sessionId, dir, streams);
    if (state.rc !== undefined && state.drained) {
      exitCode = state.rc;
      break;
    }
    if (state.rc !== undefined) continue; // more output to read before the end
    if (Date.now() - started >= spec.timeoutS * 1000) {
      timedOut = true;
      await kill(client, sessionId, dir);
      await drain(client, sessionId, dir, streams);
      break;
    }
    if (Date.now() - lastKeepAlive >= keepAliveMs) {
      lastKeepAlive = Date.now();
      await client.refreshIdleTime(sessionId).catch(() => undefined);
    }
    if (state.drained) await sleep(pollMs);
  }
  streams.stdout.end();
  streams.stderr.end();
  return {
    exitCode,
    stdout: streams.stdout.kept,
    stderr: streams.stderr.kept,
    timedOut,
    durationMs: Date.now() - started,
  };
}

/** Reads a stream's file in byte windows and hands on whole lines of text. */
class StreamTail {
  offset = 0;
  kept = '';
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private readonly name: 'stdout' | 'stderr';
  private readonly hooks: JobHooks;

  constructor(name: 'stdout' | 'stderr', hooks: JobHooks) {
    this.name = name;
    this.hooks = hooks;
  }

  push(bytes: Buffer): void {
    this.offset += bytes.length;
    const text = this.decoder.write(bytes);
    const max = this.hooks.maxKeptChars ?? 64 * 1024 * 1024;
    if (this.kept.length < max) {
      this.kept += text.slice(0, max - this.kept.length);
      // Marked as a cut, so that redaction finds a secret the cut went through.
      if (this.kept.length >= max) this.kept += `\n… [only the first ${max} characters are kept]`;
    }
    const lines = this.partial + text;
    const cut = lines.lastIndexOf('\n');
    if (cut === -1) {
      this.partial = lines;
      return;
    }
    this.partial = lines.slice(cut + 1);
    this.hooks.onOutput?.(this.name, lines.slice(0, cut + 1));
  }

  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    this.hooks.onOutput?.(this.name, rest, true);
  }
}

interface PollState {
  rc: number | undefined;
  /** Nothing left unread in either stream; false: a window came back full, read again at once. */
  drained: boolean;
}

async function poll(
  client: JobClient,
  sessionId: string,
  dir: string,
  streams: { stdout: StreamTail; stderr: StreamTail },
): Promise<PollState> {
  const q = shellQuote;
  // rc first, then the windows: output written before the exit is never missed.
  const command = [
    `cd ${q(dir)}`,
    `{ cat rc 2>/dev/null || echo -; }`,
    `{ tail -c +${streams.stdout.offset + 1} out 2>/dev/null | head -c ${POLL_CHUNK_BYTES} | base64 -w0; echo; }`,
    `{ tail -c +${streams.stderr.offset + 1} err 2>/dev/null | head -c ${POLL_CHUNK_BYTES} | base64 -w0; echo; }`,
  ].join(' && ');
  const answer = await runShell(client, sessionId, { command, timeoutMs: SHELL_CALL_MS });
  const [rcLine = '-', outLine = '', errLine = ''] = answer.stdout.split('\n');
  const out = Buffer.from(outLine.trim(), 'base64');
  const err = Buffer.from(errLine.trim(), 'base64');
  streams.stdout.push(out);
  streams.stderr.push(err);
  const rc = /^\d+$/.test(rcLine.trim()) ? Number(rcLine.trim()) : undefined;
  const full = out.length === POLL_CHUNK_BYTES || err.length === POLL_CHUNK_BYTES;
  return { rc, drained: !full };
}

async function drain(
  client: JobClient,
  sessionId: string,
  dir: string,
  streams: { stdout: StreamTail; stderr: StreamTail },
): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const state = await poll(client, sessionId, dir, streams);
    if (state.drained) return;
  }
}

/**
 * TERM, then KILL, to the job's process group and to every process descended from the job
 * (one that called setsid has left the group, not the tree). The tree is read before the
 * first signal: a child whose parent died is no longer found under the job.
 */
async function kill(client: JobClient, sessionId: string, dir: string): Promise<void> {
  await runShell(client, sessionId, {
    command: `root=$(cat ${shellQuote(`${dir}/pid`)}); ${KILL_TREE}`,
    timeoutMs: SHELL_CALL_MS,
  });
}

/** Signals `$root`'s group and its descendants, twice; `ps` lists every process once. */
const KILL_TREE = [
  `tree() { ps -e -o pid=,ppid= | awk -v r="$root" '{p[$1]=$2} END {s[r]=1; do {c=0; for (k in p) if (!(k in s) && (p[k] in s)) {s[k]=1; c=1}} while (c); for (k in s) print k}'; }`,
  'pids=$(tree)',
  'kill -TERM -- -"$root" $pids 2>/dev/null',
  'sleep 1',
  'pids="$pids $(tree)"',
  'kill -KILL -- -"$root" $pids 2>/dev/null',
  'true',
].join('; ');

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
