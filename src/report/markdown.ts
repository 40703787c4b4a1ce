/**
 * Escaping for untrusted text (sandbox output, error messages) placed into GitHub-flavoured
 * Markdown. Nothing that passes through here can become HTML, a link, a mention, or break
 * out of the block it is placed in.
 */

/** Characters with a meaning in Markdown or HTML, as numeric entities. */
const INLINE_SPECIALS = /[&<>"'`*_[\]()#!|~\\{}+\-.:@=^$]/g;

/** For a paragraph or a table cell: one line, every special character neutralised. */
export function inlineText(text: string): string {
  return normalise(text)
    .replace(/\n+/g, ' ')
    .replace(INLINE_SPECIALS, (c) => `&#${c.charCodeAt(0)};`);
}

/** An inline code span that shows `text` literally (used for ids and names). */
export function inlineCode(text: string): string {
  return `<code>${inlineText(text)}</code>`;
}

/**
 * A fenced code block that `text` cannot close: the fence is longer than any run of
 * backticks inside it. Text in a code block is shown as is, never rendered.
 */
export function codeBlock(text: string, language = ''): string {
  const body = normalise(text);
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
  const info = language.replace(/[^A-Za-z0-9+#-]/g, '');
  return `${fence}${info}\n${body.endsWith('\n') ? body : `${body}\n`}${fence}`;
}

/** The longest run of `char` in `text`, counted without building a list of the runs. */
function longestRun(text: string, char: string): number {
  let longest = 0;
  for (let at = text.indexOf(char); at !== -1;) {
    let end = at + 1;
    while (text[end] === char) end++;
    longest = Math.max(longest, end - at);
    at = text.indexOf(char, end);
  }
  return longest;
}

/** A collapsed section; `summaryHtml` must already be safe (built with `escapeHtml`). */
export function details(summaryHtml: string, bodyMarkdown: string, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${summaryHtml}</summary>\n\n${bodyMarkdown}\n\n</details>`;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Line ends to \n, NUL and other C0 controls (but tab) out: they have no place in a page. */
function normalise(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\uFFFD')
  );
}

/**
 * `](` or `]:` not followed on its line by a destination that starts `http(s)://` or `#`. Those
 * are kept as links: a scheme written out in full cannot be changed by entities or escapes.
 */
const UNSAFE_LINK = /\]([(:])(?!\s*(?:https?:\/\/|#))/gi;
const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;
/** A heading, also inside quotes and list items (`> # Title`, `- # Title`). */
const ATX_HEADING =
  /^((?: {0,3}(?:>[ \t]?|(?:[-*+]|\d{1,9}[.)])[ \t]+))*) {0,3}(#{1,6})(?=[ \t]|$)/;
const SETEXT_UNDERLINE = /^((?: {0,3}>[ \t]?)*) {0,3}(=+|-+)[ \t]*$/;
/** A line that continues or starts a plain paragraph (not a list item, quote, table or block). */
const PARAGRAPH_LINE = /^ {0,3}(?![-*+][ \t]|\d{1,9}[.)][ \t]|>|\||#|[-_*]{3,}[ \t]*$|[`~]{3})\S/;

/**
 * Sandbox Markdown (a `text/markdown` result), made fit to render in our own page. With
 * `headingsFrom`, its headings start at that level (`#` becomes `#####` with 5), so that
 * they never outrank the page's own. It keeps
 * what Markdown is for (headings, lists, emphasis, tables, code, http(s) links) and drops
 * what could act on the reader or on the page: raw HTML and autolinks (`<` is escaped),
 * images (they would load from wherever the code pointed), links to any scheme other than
 * http(s), and mentions.
 *
 * Fenced code is lifted out and written again as our own fence at the left margin, longer
 * than any backtick run inside: where a renderer would have ended the sandbox's fence (a
 * list or quote closing around it, a stray closing line) no longer matters, because only our
 * fence reaches the renderer. Every other line is escaped, so nothing can spill out.
 */
export function safeMarkdown(text: string, options: { headingsFrom?: number } = {}): string {
  const from = Math.min(6, Math.max(1, options.headingsFrom ?? 1));
  const level = (n: number) => '#'.repeat(Math.min(6, n + from - 1));
  const out: string[] = [];
  // Where the paragraph being written started in `out`, for a setext underline under it.
  let paragraph = -1;
  let fence: { char: string; length: number; info: string; lines: string[] } | undefined;
  for (const line of normalise(text).split('\n')) {
    if (!fence && from > 1) {
      const setext = SETEXT_UNDERLINE.exec(line);
      if (setext && !setext[1] && paragraph >= 0) {
        // `Title` over `===`: one heading, written as an ATX heading of the demoted level.
        const title = out.splice(paragraph).join(' ');
        out.push(`${level(setext[2]!.startsWith('=') ? 1 : 2)} ${title}`);
        paragraph = -1;
        continue;
      }
      if (setext && (setext[2]!.startsWith('=') || (out.at(-1) ?? '').trim())) {
        // An underline under something else (a quote, a list item): text, never a heading.
        const at = setext[1]!.length + setext[0].slice(setext[1]!.length).search(/[=-]/);
        out.push(`${line.slice(0, at)}&#${line.charCodeAt(at)};${line.slice(at + 1)}`);
        paragraph = -1;
        continue;
      }
      const atx = ATX_HEADING.exec(line);
      if (atx) {
        const [whole, containers, hashes] = atx;
        out.push(containers + level(hashes!.length) + sanitizeLine(line.slice(whole.length)));
        paragraph = -1;
        continue;
      }
      if (!line.trim() || !PARAGRAPH_LINE.test(line)) paragraph = -1;
      else if (paragraph < 0) paragraph = out.length;
    }
    if (fence) {
      // CommonMark allows only spaces and tabs after a closing fence, not any white space.
      const close = new RegExp(`^ {0,3}\\${fence.char}{${fence.length},}[ \\t]*$`);
      if (close.test(line)) {
        out.push(codeBlock(fence.lines.join('\n'), fence.info));
        fence = undefined;
      } else {
        fence.lines.push(line);
      }
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    // A backtick fence's info string cannot hold a backtick; otherwise it is no fence.
    if (open && !(open[2]!.startsWith('`') && open[3]!.includes('`'))) {
      paragraph = -1;
      const info = open[3]!.trim().split(/\s/)[0] ?? '';
      fence = { char: open[2]![0]!, length: open[2]!.length, info, lines: [] };
      continue;
    }
    out.push(sanitizeLine(line));
  }
  if (fence) out.push(codeBlock(fence.lines.join('\n'), fence.info));
  return out.join('\n');
}

/** One line of prose: code spans closed on the line become safe <code>; the rest is neutralised. */
function sanitizeLine(line: string): string {
  let result = '';
  let rest = line;
  for (;;) {
    const open = /`+/.exec(rest);
    if (!open) break;
    const ticks = open[0];
    const after = rest.slice(open.index + ticks.length);
    const close = new RegExp(`(?<!\`)${ticks}(?!\`)`).exec(after);
    if (!close) {
      // No closing run on this line: literal backticks, so no span can reach other lines.
      result += sanitizeProse(rest.slice(0, open.index)) + '&#96;'.repeat(ticks.length);
      rest = after;
      continue;
    }
    result += sanitizeProse(rest.slice(0, open.index));
    result += inlineCode(after.slice(0, close.index).replace(/^ (.*) $/, '$1'));
    rest = after.slice(close.index + ticks.length);
  }
  return result + sanitizeProse(rest);
}

function sanitizeProse(text: string): string {
  return (
    text
      .replace(/</g, '&lt;')
      .replace(/!(?=\[)/g, '&#33;')
      .replace(/@/g, '&#64;')
      // An inline link or a reference definition to anything but http(s) stays text.
      .replace(UNSAFE_LINK, (_match, mark: string) => `]&#${mark.charCodeAt(0)};`)
  );
}
