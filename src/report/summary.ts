import type { RunReport } from './run-report.ts';
import { codeBlock, details, escapeHtml, inlineCode, inlineText } from './markdown.ts';
import { shareBudget, truncateMiddle } from './truncate.ts';

/**
 * Characters of sandbox text the summary may hold in all. At up to 3 UTF-8 bytes a
 * character this keeps a step's summary well under GitHub's 1 MiB limit.
 */
export const SUMMARY_TEXT_BUDGET = 250_000;

const LANGUAGE_NAMES = { python: 'Python', javascript: 'JavaScript', r: 'R', java: 'Java' };

/** The job summary for one run, as GitHub-flavoured Markdown. */
export function renderSummary(report: RunReport): string {
  const { result } = report;
  const language = LANGUAGE_NAMES[report.language];
  const origin =
    report.source.kind === 'file' ? ` from ${inlineCode(report.source.path ?? '')}` : '';
  const verdict = result.success
    ? `### ✅ ${language} code${origin} ran successfully`
    : `### ❌ ${language} code${origin} failed: ${inlineText(result.error)}`;

  const blocks = [
    { title: 'Output', text: result.output !== result.stdout ? result.output : '' },
    { title: 'stdout', text: result.stdout },
    { title: 'stderr', text: result.stderr },
    { title: 'Error', text: result.errorDetail || (result.success ? '' : result.error) },
    { title: 'Code', text: report.code },
  ];
  const shares = shareBudget(
    blocks.map((b) => b.text.length),
    SUMMARY_TEXT_BUDGET,
  );
  const cut: string[] = [];
  const sections = blocks.map((block, index) => {
    if (!block.text) return '';
    const fitted = truncateMiddle(
      block.text,
      shares[index] ?? 0,
      'the full text is in the result file',
    );
    if (fitted.truncated) cut.push(block.title);
    const body = codeBlock(fitted.text, block.title === 'Code' ? report.language : '');
    if (block.title === 'Code') {
      const lines = report.code.split('\n').length;
      return details(`Code (${lines} line${lines === 1 ? '' : 's'})`, body);
    }
    if (block.title === 'Error') return `**Error**\n\n${body}`;
    return details(escapeHtml(block.title), body, true);
  });

  const table = [
    '| Language | Run time | Total time | Session | Request id |',
    '| --- | --- | --- | --- | --- |',
    `| ${language} | ${formatSeconds(result.executionTimeS)} | ${formatSeconds(report.wallTimeMs / 1000)} | ${inlineCode(report.sessionId)} | ${inlineCode(report.requestId || '—')} |`,
  ].join('\n');

  const notes: string[] = [];
  if (report.sessionKept) {
    notes.push(
      `> [!NOTE]\n> The session ${inlineCode(report.sessionId)} was kept (\`cleanup: false\`). It stays alive, and billed, until you delete it or its idle timeout ends it.`,
    );
  }
  if (cut.length > 0) {
    notes.push(
      `> [!NOTE]\n> Cut to fit the job summary: ${cut.join(', ')}. The whole result is in the file named by the \`result-file\` output.`,
    );
  }
  if (!result.stdout && !result.stderr && !result.output && result.success) {
    notes.push('_The code printed nothing._');
  }

  return [verdict, table, ...sections.filter(Boolean), ...notes].join('\n\n') + '\n';
}

function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  return seconds < 10 ? `${seconds.toFixed(2)} s` : `${seconds.toFixed(1)} s`;
}
