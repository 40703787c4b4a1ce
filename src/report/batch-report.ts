// Reporting for a batch (several runs in one step): the outputs, the summary with one table
// and a collapsed section per run (failures first), and the index result file.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sourceName } from '../runs/code-source.ts';
import { describeLocation } from '../runs/error-location.ts';
import { failureSection, failureText, type FailureText } from './failure-section.ts';
import { filesOutput, setOutputs } from './outputs.ts';
import { codeBlock, details, escapeHtml, inlineCode, inlineText } from './markdown.ts';
import type { ArtifactLink, BatchEntry, RunReport } from './run-report.ts';

export type { BatchEntry };
import { fitSummary, shareBudget, truncateMiddle } from './truncate.ts';
import { failureHeadline, LANGUAGE_NAMES, runVerdict } from './verdict.ts';

/** The files `download` brought back from every session of the batch. */
export interface BatchDownloads {
  /** '' without `download`. */
  dir: string;
  files: string[];
}

/** What `setup` printed in one session (numbered from 1 in the order they were created). */
export interface SessionSetup {
  ordinal: number;
  output: string;
}

/** A file written for the whole batch rather than one run (an executed notebook). */
export interface BatchFile {
  path: string;
  mimeType: string;
}

/** A file's path; a Markdown block as `page.md:line`; a notebook cell as `nb.ipynb cell 3`. */
export function runName(report: RunReport): string {
  return sourceName(report.source);
}

export function batchCounts(entries: readonly BatchEntry[]): {
  passed: number;
  failed: number;
  skipped: number;
  notRun: number;
} {
  const counts = { passed: 0, failed: 0, skipped: 0, notRun: 0 };
  for (const entry of entries) {
    const { kind } = runVerdict(entry);
    counts[kind === 'not-run' ? 'notRun' : kind]++;
  }
  return counts;
}

/** A run that ran and failed (one not run is reported as such, not counted as a failure). */
export function isFailure(entry: BatchEntry): boolean {
  return runVerdict(entry).kind === 'failed';
}

/**
 * The step outputs: `results` holds every run, its texts sharing half of `maxOutputBytes`
 * (UTF-16 bytes, as for a single run) so the whole step stays inside the budget.
 */
export function buildBatchOutputs(
  entries: readonly BatchEntry[],
  maxOutputBytes: number,
  indexFile: string,
  batchFiles: readonly BatchFile[] = [],
  downloads: BatchDownloads = { dir: '', files: [] },
  artifactUrl = '',
  /** `shard K of N`: each run of `results` says which shard ran it. */
  shard = '',
): Record<string, string> {
  const { passed, failed } = batchCounts(entries);
  const texts = entries.flatMap((e) => [e.report.result.output, e.report.result.error]);
  // Room for the JSON around the texts: names, flags and escapes.
  const overhead = entries.reduce((n, e) => n + runName(e.report).length * 2 + 200, 0);
  const shares = shareBudget(
    texts.map((t) => t.length),
    Math.max(0, Math.floor(maxOutputBytes / 2 / 2) - overhead),
  );
  let anyTruncated = false;
  const results = entries.map((entry, i) => {
    const { result } = entry.report;
    const note = `the full text is in ${entry.report.resultFile}`;
    const output = truncateMiddle(result.output, shares[2 * i] ?? 0, note);
    const error = truncateMiddle(result.error, shares[2 * i + 1] ?? 0, note);
    const truncated = output.truncated || error.truncated;
    anyTruncated ||= truncated;
    return {
      source: runName(entry.report),
      language: entry.report.language,
      success: result.success,
      skipped: entry.skipped === true,
      notRun: entry.notRun === true,
      output: output.text,
      error: error.text,
      executionTime: result.executionTimeS ?? null,
      truncated,
      ...(shard ? { shard } : {}),
    };
  });
  // Every run may bring rich files and every session a thousand downloads: as many whole
  // entries as fit (the index result file and each run's result file list them all).
  const files = filesOutput(
    [...batchFiles, ...entries.flatMap((e) => e.report.files)],
    downloads.files,
    Math.floor(maxOutputBytes / 8),
  );
  const firstFailure = entries.find(isFailure);
  const firstError = firstFailure
    ? truncateMiddle(
        failureHeadline(firstFailure.report),
        Math.floor(maxOutputBytes / 8),
        `the full text is in ${firstFailure.report.resultFile}`,
      ).text
    : '';
  return {
    success: String(failed === 0),
    passed: String(passed),
    failed: String(failed),
    results: JSON.stringify(results),
    error: firstError,
    'session-id': entries.find((e) => e.report.sessionId)?.report.sessionId ?? '',
    'result-file': indexFile,
    truncated: String(anyTruncated || files.truncated),
    files: files.json,
    'download-dir': downloads.dir,
    'artifact-url': artifactUrl,
  };
}

/** Sets the batch's outputs (the one place they are set). */
export function setBatchOutputs(
  entries: readonly BatchEntry[],
  maxOutputBytes: number,
  indexFile: string,
  batchFiles: readonly BatchFile[] = [],
  downloads?: BatchDownloads,
  artifactUrl?: string,
  shard?: string,
): void {
  setOutputs(
    buildBatchOutputs(
      entries,
      maxOutputBytes,
      indexFile,
      batchFiles,
      downloads,
      artifactUrl,
      shard,
    ),
  );
}

/** The batch's result file: each run's place, verdict and own full result file. */
export function writeBatchIndex(
  file: string,
  entries: readonly BatchEntry[],
  batchFiles: readonly BatchFile[] = [],
  sessions: ReadonlyArray<{ session: number; sessionId: string; downloadDir: string }> = [],
): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const document = {
    ...batchCounts(entries),
    files: batchFiles,
    sessions,
    runs: entries.map((e) => ({
      source: runName(e.report),
      language: e.report.language,
      success: e.report.result.success,
      skipped: e.skipped === true,
      notRun: e.notRun === true,
      error: e.report.result.error,
      sessionId: e.report.sessionId,
      requestId: e.report.requestId,
      durationMs: e.durationMs,
      resultFile: e.report.resultFile,
    })),
  };
  writeFileSync(file, JSON.stringify(document, null, 2) + '\n');
}

/**
 * The job summary: a verdict, a table of every run, then a collapsed section per run with
 * failures first. Sandbox text only ever appears escaped or inside code blocks.
 */
export function renderBatchSummary(
  entries: readonly BatchEntry[],
  wallTimeMs: number,
  setups: readonly SessionSetup[] = [],
  artifact?: ArtifactLink,
): string {
  const markdown = fitSummary((budget) =>
    renderWithin(entries, wallTimeMs, budget, setups, artifact),
  );
  if (markdown !== undefined) return markdown;
  return `${heading(entries, wallTimeMs)}\n\n_The results are too large to show here; they are in the file named by the \`result-file\` output._\n`;
}

/** One run as a row of the batch's table; its name is the only text from the workspace. */
export function tableRow(entry: BatchEntry): string {
  const { report } = entry;
  const { icon, text } = runVerdict(entry);
  return `| ${inlineCode(runName(report))} | ${LANGUAGE_NAMES[report.language]} | ${icon} ${text} | ${seconds(entry.durationMs)} |`;
}

export const TABLE_HEADER = [
  '| Run | Language | Verdict | Duration |',
  '| --- | --- | --- | --- |',
];

/** The verdict line of a batch: counts and wall time. */
export function heading(entries: readonly BatchEntry[], wallTimeMs: number): string {
  const { passed, failed, skipped, notRun } = batchCounts(entries);
  const icon = failed === 0 ? '✅' : '❌';
  const what = `${entries.length} run${entries.length === 1 ? '' : 's'}`;
  const skips = skipped > 0 ? `, ${skipped} skipped` : '';
  const unrun = notRun > 0 ? `, ${notRun} not run` : '';
  return `### ${icon} ${what}: ${passed} passed, ${failed} failed${skips}${unrun} (${seconds(wallTimeMs)})`;
}

function renderWithin(
  entries: readonly BatchEntry[],
  wallTimeMs: number,
  budget: number,
  setups: readonly SessionSetup[],
  artifact: ArtifactLink | undefined,
): string {
  // Failures first; runs that never ran have nothing to show beyond the table.
  const ordered = entries
    .filter((e) => !e.notRun)
    .sort((a, b) => Number(a.report.result.success) - Number(b.report.result.success));
  const texts = ordered.map(sectionTexts);
  const shares = shareBudget(
    [...texts.flatMap((t) => t.texts), ...setups.map((s) => s.output)].map((t) => t.length),
    budget,
  );
  let share = 0;
  const fit = (text: string, note: string): string =>
    truncateMiddle(text, shares[share++] ?? 0, note).text;
  const sections = ordered.map((entry, i) => {
    const { failure } = texts[i]!;
    const fitted = texts[i]!.texts.map((t) => fit(t, 'the full text is in the result file'));
    return runSection(entry, failure, fitted, failure !== undefined && i === 0);
  });
  const setupSections = setups.map((setup) => {
    const name =
      setups.length > 1 || setup.ordinal > 1 ? `Setup (session ${setup.ordinal})` : 'Setup';
    const output = fit(setup.output, 'the full output is in the job log');
    return details(name, setup.output ? codeBlock(output) : '_No output._', false);
  });
  return [
    heading(entries, wallTimeMs),
    '',
    ...(artifact?.url
      ? [
          `Every run's result file and files are in the artifact [${inlineCode(artifact.name)}](${artifact.url}).`,
          '',
        ]
      : []),
    ...TABLE_HEADER,
    ...entries.map(tableRow),
    '',
    ...sections.flatMap((s) => [s, '']),
    ...setupSections.flatMap((s) => [s, '']),
  ].join('\n');
}

/**
 * The texts of a run's section that share the summary's budget: a failure's traceback (as the
 * failure section shows it), stdout, and stderr unless the traceback is it.
 */
function sectionTexts(entry: BatchEntry): { failure: FailureText | undefined; texts: string[] } {
  const { result } = entry.report;
  const failure = isFailure(entry) ? failureText(result) : undefined;
  return {
    failure,
    texts: [failure?.text ?? '', result.stdout, failure?.fromStderr ? '' : result.stderr],
  };
}

/**
 * One run, collapsed under its verdict. A failed run's error is stated once, then the failure
 * section a single run's summary has; then what the run printed.
 */
function runSection(
  entry: BatchEntry,
  failure: FailureText | undefined,
  [traceback = '', stdout = '', stderr = '']: readonly string[],
  open: boolean,
): string {
  const { report } = entry;
  const verdict = runVerdict(entry);
  const where =
    failure && report.errorLocation ? ` at ${describeLocation(report.errorLocation)}` : '';
  const title = `${verdict.icon} ${escapeHtml(runName(report))} ${verdict.text}${escapeHtml(where)}`;
  const parts = failure
    ? [
        `**Error:** ${inlineText(report.result.error)}`,
        failureSection(report, { title: failure.title, text: traceback }),
      ]
    : [];
  if (stdout) parts.push(`**stdout**\n\n${codeBlock(stdout)}`);
  if (stderr) parts.push(`**stderr**\n\n${codeBlock(stderr)}`);
  const body = parts.filter(Boolean).join('\n\n');
  return details(title, body || '_No output._', open);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
