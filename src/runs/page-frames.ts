// A Markdown block's Python traceback in the page's terms: the frames of the block's code
// (`File "<cell>", line 2`, `Cell In[3], line 2`) name the page and its line, so the numbers
// a reader sees are the ones in the file they will open.

const BLOCK_FRAME =
  /File "(?:<cell>|<string>|<ipython-input-[^"]*>|<stdin>)", line (\d+)|Cell In\s*\[\d*\], line (\d+)/g;

/**
 * `text` with every frame of the block's code renamed to `page`, its line `onPage(line)`;
 * frames past the block's `lineCount` lines (code the service wrapped around it) are left.
 */
export function tracebackOnPage(
  text: string,
  page: string,
  lineCount: number,
  onPage: (line: number) => number,
): string {
  return text.replace(BLOCK_FRAME, (frame, a: string | undefined, b: string | undefined) => {
    const line = Number(a ?? b);
    if (!Number.isInteger(line) || line < 1 || line > lineCount) return frame;
    return `File "${page}", line ${onPage(line)}`;
  });
}
