import { codeBlock, details, inlineCode } from './markdown.ts';
import type { RunReport } from './run-report.ts';
import { verdictLine } from './verdict.ts';
import { truncateMiddle } from './truncate.ts';

/** A pull-request comment is read at a glance: the details are in the run. */
export const COMMENT_TEXT_LIMIT = 3_000;

/** The hidden line that tells this step's comment apart, so a re-run updates it. */
export function commentMarker(stepId: string): string {
  return `<!-- agentbay-run-code:${stepId.replace(/[^A-Za-z0-9._-]/g, '_')} -->`;
}

/**
 * The body of the step's pull-request comment: the verdict, where to read more, and a short
 * excerpt of what matters most (the error on failure, else the output), in a code block.
 */
export function renderComment(
  report: RunReport,
  options: { stepId: string; runUrl: string },
): string {
  const { result } = report;
  const excerpt = result.success
    ? { title: 'Output', text: result.output || result.stdout }
    : { title: 'Error', text: result.errorDetail || result.stderr || result.error };
  const fitted = truncateMiddle(excerpt.text, COMMENT_TEXT_LIMIT, 'the full text is in the run');

  const facts = [`step ${inlineCode(options.stepId)}`];
  if (result.executionTimeS !== undefined) facts.push(`ran ${result.executionTimeS.toFixed(2)} s`);
  if (report.files.length > 0) {
    facts.push(`${report.files.length} rich result file${report.files.length === 1 ? '' : 's'}`);
  }
  const links: string[] = [];
  if (options.runUrl) links.push(`[workflow run](${options.runUrl})`);
  if (report.artifact?.url) links.push(`[artifact](${report.artifact.url})`);

  const body = [
    commentMarker(options.stepId),
    verdictLine(report),
    `<sub>${[...facts, ...links].join(' · ')}</sub>`,
    fitted.text.trim() ? details(excerpt.title, codeBlock(fitted.text), true) : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return `${body}\n`;
}
