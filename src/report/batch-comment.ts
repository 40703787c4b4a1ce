// The pull-request comment of a batch: the verdict, the table of runs (failures first, as
// many as a comment shows at a glance), links, and the first failure's error collapsed.
import { commentMarker, COMMENT_TEXT_LIMIT } from './comment.ts';
import { codeBlock, details, escapeHtml } from './markdown.ts';
import { failureHeadline } from './verdict.ts';
import { heading, isFailure, TABLE_HEADER, tableRow, type BatchEntry } from './batch-report.ts';
import { truncateMiddle } from './truncate.ts';

/** Rows of the table a comment shows; the summary of the run has them all. */
export const COMMENT_MAX_ROWS = 30;

export function renderBatchComment(
  entries: readonly BatchEntry[],
  wallTimeMs: number,
  options: { stepId: string; runUrl: string; artifactUrl?: string },
): string {
  // Failures first, then the order of the batch.
  const ordered = [...entries.filter(isFailure), ...entries.filter((e) => !isFailure(e))];
  const shown = ordered.slice(0, COMMENT_MAX_ROWS);
  const more = ordered.length - shown.length;
  const links = [`step \`${options.stepId.replace(/`/g, '')}\``];
  if (options.runUrl) links.push(`[workflow run](${options.runUrl})`);
  if (options.artifactUrl) links.push(`[artifact](${options.artifactUrl})`);
  const first = entries.find(isFailure);
  let excerpt = '';
  if (first) {
    const { result } = first.report;
    const text = truncateMiddle(
      result.errorDetail || result.stderr || result.error,
      COMMENT_TEXT_LIMIT,
      'the full text is in the run',
    ).text;
    const headline = failureHeadline(first.report).split('\n')[0] ?? '';
    excerpt = details(escapeHtml(truncateMiddle(headline, 300, 'cut').text), codeBlock(text), true);
  }
  const body = [
    commentMarker(options.stepId),
    heading(entries, wallTimeMs),
    `<sub>${links.join(' · ')}</sub>`,
    [...TABLE_HEADER, ...shown.map(tableRow)].join('\n'),
    more > 0 ? `_… and ${more} more run${more === 1 ? '' : 's'}: see the workflow run._` : '',
    excerpt,
  ]
    .filter(Boolean)
    .join('\n\n');
  return `${body}\n`;
}
