/** Source code shown to people: numbered lines, and the line that failed among its neighbours. */

/** Lines of code as a person counts them: a final newline ends the last line, it adds none. */
export function lineCount(code: string): number {
  if (code === '') return 0;
  const lines = code.split('\n').length;
  return code.endsWith('\n') ? lines - 1 : lines;
}

/** Every line, numbered (`  9 | …`, ` 10 | …`), for a code block. */
export function numberedCode(code: string): string {
  const lines = code.split('\n');
  if (code.endsWith('\n')) lines.pop();
  const width = String(lines.length).length;
  return lines.map((text, i) => `${String(i + 1).padStart(width)} | ${text}`).join('\n');
}

/** A minified line is no context: past this, a line is cut. */
const MAX_LINE = 300;

function clip(line: string): string {
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)} …` : line;
}

/** Lines shown on each side of the failing one. */
export const CONTEXT_LINES = 2;

/**
 * The failing line with `context` lines on each side, numbered, the failing one marked with
 * `>` and, when the column is known, a caret under it. `line` counts from the code's first
 * line; the numbers shown count from `firstLine` (a Markdown block's lines as its page's).
 */
export function excerpt(
  code: string,
  line: number,
  column?: number,
  context = CONTEXT_LINES,
  firstLine = 1,
  /** The number to show for each line, when they do not follow on (a block joined by `cont`). */
  numbers?: readonly number[],
) {
  const lines = code.split('\n');
  const first = Math.max(1, line - context);
  const last = Math.max(line, Math.min(lineCount(code), line + context));
  const shown = (n: number) => numbers?.[n - 1] ?? n + firstLine - 1;
  const width = String(shown(last)).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    out.push(
      `${n === line ? '>' : ' '} ${String(shown(n)).padStart(width)} | ${clip(lines[n - 1] ?? '')}`,
    );
    if (n === line && column !== undefined && column >= 1 && column <= MAX_LINE) {
      out.push(`  ${' '.repeat(width)} | ${' '.repeat(column - 1)}^`);
    }
  }
  return out.join('\n');
}
