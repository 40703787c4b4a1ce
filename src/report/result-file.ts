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
    output: result.output,
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

/** Above this, a string is written in pieces rather than escaped into one copy of itself. */
const PIECE = 1024 * 1024;

/**
 * JSON.stringify, written out piece by piece: the sandbox may print tens of megabytes, and
 * one serialised copy of the whole document would double the action's memory for nothing.
 */
export function writeJson(value: unknown, write: (text: string) => void): void {
  if (typeof value === 'string' && value.length > PIECE) {
    write('"');
    // A surrogate pair split between pieces becomes two \u escapes, which decode back to it.
    for (let i = 0; i < value.length; i += PIECE) {
      write(JSON.stringify(value.slice(i, i + PIECE)).slice(1, -1));
    }
    write('"');
  } else if (Array.isArray(value)) {
    write('[');
    value.forEach((item, index) => {
      if (index > 0) write(',');
      writeJson(item ?? null, write);
    });
    write(']');
  } else if (value !== null && typeof value === 'object') {
    write('{');
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      write(`${first ? '' : ','}\n${JSON.stringify(key)}: `);
      writeJson(item, write);
      first = false;
    }
    write('}');
  } else {
    write(JSON.stringify(value) ?? 'null');
  }
}
