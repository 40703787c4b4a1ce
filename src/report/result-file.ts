import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunReport } from './run-report.ts';

/** A fresh path under RUNNER_TEMP for this step's result (several steps may share a job). */
export function resultFilePath(env: NodeJS.ProcessEnv, sessionId: string): string {
  const dir = path.join(env.RUNNER_TEMP || tmpdir(), 'agentbay-run-code');
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
export function writeResultFile(report: RunReport): void {
  mkdirSync(path.dirname(report.resultFile), { recursive: true });
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
  const fd = openSync(report.resultFile, 'w');
  try {
    writeJson(document, (text) => writeSync(fd, text));
    writeSync(fd, '\n');
  } finally {
    closeSync(fd);
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

/** A long string, written as a JSON string in pieces: plain runs as they are, the rest escaped. */
function writeLongString(value: string, write: (text: string) => void): void {
  write('"');
  for (let i = 0; i < value.length;) {
    PLAIN_RUN.lastIndex = i;
    PLAIN_RUN.test(value);
    const plainEnd = PLAIN_RUN.lastIndex;
    for (; i < plainEnd; i += PIECE) write(value.slice(i, Math.min(plainEnd, i + PIECE)));
    if (plainEnd === value.length) break;
    // A piece that needs escaping. A surrogate pair split at its end becomes two \u
    // escapes, which decode back to the pair.
    const piece = value.slice(plainEnd, plainEnd + PIECE);
    write(JSON.stringify(piece).slice(1, -1));
    i = plainEnd + piece.length;
  }
  write('"');
}

/**
 * JSON.stringify(value, null, 2), written out piece by piece: the sandbox may print tens of
 * megabytes, and one serialised copy of the whole document would double the action's memory
 * for nothing. Indented, so that a person can read the file.
 */
export function writeJson(value: unknown, write: (text: string) => void, indent = ''): void {
  if (typeof value === 'string' && value.length > PIECE) {
    writeLongString(value, write);
  } else if (Array.isArray(value)) {
    if (value.length === 0) return write('[]');
    const inner = `${indent}  `;
    write('[');
    value.forEach((item, index) => {
      write(`${index > 0 ? ',' : ''}\n${inner}`);
      writeJson(item ?? null, write, inner);
    });
    write(`\n${indent}]`);
  } else if (value !== null && typeof value === 'object') {
    const inner = `${indent}  `;
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      write(`${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `);
      writeJson(item, write, inner);
      first = false;
    }
    write(first ? '{}' : `\n${indent}}`);
  } else {
    write(JSON.stringify(value) ?? 'null');
  }
}
