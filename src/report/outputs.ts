import * as core from '@actions/core';
import type { RunReport } from './run-report.ts';
import { shareBudget, truncateMiddle } from './truncate.ts';

/** The step outputs for one run, text outputs cut to share `maxOutputBytes` (UTF-16 bytes). */
export function buildOutputs(report: RunReport, maxOutputBytes: number): Record<string, string> {
  const { result } = report;
  const texts = {
    output: result.output,
    stdout: result.stdout,
    stderr: result.stderr,
    error: result.error,
  };
  const names = Object.keys(texts) as Array<keyof typeof texts>;
  const shares = shareBudget(
    names.map((name) => texts[name].length),
    Math.floor(maxOutputBytes / 2),
  );
  let truncated = false;
  const files = filesOutput(
    report.files,
    report.downloads?.files ?? [],
    Math.floor(maxOutputBytes / 2),
  );
  const outputs: Record<string, string> = {};
  names.forEach((name, index) => {
    const fitted = truncateMiddle(
      texts[name],
      shares[index] ?? 0,
      `the full text is in ${report.resultFile}`,
    );
    truncated ||= fitted.truncated;
    outputs[name] = fitted.text;
  });
  return {
    success: String(result.success),
    ...outputs,
    'execution-time': result.executionTimeS === undefined ? '' : String(result.executionTimeS),
    'session-id': report.sessionId,
    'request-id': report.requestId,
    'result-file': report.resultFile,
    truncated: String(truncated || files.truncated),
    files: files.json,
    'artifact-url': report.artifact?.url ?? '',
    'download-dir': report.downloads?.dir ?? '',
  };
}

/** A file fetched with `download`: its type is not known. */
export const DOWNLOAD_MIME_TYPE = 'application/octet-stream';

/**
 * The `files` output, for one run or a batch: a JSON array of as many whole entries as fit in
 * `maxChars`, the downloads last (the result files list them all). The sandbox chooses how
 * many results there are and how long their type names are.
 */
export function filesOutput(
  files: ReadonlyArray<{ path: string; mimeType: string }>,
  downloads: readonly string[],
  maxChars: number,
): { json: string; truncated: boolean } {
  const entries: string[] = [];
  let length = 2;
  const all = [...files, ...downloads.map((path) => ({ path, mimeType: DOWNLOAD_MIME_TYPE }))];
  for (const file of all) {
    const entry = JSON.stringify({ path: file.path, mimeType: file.mimeType });
    if (length + entry.length + 1 > maxChars) {
      return { json: `[${entries.join(',')}]`, truncated: true };
    }
    entries.push(entry);
    length += entry.length + 1;
  }
  return { json: `[${entries.join(',')}]`, truncated: false };
}

/** The outputs of a step that failed before the code could give a result. */
export function failureOutputs(message: string): Record<string, string> {
  return { success: 'false', error: message };
}

/** The one place the step's outputs are set. */
export function setOutputs(outputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
}
