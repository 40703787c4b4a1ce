import type { Language } from './language.ts';

/** Where in the user's code a failure happened, as 1-based line (and column when known). */
export interface ErrorLocation {
  line: number;
  column?: number;
  /** Outer frames of the user's code that led there, innermost first, for context. */
  calledFrom: number[];
}

/**
 * How each language names the user's code in its error output. The local server compiles
 * Python as `<cell>`; the real service may use IPython's `Cell In[N], line M` or `<string>`,
 * older IPython `<ipython-input-N-…>`.
 */
const PYTHON_FRAME =
  /(?:File "(?:<cell>|<string>|<ipython-input-[^"]*>|<stdin>)", line (\d+)|Cell In\s*\[\d*\], line (\d+))/g;
// eslint-disable-next-line no-control-regex
const ANSI_COLOUR = /\u001b\[[0-9;]*m/g;
/** Node names the script file in stack frames and in the header of a thrown error. */
const JAVASCRIPT_FRAME = /\bmain\.[cm]?js:(\d+)(?::(\d+))?/g;
/** `Main.java:5` in a stack frame, `Main.java:5: error:` from the compiler. */
const JAVA_FRAME = /\b\w+\.java:(\d+)/g;
/** Rscript's parse errors: `Error: 3:5: unexpected symbol` or `main.R:3:5: unexpected …`. */
const R_PARSE_ERROR = /(?:^Error: |\.R:)(\d+):(\d+): unexpected/m;

/**
 * The line of the user's code a failure points at, from the error text and stderr, or
 * undefined when the output names none. `code` is what was sent: a location beyond its
 * last line belongs to code the service wrapped around it, not to the user's. `codeFile`:
 * the sandbox path the code ran from, when it did; then only frames of that file count.
 */
export function findErrorLocation(
  language: Language,
  texts: string[],
  code: string,
  codeFile?: string,
): ErrorLocation | undefined {
  const lineCount = code.split('\n').length;
  const valid = (n: number) => Number.isInteger(n) && n >= 1 && n <= lineCount;
  // IPython colours its tracebacks; the escapes can sit between "line" and the number.
  const text = texts.filter(Boolean).join('\n').replace(ANSI_COLOUR, '');
  if (codeFile && (language === 'python' || language === 'javascript')) {
    return fileFrames(language, text, codeFile, valid);
  }
  switch (language) {
    case 'python':
      return pythonLocation(text, PYTHON_FRAME, valid);
    case 'javascript':
      return javascriptLocation(text, JAVASCRIPT_FRAME, valid);
    case 'java': {
      // A snippet is wrapped in a class by the service, which shifts its lines by an amount
      // we cannot know; only a complete program has lines that match the user's.
      if (!/public\s+static\s+void\s+main\s*\(/.test(code)) return undefined;
      return fromFrames([...text.matchAll(JAVA_FRAME)].map((m) => Number(m[1])).filter(valid));
    }
    case 'r': {
      const match = R_PARSE_ERROR.exec(text);
      if (!match || !valid(Number(match[1]))) return undefined;
      return { line: Number(match[1]), column: Number(match[2]), calledFrom: [] };
    }
  }
}

/**
 * Frames naming the file the code ran from. The sandbox may show it under another root (the
 * local server maps /workspace elsewhere), so the path below the working directory decides;
 * Node names ES modules by file URL, with the path percent-encoded.
 */
function fileFrames(
  language: 'python' | 'javascript',
  text: string,
  codeFile: string,
  valid: (n: number) => boolean,
): ErrorLocation | undefined {
  const relative = codeFile.replace(/^\/workspace\//, '');
  const names = [...new Set([relative, encodeURI(relative)])].map(escapeRegExp).join('|');
  if (language === 'python') {
    // `File "path", line N` (Python), or IPython 8's `File path:N, in f()`.
    const frame = new RegExp(
      `File (?:"(?:[^"\\n]*/)?(?:${names})", line (\\d+)|(?:[^"\\n]*/)?(?:${names}):(\\d+))`,
      'g',
    );
    return pythonLocation(text, frame, valid);
  }
  const frame = new RegExp(`(?:^|[\\s(/])(?:${names}):(\\d+)(?::(\\d+))?`, 'gm');
  return javascriptLocation(text, frame, valid);
}

/** A traceback lists the outermost frame first: the last user frame is where it broke. */
function pythonLocation(
  text: string,
  frame: RegExp,
  valid: (n: number) => boolean,
): ErrorLocation | undefined {
  const lines = [...text.matchAll(frame)].map((m) => Number(m[1] ?? m[2])).filter(valid);
  return fromFrames(lines.reverse());
}

/** A stack lists the innermost frame first; `frame` captures the line, then the column. */
function javascriptLocation(
  text: string,
  frame: RegExp,
  valid: (n: number) => boolean,
): ErrorLocation | undefined {
  const matches = [...text.matchAll(frame)].filter((m) => valid(Number(m[1])));
  const first = matches[0];
  if (!first) return undefined;
  const location = fromFrames(matches.map((m) => Number(m[1])));
  // The header of a thrown error (`main.js:2`) has no column; its stack frame does.
  const column = matches.find((m) => m[1] === first[1] && m[2])?.[2];
  if (location && column) location.column = Number(column);
  return location;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Innermost first; consecutive repeats (recursion) collapse. */
function fromFrames(innermostFirst: number[]): ErrorLocation | undefined {
  const [line, ...rest] = innermostFirst.filter((n, i, all) => i === 0 || all[i - 1] !== n);
  if (line === undefined) return undefined;
  return { line, calledFrom: rest.slice(0, 5) };
}

/** "line 7, column 3": for titles. */
export function describeLine(location: ErrorLocation): string {
  const column = location.column === undefined ? '' : `, column ${location.column}`;
  return `line ${location.line}${column}`;
}

/** "line 7 (called from lines 12, 3)": for messages. */
export function describeLocation(location: ErrorLocation): string {
  const from = location.calledFrom.length
    ? ` (called from line${location.calledFrom.length > 1 ? 's' : ''} ${location.calledFrom.join(', ')})`
    : '';
  return `${describeLine(location)}${from}`;
}
