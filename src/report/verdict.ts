import type { Language } from '../runs/language.ts';
import { sourceName } from '../runs/code-source.ts';
import { describeLocation } from '../runs/error-location.ts';
import { inlineCode, inlineText } from './markdown.ts';
import type { BatchEntry, RunReport } from './run-report.ts';

/** Each language as people write it. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  python: 'Python',
  javascript: 'JavaScript',
  r: 'R',
  java: 'Java',
};

/** The one-line verdict, as Markdown: it opens the summary and the pull-request comment. */
export function verdictLine(report: RunReport): string {
  const { result } = report;
  const language = LANGUAGE_NAMES[report.language];
  const origin =
    report.source.kind === 'file' ? ` from ${inlineCode(report.source.path ?? '')}` : '';
  if (result.success) return `### ✅ ${language} code${origin} ran successfully`;
  const where = report.errorLocation ? ` at ${describeLocation(report.errorLocation)}` : '';
  return `### ❌ ${language} code${origin} failed${where}: ${inlineText(result.error)}`;
}

/** How one run of a batch ended. */
export type RunVerdictKind = 'passed' | 'failed' | 'skipped' | 'not-run';

/** A run's verdict, as every report of a batch says it (`text` is the word, `icon` its mark). */
export interface RunVerdict {
  kind: RunVerdictKind;
  text: string;
  icon: string;
}

const RUN_VERDICTS: Record<RunVerdictKind, RunVerdict> = {
  passed: { kind: 'passed', text: 'passed', icon: '✅' },
  failed: { kind: 'failed', text: 'failed', icon: '❌' },
  skipped: { kind: 'skipped', text: 'skipped', icon: '⏭️' },
  'not-run': { kind: 'not-run', text: 'not run', icon: '⏹️' },
};

/**
 * The verdict of one run of a batch: skipped (a Markdown block marked skip) and not run (what
 * it depended on failed or is gone) come before the result, which says passed or failed.
 */
export function runVerdict(entry: BatchEntry): RunVerdict {
  if (entry.skipped) return RUN_VERDICTS.skipped;
  if (entry.notRun) return RUN_VERDICTS['not-run'];
  return RUN_VERDICTS[entry.report.result.success ? 'passed' : 'failed'];
}

/**
 * A run's line in the log: its name, language and verdict, with the error of one that failed
 * or the reason one did not run. The error is the sandbox's text: print it fenced.
 */
export function runLogLine(entry: BatchEntry): string {
  const { report } = entry;
  const verdict = runVerdict(entry);
  const said =
    verdict.kind === 'failed'
      ? `failed: ${report.result.error}`
      : verdict.kind === 'not-run'
        ? report.result.error || verdict.text
        : verdict.text;
  return `${sourceName(report.source)} (${LANGUAGE_NAMES[report.language]}): ${said}`;
}

/**
 * A failure in one line that says where: the run's name, `joint`, the error; a notebook cell's
 * error names its place already.
 */
export function failureHeadline(report: RunReport, joint = ': '): string {
  return report.source.cell !== undefined
    ? report.result.error
    : `${sourceName(report.source)}${joint}${report.result.error}`;
}
