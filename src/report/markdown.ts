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
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  const info = language.replace(/[^A-Za-z0-9+#-]/g, '');
  return `${fence}${info}\n${body.endsWith('\n') ? body : `${body}\n`}${fence}`;
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
