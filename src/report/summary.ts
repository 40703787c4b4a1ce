import path from 'node:path';
import { printableId } from '../printable-id.ts';
import type { ResultItem } from '../agentbay/run-code-result.ts';
import {
  codeBlock,
  details,
  escapeHtml,
  inlineCode,
  inlineText,
  safeMarkdown,
} from './markdown.ts';
import { isChart, type RichFile } from './rich-files.ts';
import type { RunReport } from './run-report.ts';
import { LANGUAGE_NAMES, verdictLine } from './verdict.ts';
import { shareBudget, truncateMiddle } from './truncate.ts';

/**
 * Characters of sandbox text the summary may hold in all. At up to 3 UTF-8 bytes a
 * character this keeps a step's summary well under GitHub's 1 MiB limit.
 */
export const SUMMARY_TEXT_BUDGET = 250_000;
/** GitHub drops a step summary over 1 MiB whole; this leaves room for other writers. */
export const SUMMARY_MAX_BYTES = 900 * 1024;
/** Rows of the rich-results table; the `files` output lists them all. */
const MAX_FILE_ROWS = 50;

interface Block {
  title: string;
  text: string;
  kind: 'open' | 'error' | 'code' | 'markdown' | 'plain';
}

/**
 * The job summary for one run, as GitHub-flavoured Markdown: the verdict, a small table,
 * then output, errors and rich results. Sandbox text is only ever in code blocks, escaped,
 * or (for `text/markdown` results) passed through `safeMarkdown`.
 */
export function renderSummary(report: RunReport): string {
  // Escaping can make text several times longer, so the size is checked on what was written.
  for (let budget = SUMMARY_TEXT_BUDGET; budget >= 1_000; budget = Math.floor(budget / 4)) {
    const markdown = renderWithin(report, budget);
    if (Buffer.byteLength(markdown) <= SUMMARY_MAX_BYTES) return markdown;
  }
  return `${verdictLine(report)}\n\n_The result is too large to show here; it is in the file named by the \`result-file\` output._\n`;
}

function renderWithin(report: RunReport, textBudget: number): string {
  const { result } = report;
  const language = LANGUAGE_NAMES[report.language];

  const blocks: Block[] = [
    { title: 'Output', text: result.output !== result.stdout ? result.output : '', kind: 'open' },
    { title: 'stdout', text: result.stdout, kind: 'open' },
    { title: 'stderr', text: result.stderr, kind: 'open' },
    {
      title: 'Error',
      text: result.errorDetail || (result.success ? '' : result.error),
      kind: 'error',
    },
    ...resultBlocks(result.results, result.output),
    { title: 'Code', text: report.code, kind: 'code' },
  ];
  const shares = shareBudget(
    blocks.map((b) => b.text.length),
    textBudget,
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
    switch (block.kind) {
      case 'markdown':
        // Its own section, closed off by blank lines: nothing in it reaches what follows.
        return `#### ${escapeHtml(block.title)}\n\n${safeMarkdown(fitted.text)}\n`;
      case 'plain':
        return `#### ${escapeHtml(block.title)}\n\n${codeBlock(fitted.text)}`;
      case 'error':
        return `**Error**\n\n${codeBlock(fitted.text)}`;
      case 'code': {
        const lines = report.code.split('\n').length;
        return details(
          `Code (${lines} line${lines === 1 ? '' : 's'})`,
          codeBlock(fitted.text, report.language),
        );
      }
      case 'open':
        return details(escapeHtml(block.title), codeBlock(fitted.text), true);
    }
  });
  // The code stays last: it is the least interesting part of a report.
  const code = sections.pop() ?? '';

  const table = [
    '| Language | Run time | Total time | Session | Request id |',
    '| --- | --- | --- | --- | --- |',
    `| ${language} | ${formatSeconds(result.executionTimeS)} | ${formatSeconds(report.wallTimeMs / 1000)} | ${inlineCode(printableId(report.sessionId))} | ${inlineCode(report.requestId || '—')} |`,
  ].join('\n');

  const notes: string[] = [];
  if (report.sessionKept) {
    notes.push(
      `> [!NOTE]\n> The session ${inlineCode(printableId(report.sessionId))} was kept (\`cleanup: false\`). It stays alive, and billed, until you delete it or its idle timeout ends it.`,
    );
  }
  if (cut.length > 0) {
    notes.push(
      `> [!NOTE]\n> Cut to fit the job summary: ${cut.join(', ')}. The whole result is in the file named by the \`result-file\` output.`,
    );
  }
  if (
    !result.stdout &&
    !result.stderr &&
    !result.output &&
    result.success &&
    !report.files.length
  ) {
    notes.push('_The code printed nothing._');
  }

  return (
    [verdictLine(report), table, ...sections.filter(Boolean), filesSection(report), code, ...notes]
      .filter(Boolean)
      .join('\n\n') + '\n'
  );
}

/**
 * Results beyond the main output: Markdown to render, and results that are plain text only
 * (the first of those is already the Output block). Other kinds are files, listed apart.
 */
function resultBlocks(results: ResultItem[], shownOutput: string): Block[] {
  const blocks: Block[] = [];
  let outputShown = false;
  results.forEach((item, index) => {
    const markdown = item.data['text/markdown'];
    if (typeof markdown === 'string' && markdown.trim()) {
      blocks.push({ title: `Markdown result ${index + 1}`, text: markdown, kind: 'markdown' });
      return;
    }
    const plain = item.data['text/plain'];
    const onlyText = Object.keys(item.data).every((mime) => mime === 'text/plain');
    if (!onlyText || typeof plain !== 'string') return;
    if (!outputShown && plain === shownOutput) {
      outputShown = true;
      return;
    }
    blocks.push({ title: `Result ${index + 1}`, text: plain, kind: 'plain' });
  });
  return blocks;
}

const KIND_NAMES: Record<string, string> = {
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
  'image/gif': 'GIF image',
  'image/svg+xml': 'SVG image',
  'text/html': 'HTML',
  'text/latex': 'LaTeX',
  'application/json': 'JSON',
  'application/pdf': 'PDF',
  'application/javascript': 'JavaScript',
};

/** The files, by name and kind (never embedded: their content is the sandbox's), and the artifact. */
function filesSection(report: RunReport): string {
  if (report.files.length === 0 && !report.artifact) return '';
  const lines = ['#### Rich results'];
  if (report.files.length > 0) {
    lines.push(
      '',
      '| Result | Kind | File | Size |',
      '| --- | --- | --- | --- |',
      ...report.files
        .slice(0, MAX_FILE_ROWS)
        .map(
          (file) =>
            `| ${file.result} | ${kindName(file)} | ${inlineCode(path.basename(file.path))} | ${formatBytes(file.bytes)} |`,
        ),
    );
    const more = report.files.length - MAX_FILE_ROWS;
    if (more > 0) lines.push('', `… and ${more} more, listed in the \`files\` output.`);
  }
  lines.push('', artifactLine(report));
  return lines.join('\n');
}

function artifactLine(report: RunReport): string {
  const { artifact } = report;
  if (!artifact) {
    return 'The files are on the runner, listed in the `files` output; set the `artifact` input to upload them.';
  }
  const name = inlineCode(artifact.name);
  return artifact.url
    ? `Download them with the result JSON as the artifact [${inlineText(artifact.name)}](${artifact.url}).`
    : `They are in the artifact ${name}, with the result JSON.`;
}

function kindName(file: RichFile): string {
  if (isChart(file.mimeType)) {
    return file.mimeType.includes('vegalite') ? 'Vega-Lite chart' : 'Vega chart';
  }
  return KIND_NAMES[file.mimeType] ?? inlineCode(file.mimeType.slice(0, 80));
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  return seconds < 10 ? `${seconds.toFixed(2)} s` : `${seconds.toFixed(1)} s`;
}
