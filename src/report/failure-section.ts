// The failure section of a run: the same in a single run's summary and in each failed run's
// section of a batch's. The failing line among its numbered neighbours, linked to the file at
// the commit, then the traceback a click away. The error's headline is not in it: what stands
// above it (the verdict) says it, once.
import type { CodeRunResult } from '../runs/result.ts';
import { sourceName } from '../runs/code-source.ts';
import type { ErrorLocation } from '../runs/error-location.ts';
import { CONTEXT_LINES, excerpt } from './excerpt.ts';
import { codeBlock, details, inlineCode, inlineText } from './markdown.ts';
import type { ReportedCode, RunReport } from './run-report.ts';

/** The error's full text as the failure section shows it, and what it is called there. */
export interface FailureText {
  title: string;
  text: string;
  /** The text is stderr (the traceback is only there): stderr is not shown again. */
  fromStderr: boolean;
}

/**
 * The error's full text, shown once, collapsed: the traceback the service gave, or stderr when
 * the traceback is only there. The headline is the verdict's, so its line is left out here.
 */
export function failureText(result: CodeRunResult): FailureText {
  if (result.success) return { title: 'Traceback', text: '', fromStderr: false };
  const detail = result.errorDetail.trim();
  const fromStderr = !detail || result.stderr.includes(detail);
  const text = fromStderr ? result.stderr : result.errorDetail;
  const headline = result.error.trim();
  const without = headline
    ? text
        .split('\n')
        .filter((line) => line.trim() !== headline)
        .join('\n')
    : text;
  return {
    title: fromStderr ? 'stderr, with the traceback' : 'Traceback',
    text: without.trim() ? without : '',
    fromStderr: fromStderr && result.stderr !== '',
  };
}

/**
 * A failed run's section: the failing line in its context, then `traceback` (the text of
 * `failureText`, cut to the caller's budget) collapsed. '' for a run that passed.
 */
export function failureSection(
  report: RunReport,
  traceback: Pick<FailureText, 'title' | 'text'>,
): string {
  if (report.result.success) return '';
  return [
    failingLine(report, report.errorLocation, report.sourceUrl),
    traceback.text ? details(traceback.title, codeBlock(traceback.text)) : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

/**
 * The line `location` points at among its numbered neighbours, under a title that names it
 * and links to it when `sourceUrl` (the file at the commit) is known. A Markdown block's
 * location is a line of its page, and its lines are numbered as the page's; a notebook cell's
 * are the cell's own. A page line outside the block (its expected output, its fence) is named
 * and linked, with no code to show.
 */
export function failingLine(
  code: ReportedCode,
  location: ErrorLocation | undefined,
  sourceUrl = '',
): string {
  if (!location) return '';
  const { source } = code;
  const file = source.kind === 'file' ? source.path : undefined;
  const inCell = source.cell !== undefined;
  const label = `${inCell ? sourceName(source) : file}, line ${location.line}`;
  let title: string;
  if (file && sourceUrl) {
    // GitHub renders Markdown and notebooks: line anchors need the plain view, and a cell's
    // lines are not the .ipynb file's, so a cell links to its notebook.
    const anchor = inCell ? '' : `${source.fenceLine ? '?plain=1' : ''}#L${location.line}`;
    title = `[${inlineText(label)}](${sourceUrl}${anchor})`;
  } else if (file) {
    title = `${inlineCode(inCell ? sourceName(source) : file)}, line ${location.line}`;
  } else {
    title = `Line ${location.line} of the code`;
  }
  const before = source.fenceLine ?? 0;
  const line = location.line - before;
  // The bound error locations use: one past a final newline is the end of the code.
  if (line < 1 || line > code.code.split('\n').length) return title;
  return `${title}:\n\n${codeBlock(excerpt(code.code, line, location.column, CONTEXT_LINES, before + 1))}`;
}
