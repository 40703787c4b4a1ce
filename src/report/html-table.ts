/**
 * A table from untrusted HTML (a DataFrame's `_repr_html_`, say), rebuilt from an allowlist
 * so that it can be shown inline in the job summary. Nothing of the input's markup is passed
 * through: the HTML is read into plain data (rows of cells of text) and a new table is
 * written from that data, with only `table`, `caption`, `thead`, `tbody`, `tfoot`, `tr`,
 * `th`, `td` and the numeric `colspan`/`rowspan`. Scripts, styles, attributes, links, images
 * and every other element are dropped (their text kept, where it is text). Character
 * references are kept as written (never decoded, so no text appears in a form the action
 * itself produced); a bare `&`, `<` or `>` is escaped.
 */

export interface TableCell {
  header: boolean;
  /** Safe HTML text: character references only, no markup. */
  html: string;
  colspan?: number;
  rowspan?: number;
}

export interface HtmlTable {
  caption?: string;
  head: TableCell[][];
  body: TableCell[][];
  foot: TableCell[][];
}

export interface TableLimits {
  /** Body rows written; the rest are counted. */
  rows: number;
  /** Cells written per row. */
  columns: number;
  /** Characters of text per cell (and caption). */
  cellText: number;
}

export const TABLE_LIMITS: TableLimits = { rows: 50, columns: 30, cellText: 200 };

/** Past this, the HTML is not read at all: a summary is no place for it. */
export const MAX_TABLE_HTML = 2 * 1024 * 1024;

/** Elements whose content is not text to show: dropped with everything inside. */
const DROPPED_WITH_CONTENT = new Set([
  'script',
  'style',
  'template',
  'textarea',
  'title',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'noscript',
  'object',
  'svg',
  'math',
  'select',
]);

/** Inline breaks become a space in a cell's text. */
const BREAKS = new Set(['br', 'p', 'div', 'li', 'hr']);

/** A well-formed character reference: kept as written. */
const CHARACTER_REFERENCE = /^&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});/;

type Token =
  | { kind: 'text'; text: string }
  | { kind: 'open'; name: string; attributes: string }
  | { kind: 'close'; name: string };

/**
 * The first table of `html`, as data, or undefined when there is none with a row. Reading is
 * linear in the input; malformed markup (unclosed tags and quotes, stray `<`) cannot make
 * the output malformed, because the output is written from the data.
 */
export function parseHtmlTable(html: string): HtmlTable | undefined {
  if (html.length > MAX_TABLE_HTML) return undefined;
  const reading: Reading = { table: { head: [], body: [], foot: [] }, section: 'body' };
  let depth = 0; // tables open, ours being the outermost
  let skipping: string | undefined;
  for (const token of tokens(html)) {
    if (skipping) {
      if (token.kind === 'close' && token.name === skipping) skipping = undefined;
      continue;
    }
    if (token.kind === 'text') {
      if (depth === 0) continue;
      if (reading.cell) reading.cell.html += token.text;
      else if (reading.caption !== undefined) reading.caption += token.text;
      continue;
    }
    const { name } = token;
    if (token.kind === 'open' && DROPPED_WITH_CONTENT.has(name)) {
      skipping = name;
      continue;
    }
    if (name === 'table') {
      if (token.kind === 'open') {
        // A table inside a cell is read as that cell's text.
        if (depth > 0 && reading.cell) reading.cell.html += ' ';
        depth++;
      } else if (depth > 0) {
        depth--;
        if (depth === 0) break;
      }
      continue;
    }
    if (depth === 0) continue;
    if (depth > 1) {
      if (reading.cell && (name === 'td' || name === 'th' || name === 'tr' || BREAKS.has(name))) {
        reading.cell.html += ' ';
      }
      continue;
    }
    if (token.kind === 'open') openTag(reading, name, token.attributes);
    else closeTag(reading, name);
  }
  endRow(reading);
  const { table } = reading;
  if (!table.caption) delete table.caption;
  const rows = table.head.length + table.body.length + table.foot.length;
  return rows > 0 ? table : undefined;
}

/** Where reading the table has got to. */
interface Reading {
  table: HtmlTable;
  section: 'head' | 'body' | 'foot';
  row?: TableCell[];
  cell?: TableCell;
  /** Inside `caption`: its text so far. */
  caption?: string;
}

function endCell(reading: Reading): void {
  const { cell, row } = reading;
  if (cell && row) row.push({ ...cell, html: squeeze(cell.html) });
  reading.cell = undefined;
}

function endRow(reading: Reading): void {
  endCell(reading);
  if (reading.row && reading.row.length > 0) reading.table[reading.section].push(reading.row);
  reading.row = undefined;
}

/** An opening tag of our table (not of one nested in a cell). */
function openTag(reading: Reading, name: string, attributes: string): void {
  switch (name) {
    case 'caption':
      reading.caption = reading.caption ?? '';
      break;
    case 'thead':
    case 'tbody':
    case 'tfoot':
      endRow(reading);
      reading.section = name === 'thead' ? 'head' : name === 'tfoot' ? 'foot' : 'body';
      break;
    case 'tr':
      endRow(reading);
      reading.row = [];
      break;
    case 'td':
    case 'th':
      endCell(reading);
      reading.row = reading.row ?? [];
      reading.cell = { header: name === 'th', html: '', ...spans(attributes) };
      break;
    default:
      if (reading.cell && BREAKS.has(name)) reading.cell.html += ' ';
  }
}

/** A closing tag of our table (not of one nested in a cell). */
function closeTag(reading: Reading, name: string): void {
  switch (name) {
    case 'caption':
      if (reading.caption !== undefined) reading.table.caption = squeeze(reading.caption);
      reading.caption = undefined;
      break;
    case 'td':
    case 'th':
      endCell(reading);
      break;
    case 'tr':
      endRow(reading);
      break;
    case 'thead':
    case 'tbody':
    case 'tfoot':
      endRow(reading);
      reading.section = 'body';
      break;
    default:
      if (reading.cell && BREAKS.has(name)) reading.cell.html += ' ';
  }
}

/**
 * The table as HTML of our own making, on lines with no blank one between them (a blank line
 * would end the HTML block in Markdown), cut to `limits`. `hiddenRows` counts body rows left out.
 */
export function renderHtmlTable(
  table: HtmlTable,
  limits: TableLimits = TABLE_LIMITS,
): { html: string; hiddenRows: number; hiddenColumns: number } {
  const lines = ['<table>'];
  if (table.caption) lines.push(`<caption>${cut(table.caption, limits.cellText)}</caption>`);
  let hiddenColumns = 0;
  const rowsOf = (rows: TableCell[][]) =>
    rows.map((cells) => {
      hiddenColumns = Math.max(hiddenColumns, cells.length - limits.columns);
      const written = cells.slice(0, limits.columns).map((cell) => {
        const tag = cell.header ? 'th' : 'td';
        const span =
          (cell.colspan ? ` colspan="${cell.colspan}"` : '') +
          (cell.rowspan ? ` rowspan="${cell.rowspan}"` : '');
        return `<${tag}${span}>${cut(cell.html, limits.cellText)}</${tag}>`;
      });
      return `<tr>${written.join('')}</tr>`;
    });
  const shownBody = table.body.slice(0, limits.rows);
  for (const [tag, rows] of [
    ['thead', table.head],
    ['tbody', shownBody],
    ['tfoot', table.foot],
  ] as const) {
    if (rows.length === 0) continue;
    lines.push(`<${tag}>`, ...rowsOf(rows), `</${tag}>`);
  }
  lines.push('</table>');
  return {
    html: lines.join('\n'),
    hiddenRows: table.body.length - shownBody.length,
    hiddenColumns: Math.max(0, hiddenColumns),
  };
}

/** colspan/rowspan when they are plain small numbers; anything else is dropped. */
function spans(attributes: string): Pick<TableCell, 'colspan' | 'rowspan'> {
  const found: Pick<TableCell, 'colspan' | 'rowspan'> = {};
  for (const name of ['colspan', 'rowspan'] as const) {
    const match = new RegExp(
      `(?:^|\\s)${name}\\s*=\\s*(?:"(\\d{1,3})"|'(\\d{1,3})'|(\\d{1,3})(?=[\\s/]|$))`,
      'i',
    ).exec(attributes);
    const value = match ? Number(match[1] ?? match[2] ?? match[3]) : NaN;
    if (value >= 2 && value <= 100) found[name] = value;
  }
  return found;
}

/** Runs of white space (newlines included) become one space: the output has no blank lines. */
function squeeze(html: string): string {
  return html.replace(/\s+/g, ' ').trim();
}

/** At most `limit` characters, never ending inside a character reference. */
function cut(html: string, limit: number): string {
  if (html.length <= limit) return html;
  let end = limit;
  const amp = html.lastIndexOf('&', end);
  if (amp >= 0 && amp > end - 40 && html.indexOf(';', amp) >= end) end = amp;
  return `${html.slice(0, end)}…`;
}

/** Text as it may appear in our HTML: references kept, bare `&`, `<`, `>` and `"` escaped. */
function safeText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '&') {
      const reference = CHARACTER_REFERENCE.exec(text.slice(i, i + 40));
      if (reference) {
        out += reference[0];
        i += reference[0].length - 1;
      } else {
        out += '&amp;';
      }
    } else if (c === '<') out += '&lt;';
    else if (c === '>') out += '&gt;';
    else if (c === '"') out += '&quot;';
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(c)) out += '\uFFFD';
    else out += c;
  }
  return out;
}

/**
 * Tags and text, in one pass. A `<` that starts no tag is text; a tag whose `>` never comes
 * (an unclosed quote, say) ends the input, so no position is scanned twice.
 */
function* tokens(html: string): Generator<Token> {
  let i = 0;
  let text = '';
  const flush = function* (): Generator<Token> {
    if (text) yield { kind: 'text', text: safeText(text) };
    text = '';
  };
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      text += html.slice(i);
      break;
    }
    text += html.slice(i, lt);
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      if (end < 0) break;
      i = end + 3;
      continue;
    }
    const name = /^<(\/?)([A-Za-z][A-Za-z0-9-]*)/.exec(html.slice(lt, lt + 64));
    if (!name && html[lt + 1] === '!') {
      // A doctype or CDATA-like declaration: skipped to its `>`.
      const end = html.indexOf('>', lt);
      if (end < 0) break;
      i = end + 1;
      continue;
    }
    if (!name) {
      text += '<';
      i = lt + 1;
      continue;
    }
    const end = tagEnd(html, lt + name[0].length);
    if (end < 0) break;
    yield* flush();
    const tag = name[2]!.toLowerCase();
    if (name[1]) yield { kind: 'close', name: tag };
    else yield { kind: 'open', name: tag, attributes: html.slice(lt + name[0].length, end) };
    i = end + 1;
  }
  yield* flush();
}

/** The index of the `>` that ends a tag, quotes respected, or -1. */
function tagEnd(html: string, from: number): number {
  let quote = '';
  for (let i = from; i < html.length; i++) {
    const c = html[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return i;
    }
  }
  return -1;
}
