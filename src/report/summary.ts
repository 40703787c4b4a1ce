import path from 'node:path';
import { printableId } from '../text/printable-id.ts';
import { lineCount, numberedCode } from './excerpt.ts';
import { failureSection, failureText } from './failure-section.ts';
import { renderHtmlTable } from './html-table.ts';
import {
  codeBlock,
  details,
  escapeHtml,
  inlineCode,
  inlineText,
  safeMarkdown,
} from './markdown.ts';
import { resultViews, type ResultView } from './result-views.ts';
import type { RichFile } from './rich-files.ts';
import type { RunReport } from './run-report.ts';
import { fitSummary, shareBudget, truncateMiddle } from './truncate.ts';
import { LANGUAGE_NAMES, verdictLine } from './verdict.ts';

/** Rows of the files table; the `files` output lists them all. */
const MAX_FILE_ROWS = 50;
/** Characters of one plain-text repr shown. */
const MAX_REPR_CHARS = 2_000;
/** The user's Markdown starts at this heading level: below the page's own `###` and `####`. */
const USER_HEADINGS_FROM = 5;

interface Block {
  title: string;
  text: string;
  render: (text: string) => string;
}

/**
 * The job summary for one run, as GitHub-flavoured Markdown. It reads top down as a person
 * wants it: the verdict; on failure the failing line in its context and the traceback a click
 * away; a small table; what the code printed and returned; the files; the code; and the ids
 * for support in a quiet footer. Sandbox text is only ever in code blocks, escaped, rendered
 * through `safeMarkdown`, or rebuilt from the HTML table allowlist.
 */
export function renderSummary(report: RunReport): string {
  const markdown = fitSummary((budget) => renderWithin(report, budget));
  if (markdown !== undefined) return markdown;
  return `${verdictLine(report)}\n\n_The result is too large to show here; it is in the file named by the \`result-file\` output._\n\n${footer(report)}\n`;
}

function renderWithin(report: RunReport, textBudget: number): string {
  const { result } = report;
  const failure = failureText(result);
  const views = resultViews(result.results, report.files, result.output);
  const showOutput =
    result.output !== result.stdout && result.output.trim() !== '' && !views.outputShownRicher;

  const blocks: Block[] = [
    // Fitted here, shown in the failure section.
    { title: failure.title, text: failure.text, render: (t) => t },
    { title: 'Output', text: showOutput ? result.output : '', render: open('Output') },
    { title: 'stdout', text: result.stdout, render: open('stdout') },
    { title: 'stderr', text: failure.fromStderr ? '' : result.stderr, render: open('stderr') },
    ...views.inline.map(viewBlock),
    {
      title: 'Setup output',
      text: report.setupOutput ?? '',
      render: (t) => details('Setup output', codeBlock(t)),
    },
    {
      title: 'Code',
      text: report.code ? numberedCode(report.code) : '',
      render: (t) => {
        const lines = lineCount(report.code);
        return details(
          `Code (${lines} line${lines === 1 ? '' : 's'})`,
          codeBlock(t, report.language),
        );
      },
    },
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
    if (!fitted.truncated) return block.render(fitted.text);
    cut.push(block.title);
    // An HTML table cut in the middle is no table: it is named, not shown.
    return block.title.startsWith('Table')
      ? `#### ${block.title}\n\n_Too large to show here; its HTML is in the files below._`
      : block.render(fitted.text);
  });
  const [traceback = '', ...rest] = sections;
  // The code stays last: it is the least interesting part of a report.
  const code = rest.pop() ?? '';

  const notes: string[] = [];
  if (report.sessionKept) {
    notes.push(
      `> [!NOTE]\n> The session ${inlineCode(printableId(report.sessionId))} was kept (\`cleanup: false\`). It stays alive, and billed, until you delete it or its idle timeout ends it.`,
    );
  }
  if (cut.length > 0) {
    notes.push(
      `> [!NOTE]\n> Cut to fit the job summary: ${cut.map(escapeHtml).join(', ')}. The whole result is in the file named by the \`result-file\` output.`,
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
    [
      verdictLine(report),
      failureSection(report, { title: failure.title, text: traceback }),
      factsTable(report),
      ...rest.filter(Boolean),
      filesSection(report, views.fileLabels),
      code,
      ...notes,
      footer(report),
    ]
      .filter(Boolean)
      .join('\n\n') + '\n'
  );
}

function open(title: string): (text: string) => string {
  return (text) => details(escapeHtml(title), codeBlock(text), true);
}

function viewBlock(view: ResultView): Block {
  const heading = `#### ${escapeHtml(view.label)}\n\n`;
  switch (view.kind) {
    case 'markdown':
      // Its own section, closed off by blank lines: nothing in it reaches what follows.
      return {
        title: view.label,
        text: view.markdown,
        render: (t) => `${heading}${safeMarkdown(t, { headingsFrom: USER_HEADINGS_FROM })}\n`,
      };
    case 'table': {
      const { html, hiddenRows, hiddenColumns } = renderHtmlTable(view.table);
      const hidden = [
        hiddenRows ? `${hiddenRows} more row${hiddenRows === 1 ? '' : 's'}` : '',
        hiddenColumns ? `${hiddenColumns} more column${hiddenColumns === 1 ? '' : 's'}` : '',
      ].filter(Boolean);
      const note = hidden.length ? `\n\n_${hidden.join(' and ')} in the HTML file._` : '';
      // An HTML block ends at a blank line: the table has none, and one follows it.
      return { title: view.label, text: html, render: (t) => `${heading}${t}\n${note}` };
    }
    case 'text': {
      // A repr is for a glance; many long ones would crowd out everything else.
      const { text } = truncateMiddle(
        view.text,
        MAX_REPR_CHARS,
        'the full text is in the result file',
      );
      return { title: view.label, text, render: (t) => `${heading}${codeBlock(t)}` };
    }
  }
}

function factsTable(report: RunReport): string {
  const { result } = report;
  return [
    '| Language | Verdict | Run time | Total time |',
    '| --- | --- | --- | --- |',
    `| ${LANGUAGE_NAMES[report.language]} | ${result.success ? '✅ Passed' : '❌ Failed'} | ${formatSeconds(result.executionTimeS)} | ${formatSeconds(report.wallTimeMs / 1000)} |`,
  ].join('\n');
}

/** Ids for support requests: out of the way, but there. */
function footer(report: RunReport): string {
  const parts = [`Session ${inlineCode(printableId(report.sessionId))}`];
  if (report.requestId) parts.push(`request ${inlineCode(report.requestId)}`);
  return `<sub>${parts.join(' · ')}</sub>`;
}

const KIND_NAMES: Record<string, string> = {
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/gif': 'GIF',
  'image/svg+xml': 'SVG',
  'text/html': 'HTML',
  'text/latex': 'LaTeX',
  'application/json': 'JSON',
  'application/pdf': 'PDF',
  'application/javascript': 'JavaScript',
};

/**
 * The files, never embedded (GitHub strips `data:` images, and their content is the
 * sandbox's): what each is, its size, its name, and where to get it.
 */
function filesSection(report: RunReport, labels: Map<RichFile, string>): string {
  if (report.files.length === 0) return '';
  const lines = [
    '#### Files',
    '',
    '| Result | Kind | Size | File |',
    '| --- | --- | --- | --- |',
    ...report.files
      .slice(0, MAX_FILE_ROWS)
      .map(
        (file) =>
          `| ${escapeHtml(labels.get(file) ?? `Result ${file.result}`)} | ${kindName(file)} | ${sizeOf(file)} | ${fileCell(report, file)} |`,
      ),
  ];
  const more = report.files.length - MAX_FILE_ROWS;
  if (more > 0) lines.push('', `… and ${more} more, listed in the \`files\` output.`);
  lines.push('', artifactLine(report));
  return lines.join('\n');
}

/** The file's name, linked to the artifact that holds it when there is one. */
function fileCell(report: RunReport, file: RichFile): string {
  const name = path.basename(file.path);
  const url = report.artifact?.url;
  return url ? `[${inlineText(name)}](${url})` : inlineCode(name);
}

function artifactLine(report: RunReport): string {
  const { artifact } = report;
  if (!artifact) {
    return 'The files are on the runner, listed in the `files` output; set the `artifact` input to upload them.';
  }
  return artifact.url
    ? `Download them with the result JSON as the artifact [${inlineText(artifact.name)}](${artifact.url}).`
    : `They are in the artifact ${inlineCode(artifact.name)}, with the result JSON.`;
}

function kindName(file: RichFile): string {
  const chart = /^application\/vnd\.(vegalite|vega)\.v\d+\+json$/.exec(file.mimeType);
  if (chart) return chart[1] === 'vegalite' ? 'Vega-Lite chart' : 'Vega chart';
  return KIND_NAMES[file.mimeType] ?? inlineCode(file.mimeType.slice(0, 80));
}

function sizeOf(file: RichFile): string {
  const bytes = formatBytes(file.bytes);
  return file.width && file.height ? `${file.width} × ${file.height}, ${bytes}` : bytes;
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
