import { createHash } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { RunReport } from './run-report.ts';

/** A fresh path under the runner's temp directory for this step's result (several steps may share a job). */
export function resultFilePath(runnerTemp: string, sessionId: string): string {
  const dir = path.join(runnerTemp, 'agentbay-run-code');
  // The id is the service's: only safe characters, and short enough for any file system.
  let name = sessionId.replace(/[^A-Za-z0-9_-]/g, '_');
  if (name.length > 100 || name !== sessionId) {
    const digest = createHash('sha256').update(sessionId).digest('hex').slice(0, 12);
    name = `${name.slice(0, 80)}-${digest}`;
  }
  return path.join(dir, `${name}.json`);
}

/** Where the files fetched with `download` go: beside the result file, inside the artifact's root. */
export function downloadDir(resultFile: string): string {
  return resultFile.replace(/\.json$/, '') + '-download';
}

/** The whole parsed result, nothing cut: outputs and the summary have size limits, files do not. */
export async function writeResultFile(report: RunReport): Promise<void> {
  await mkdir(path.dirname(report.resultFile), { recursive: true });
  const { result } = report;
  const document = {
    success: result.success,
    language: report.language,
    source: report.source,
    sessionId: report.sessionId,
    requestId: report.requestId,
    ...outputField(report),
    stdout: result.stdout,
    stderr: result.stderr,
    error: result.error,
    errorDetail: result.errorDetail,
    toolError: result.toolError,
    executionTimeS: result.executionTimeS ?? null,
    executionCount: result.executionCount ?? null,
    wallTimeMs: report.wallTimeMs,
    results: result.results,
    files: report.files.map((f) => ({ path: f.path, mimeType: f.mimeType, result: f.result })),
    errorLocation: report.errorLocation ?? null,
    payloadFormat: result.format,
    traceId: result.traceId || null,
  };
  const file = await open(report.resultFile, 'w');
  try {
    const writer = new WriteAhead(file);
    for (const piece of jsonPieces(document)) await writer.write(piece);
    await writer.write('\n');
    await writer.finish();
  } finally {
    await file.close();
  }
}

/** Bytes gathered into one write, and writes the disk may have in hand at once. */
const WRITE_BYTES = 512 * 1024;
const WRITES_AHEAD = 3;

/**
 * Writes pieces in order, each batch at its own offset through Node's thread pool: the disk
 * takes a large stdout while the next pieces are escaped, instead of after (BENCHMARKS.md).
 * The text is encoded into a few buffers used in turn, so writing 100 MB allocates nothing.
 */
class WriteAhead {
  private readonly file: FileHandle;
  private readonly buffers = Array.from({ length: WRITES_AHEAD + 1 }, () =>
    Buffer.allocUnsafe(WRITE_BYTES),
  );
  /** The write of each buffer still in hand. */
  private readonly inHand: Array<Promise<void> | undefined> = [];
  private current = 0;
  private filled = 0;
  private position = 0;
  private failure: { error: unknown } | undefined;

  constructor(file: FileHandle) {
    this.file = file;
  }

  async write(text: string): Promise<void> {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8; the exact count only when it matters.
    const bytes = text.length * 3 <= WRITE_BYTES ? text.length * 3 : Buffer.byteLength(text);
    if (this.filled + bytes > WRITE_BYTES) await this.flush();
    if (bytes > WRITE_BYTES) {
      // Rare (a long run of characters that need escaping): a buffer of its own, written now.
      const own = Buffer.from(text, 'utf8');
      await this.send(own, own.length);
      return;
    }
    this.filled += this.buffers[this.current]!.write(text, this.filled, 'utf8');
  }

  async finish(): Promise<void> {
    await this.flush();
    await Promise.all(this.inHand);
    if (this.failure) throw this.failure.error;
  }

  /** Sends the current buffer and waits until the next one is free again. */
  private async flush(): Promise<void> {
    if (this.failure) throw this.failure.error;
    if (this.filled > 0) {
      this.inHand[this.current] = this.send(this.buffers[this.current]!, this.filled);
      this.current = (this.current + 1) % this.buffers.length;
      this.filled = 0;
    }
    await this.inHand[this.current];
    this.inHand[this.current] = undefined;
  }

  private send(buffer: Buffer, length: number): Promise<void> {
    const position = this.position;
    this.position += length;
    return this.writeAll(buffer.subarray(0, length), position).catch((error: unknown) => {
      this.failure ??= { error };
    });
  }

  /** A write may take less than asked (a full disk, a signal): the rest goes after it. */
  private async writeAll(bytes: Buffer, position: number): Promise<void> {
    for (let done = 0; done < bytes.length;) {
      const { bytesWritten } = await this.file.write(
        bytes,
        done,
        bytes.length - done,
        position + done,
      );
      if (bytesWritten === 0) throw new Error('the result file could not be written');
      done += bytesWritten;
    }
  }
}

/**
 * The `output` text is always stdout or a result's text/plain, and the file holds those
 * already: it says where (a JSON Pointer) instead of storing up to 100 MB a second time.
 */
function outputField(report: RunReport): { output: string } | { outputPointer: string } {
  const { result } = report;
  const index = result.results.findIndex((item) => item.data['text/plain'] === result.output);
  if (index >= 0) return { outputPointer: `/results/${index}/data/text~1plain` };
  if (result.output === result.stdout) return { outputPointer: '/stdout' };
  return { output: result.output };
}

/**
 * Above this, a string is written in pieces rather than escaped into one copy of itself.
 * Small enough that each escaped piece is a young object, freed at once: megabyte pieces
 * would pile up as garbage in V8's large-object space, a second copy of a large stdout.
 */
const PIECE = 32 * 1024;

/**
 * The longest run, from `lastIndex`, of characters JSON.stringify leaves as they are (all but
 * quotes, backslashes, controls and surrogates). One sticky scan over a 100 MB stdout costs
 * about half of testing each piece for a character that needs escaping.
 */
// eslint-disable-next-line no-control-regex
const PLAIN_RUN = /[^"\\\u0000-\u001f\ud800-\udfff]*/y;

/** A long string, as a JSON string in pieces: plain runs as they are, the rest escaped. */
function* longStringPieces(value: string): Generator<string> {
  yield '"';
  for (let i = 0; i < value.length;) {
    PLAIN_RUN.lastIndex = i;
    PLAIN_RUN.test(value);
    const plainEnd = PLAIN_RUN.lastIndex;
    for (; i < plainEnd; i += PIECE) yield value.slice(i, Math.min(plainEnd, i + PIECE));
    if (plainEnd === value.length) break;
    // A piece that needs escaping. A surrogate pair split at its end becomes two \u
    // escapes, which decode back to the pair.
    const piece = value.slice(plainEnd, plainEnd + PIECE);
    yield JSON.stringify(piece).slice(1, -1);
    i = plainEnd + piece.length;
  }
  yield '"';
}

/**
 * JSON.stringify(value, null, 2), in pieces: the sandbox may print tens of megabytes, and one
 * serialised copy of the whole document would double the action's memory for nothing.
 * Indented, so that a person can read the file.
 */
export function* jsonPieces(value: unknown, indent = ''): Generator<string> {
  if (typeof value === 'string' && value.length > PIECE) {
    yield* longStringPieces(value);
  } else if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    const inner = `${indent}  `;
    yield '[';
    for (let index = 0; index < value.length; index++) {
      yield `${index > 0 ? ',' : ''}\n${inner}`;
      yield* jsonPieces(value[index] ?? null, inner);
    }
    yield `\n${indent}]`;
  } else if (value !== null && typeof value === 'object') {
    const inner = `${indent}  `;
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
      yield* jsonPieces(item, inner);
      first = false;
    }
    yield first ? '{}' : `\n${indent}}`;
  } else {
    yield JSON.stringify(value) ?? 'null';
  }
}
