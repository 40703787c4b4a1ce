import type { ResultItem } from '../runs/result.ts';
import { parseHtmlTable, type HtmlTable } from './html-table.ts';
import { isChart, type RichFile } from './rich-files.ts';

/** How one result is shown in the summary, numbered per kind from 1 ("Table 2", "Image 1"). */
export type ResultView =
  | { kind: 'markdown'; label: string; markdown: string }
  | { kind: 'table'; label: string; table: HtmlTable }
  | { kind: 'text'; label: string; text: string };

export interface ResultViews {
  /** What is shown inline, in the order of the results. */
  inline: ResultView[];
  /** The label of each rich file ("Image 1", "Table 1" for the HTML of a table shown above). */
  fileLabels: Map<RichFile, string>;
  /** The main output's result is shown richer (a table, an image): its text adds nothing. */
  outputShownRicher: boolean;
}

const FILE_KINDS: Record<string, string> = {
  'image/png': 'Image',
  'image/jpeg': 'Image',
  'image/gif': 'Image',
  'image/svg+xml': 'Image',
  'text/html': 'HTML',
  'text/latex': 'LaTeX',
  'application/json': 'JSON',
  'application/pdf': 'PDF',
  'application/javascript': 'JavaScript',
};

/** IPython's repr of an object that has no better one: it tells a reader nothing. */
const DEFAULT_REPR = /^<[\w.]+ object(?: at 0x[0-9a-fA-F]+)?>$/;

/**
 * Decides how each result is shown: Markdown rendered, an HTML table rebuilt from the
 * allowlist, and a plain-text repr when nothing richer is shown for that result (not an
 * image, a chart, a table or Markdown) and it says something. `shownOutput` is the main
 * output, shown on its own already: the first result with that text is not repeated.
 */
export function resultViews(
  results: ResultItem[],
  files: RichFile[],
  shownOutput: string,
): ResultViews {
  const counts = new Map<string, number>();
  const next = (kind: string) => {
    const n = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, n);
    return `${kind} ${n}`;
  };
  const inline: ResultView[] = [];
  const fileLabels = new Map<RichFile, string>();
  const filesOf = new Map<number, RichFile[]>();
  for (const file of files) {
    const list = filesOf.get(file.result);
    if (list) list.push(file);
    else filesOf.set(file.result, [file]);
  }
  let outputSkipped = false;
  let outputShownRicher = false;

  results.forEach((item, index) => {
    const ownFiles = filesOf.get(index + 1) ?? [];
    let richerShown = false;

    const markdown = item.data['text/markdown'];
    if (typeof markdown === 'string' && markdown.trim()) {
      inline.push({ kind: 'markdown', label: next('Markdown'), markdown });
      richerShown = true;
    }
    const html = item.data['text/html'];
    const table = !richerShown && typeof html === 'string' ? parseHtmlTable(html) : undefined;
    let tableLabel: string | undefined;
    if (table) {
      tableLabel = next('Table');
      inline.push({ kind: 'table', label: tableLabel, table });
      richerShown = true;
    }
    for (const file of ownFiles) {
      if (file.mimeType === 'text/html' && tableLabel) {
        fileLabels.set(file, tableLabel);
        continue;
      }
      const kind = isChart(file.mimeType) ? 'Chart' : (FILE_KINDS[file.mimeType] ?? 'File');
      if (kind === 'Image' || kind === 'Chart') richerShown = true;
      fileLabels.set(file, next(kind));
    }

    const plain = item.data['text/plain'];
    if (!outputSkipped && typeof plain === 'string' && plain === shownOutput) {
      outputSkipped = true;
      outputShownRicher = richerShown;
      return;
    }
    if (richerShown || typeof plain !== 'string' || !plain.trim()) return;
    if (DEFAULT_REPR.test(plain.trim())) return;
    inline.push({ kind: 'text', label: next('Result'), text: plain });
  });
  return { inline, fileLabels, outputShownRicher };
}
