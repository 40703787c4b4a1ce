import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunReport } from './run-report.ts';

/** A fresh path under RUNNER_TEMP for this step's result (several steps may share a job). */
export function resultFilePath(env: NodeJS.ProcessEnv, sessionId: string): string {
  const dir = path.join(env.RUNNER_TEMP || tmpdir(), 'agentbay-run-code');
  return path.join(dir, `${sessionId.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
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
  };
  writeFileSync(report.resultFile, `${JSON.stringify(document, null, 2)}\n`);
}
