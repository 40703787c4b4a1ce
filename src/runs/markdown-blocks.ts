// The runnable code blocks of a Markdown page, with pytest-codeblocks-style markers: an HTML
// comment on the line before a block, invisible when the page renders.
//   <!-- run-code: skip -->             the block is not run (also: ```python skip)
//   <!-- run-code: expect-error -->     the block must fail
//   <!-- run-code: expected-output -->  before a plain fence: what the previous code block prints
import { canonicalLanguage, type Language } from './language.ts';

export type Marker = 'skip' | 'expect-error' | 'expected-output';
const MARKERS: readonly Marker[] = ['skip', 'expect-error', 'expected-output'];

export interface CodeBlock {
  /** 1-based position among the page's runnable blocks. */
  number: number;
  /** 1-based line of the opening fence. */
  line: number;
  language: Language;
  /** The info string as written (```python title="x" → 'python title="x"'). */
  info: string;
  code: string;
  skip: boolean;
  expectError: boolean;
  /** What the block must print, from the plain fence after an expected-output marker. */
  expectedOutput?: { text: string; line: number };
  /** The fence was never closed: the block runs to the end of the page, as CommonMark reads it. */
  unterminated: boolean;
}

/** A marker that cannot be honoured; the message names the page and the line. */
export class MarkdownBlockError extends Error {
  readonly line: number;
  constructor(page: string, line: number, message: string) {
    super(`${page}:${line}: ${message}`);
    this.name = 'MarkdownBlockError';
    this.line = line;
  }
}

interface Fence {
  line: number;
  info: string;
  lines: string[];
  unterminated: boolean;
  markers: Array<{ marker: Marker; line: number }>;
}

const FENCE_OPEN = /^( *)(`{3,}|~{3,})(.*)$/;
const MARKER_LINE = /^\s{0,3}<!--\s*run-code\s*:\s*([^\s>]*)\s*-->\s*$/;

/** Every fenced block of a page, with the markers on the lines just before it. */
function fences(page: string, text: string): Fence[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const out: Fence[] = [];
  let pending: Array<{ marker: Marker; line: number }> = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const marker = MARKER_LINE.exec(line);
    if (marker) {
      const name = (marker[1] ?? '').toLowerCase() as Marker;
      if (!MARKERS.includes(name)) {
        throw new MarkdownBlockError(
          page,
          i + 1,
          `unknown marker 'run-code: ${marker[1] ?? ''}'; use one of ${MARKERS.map((m) => `'run-code: ${m}'`).join(', ')}`,
        );
      }
      pending.push({ marker: name, line: i + 1 });
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    const fenceChars = open?.[2] ?? '';
    const info = (open?.[3] ?? '').trim();
    // A backtick fence's info string cannot contain backticks (that is inline code).
    if (!open || (fenceChars.startsWith('`') && info.includes('`'))) {
      if (line.trim() !== '') pending = [];
      continue;
    }
    const indent = (open[1] ?? '').length;
    const openLine = i + 1;
    const body: string[] = [];
    let closed = false;
    for (i++; i < lines.length; i++) {
      const inner = lines[i] as string;
      const close = /^ *(`{3,}|~{3,})\s*$/.exec(inner);
      if (close?.[1] && close[1][0] === fenceChars[0] && close[1].length >= fenceChars.length) {
        closed = true;
        break;
      }
      // Content loses up to the opening fence's indentation (CommonMark).
      body.push(inner.replace(new RegExp(`^ {0,${indent}}`), ''));
    }
    out.push({
      line: openLine,
      info,
      lines: body,
      unterminated: !closed,
      markers: pending,
    });
    pending = [];
  }
  return out;
}

/**
 * The page's runnable blocks in order: fenced blocks whose info string starts with a language
 * the service runs. Blocks in other languages and plain fences are not run.
 */
export function extractCodeBlocks(page: string, text: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let previous: CodeBlock | undefined;
  for (const fence of fences(page, text)) {
    const words = fence.info
      .replace(/^\{\.?|\}$/g, '')
      .split(/[\s,]+/)
      .filter(Boolean);
    const language = words[0] ? canonicalLanguage(words[0]) : undefined;
    const has = (marker: Marker): boolean => fence.markers.some((m) => m.marker === marker);
    if (has('expected-output')) {
      const at = fence.markers.find((m) => m.marker === 'expected-output')?.line ?? fence.line;
      if (fence.info !== '') {
        throw new MarkdownBlockError(
          page,
          at,
          `'run-code: expected-output' must be followed by a plain fence (no language), not '${fence.info.slice(0, 40)}'`,
        );
      }
      if (!previous) {
        throw new MarkdownBlockError(page, at, "'run-code: expected-output' follows no code block");
      }
      if (previous.expectedOutput) {
        throw new MarkdownBlockError(
          page,
          at,
          `the block at line ${previous.line} already has its expected output (line ${previous.expectedOutput.line})`,
        );
      }
      previous.expectedOutput = { text: fence.lines.join('\n'), line: fence.line };
      continue;
    }
    if (fence.info === '' && fence.markers.length > 0) {
      // A marker before a plain fence would silently do nothing.
      const first = fence.markers[0] as { marker: Marker; line: number };
      throw new MarkdownBlockError(
        page,
        first.line,
        `'run-code: ${first.marker}' stands before a block with no language, which is never run`,
      );
    }
    if (!language) continue;
    const block: CodeBlock = {
      number: blocks.length + 1,
      line: fence.line,
      language,
      info: fence.info,
      code: fence.lines.join('\n') + (fence.lines.length > 0 ? '\n' : ''),
      skip: has('skip') || words.slice(1).some((w) => w.toLowerCase() === 'skip'),
      expectError: has('expect-error'),
      unterminated: fence.unterminated,
    };
    blocks.push(block);
    previous = block;
  }
  return blocks;
}

export interface OutputComparison {
  matches: boolean;
  /** A unified-style diff (expected `-`, actual `+`); '' when the outputs match. */
  diff: string;
}

/** Lines to diff exactly; beyond this the diff shows the first difference only. */
const MAX_DIFF_LINES = 2000;

/** Compares after normalising line ends and trimming trailing white space (per line and at the end). */
export function compareOutput(expected: string, actual: string): OutputComparison {
  const want = normalise(expected);
  const got = normalise(actual);
  if (want.join('\n') === got.join('\n')) return { matches: true, diff: '' };
  return { matches: false, diff: diffLines(want, got) };
}

function normalise(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/).map((line) => line.replace(/\s+$/, ''));
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}

function diffLines(want: string[], got: string[]): string {
  const header = ['--- expected', '+++ actual'];
  if (want.length > MAX_DIFF_LINES || got.length > MAX_DIFF_LINES) {
    let i = 0;
    while (i < want.length && i < got.length && want[i] === got[i]) i++;
    return [
      ...header,
      `@@ first difference at line ${i + 1} (outputs too long to diff in full) @@`,
      ...(i < want.length ? [`-${want[i]}`] : []),
      ...(i < got.length ? [`+${got[i]}`] : []),
    ].join('\n');
  }
  // Longest common subsequence, filled from the end so the walk below goes forwards.
  const n = want.length;
  const m = got.length;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = table[i] as Uint32Array;
    const below = table[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--) {
      row[j] =
        want[i] === got[j]
          ? (below[j + 1] as number) + 1
          : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const out = [...header];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && want[i] === got[j]) {
      out.push(` ${want[i]}`);
      i++;
      j++;
    } else if (
      j < m &&
      (i >= n || ((table[i] as Uint32Array)[j + 1] ?? 0) > ((table[i + 1] as Uint32Array)[j] ?? 0))
    ) {
      out.push(`+${got[j]}`);
      j++;
    } else {
      out.push(`-${want[i]}`);
      i++;
    }
  }
  return out.join('\n');
}
