import type { Language } from '../agentbay/language.ts';
import { describeLocation } from '../runs/error-location.ts';
import { inlineCode, inlineText } from './markdown.ts';
import type { RunReport } from './run-report.ts';

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
