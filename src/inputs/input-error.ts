/** A bad input: the message names the input and says what it accepts. */
export class InputError extends Error {
  readonly input: string;
  /** The line of the named file the problem is on, when it is on one (a page's bad marker). */
  readonly line?: number;
  constructor(input: string, message: string, line?: number) {
    super(`Input '${input}' ${message}`);
    this.name = 'InputError';
    this.input = input;
    if (line !== undefined) this.line = line;
  }
}
