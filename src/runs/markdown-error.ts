/** A marker that cannot be honoured; the message names the page and the line. */
export class MarkdownBlockError extends Error {
  readonly line: number;
  constructor(page: string, line: number, message: string) {
    super(`${page}:${line}: ${message}`);
    this.name = 'MarkdownBlockError';
    this.line = line;
  }
}
